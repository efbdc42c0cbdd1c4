//! What the apps domain keeps: an app, its numbered graph versions, its deployments and
//! its last known status, as stored and as the API shows them.
//!
//! A graph is stored as the JSON text it was saved as: the store never rewrites a number
//! or drops a `null`, so what is deployed is what was saved, and its hash stays true.

use std::collections::BTreeMap;

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::resource::{LiveGraph, Phase};
use crate::audit::Actor;
use crate::bus::Topic;
use crate::store::record_key;

/// The label that makes an app's graph read-only in monitor (the controller's own
/// convention): its graph cannot be saved, deployed or deleted until the label goes.
pub const READONLY_LABEL: (&str, &str) = ("rampart-graph-readonly", "true");

/// An app as stored.
#[derive(Debug, Clone, SurrealValue)]
pub struct AppRow {
    pub id: RecordId,
    pub namespace: String,
    pub name: String,
    pub description: String,
    pub labels: BTreeMap<String, String>,
    pub auto_revert: bool,
    /// How many versions the app has; the next one is numbered one more.
    pub version_count: i64,
    /// The version monitor last deployed, reverted to or undeployed.
    pub active_version: Option<i64>,
    /// The stored version the cluster's resource holds now.
    pub live_version: Option<i64>,
    /// Whether the resource exists and asks the controller to deploy.
    pub active: bool,
    /// Whether the resource exists in the cluster.
    pub in_cluster: bool,
    pub status: Option<AppStatus>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_edit_at: DateTime<Utc>,
    pub last_deploy_at: Option<DateTime<Utc>>,
}

impl AppRow {
    pub fn key(&self) -> String {
        record_key(&self.id)
    }

    /// The app's description and labels as recorded in the audit log.
    pub fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({
            "namespace": self.namespace,
            "name": self.name,
            "description": self.description,
            "labels": self.labels,
            "autoRevert": self.auto_revert,
        })
    }

    pub fn is_readonly(&self) -> bool {
        self.labels.get(READONLY_LABEL.0).map(String::as_str) == Some(READONLY_LABEL.1)
    }
}

/// A label on an app, as Kubernetes labels are: a key and a value.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct AppLabel {
    pub key: String,
    pub value: String,
}

/// An app on Kubernetes: a graph with a version history, deployed as one resource.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct App {
    pub id: ID,
    /// The namespace of the app's resource.
    pub namespace: String,
    /// The name of the app's resource.
    pub name: String,
    pub description: String,
    pub labels: Vec<AppLabel>,
    /// A deploy that ends Failed rolls back to the last version that reached Deployed.
    pub auto_revert: bool,
    /// Whether the resource exists and asks the controller to deploy it.
    pub active: bool,
    /// Whether the resource exists in the cluster (as monitor last saw it).
    pub in_cluster: bool,
    pub version_count: i64,
    /// The controller's view, as monitor last saw it; `null` before the first.
    pub status: Option<AppStatus>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When a version was last saved (by a user or found in the cluster).
    pub last_edit_at: DateTime<Utc>,
    /// When a deploy, revert or undeploy last started.
    pub last_deploy_at: Option<DateTime<Utc>>,
    /// Whether the graph may be changed through monitor (no read-only label).
    pub readonly: bool,
    #[graphql(skip)]
    pub active_version_number: Option<i64>,
    #[graphql(skip)]
    pub live_version_number: Option<i64>,
}

impl From<&AppRow> for App {
    fn from(row: &AppRow) -> App {
        App {
            id: ID(row.key()),
            namespace: row.namespace.clone(),
            name: row.name.clone(),
            description: row.description.clone(),
            labels: row
                .labels
                .iter()
                .map(|(key, value)| AppLabel {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
            auto_revert: row.auto_revert,
            active: row.active,
            in_cluster: row.in_cluster,
            version_count: row.version_count,
            status: row.status.clone(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_edit_at: row.last_edit_at,
            last_deploy_at: row.last_deploy_at,
            readonly: row.is_readonly(),
            active_version_number: row.active_version,
            live_version_number: row.live_version,
        }
    }
}

impl App {
    /// Whether what is live differs from what monitor deployed.
    pub fn is_drifted(&self) -> bool {
        self.in_cluster
            && self.active_version_number.is_some()
            && self.live_version_number != self.active_version_number
    }
}

/// An app whose status, liveness or drift changed, as `appStatusChanged` follows them.
#[derive(Debug, Clone)]
pub struct AppStatusChanged(pub App);

impl Topic for AppStatusChanged {
    const NAME: &'static str = "app status changes";
}

/// The controller's phase of a graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppPhase {
    Deploying,
    Deployed,
    Undeploying,
    Undeployed,
    Failed,
    Deleting,
}

impl From<Phase> for AppPhase {
    fn from(phase: Phase) -> AppPhase {
        match phase {
            Phase::Deploying => AppPhase::Deploying,
            Phase::Deployed => AppPhase::Deployed,
            Phase::Undeploying => AppPhase::Undeploying,
            Phase::Undeployed => AppPhase::Undeployed,
            Phase::Failed => AppPhase::Failed,
            Phase::Deleting => AppPhase::Deleting,
        }
    }
}

/// One component's URL paths, from the controller's `endpointPaths`.
#[derive(Debug, Clone, PartialEq, SimpleObject, SurrealValue)]
pub struct AppEndpoint {
    pub component: String,
    pub paths: Vec<String>,
}

/// The resource's status as the controller wrote it, with the generation it describes.
#[derive(Debug, Clone, PartialEq, SimpleObject, SurrealValue)]
pub struct AppStatus {
    /// `null` before the controller has seen the resource.
    pub phase: Option<AppPhase>,
    pub reason: Option<String>,
    pub messages: Vec<String>,
    /// The generation the controller last finished.
    pub observed_generation: Option<i64>,
    /// The resource's current generation: ahead of `observedGeneration` while the
    /// controller works on a change.
    pub generation: Option<i64>,
    #[graphql(skip)]
    pub endpoints: Vec<AppEndpoint>,
    pub component_namespaces: Vec<String>,
    /// When monitor read it.
    pub seen_at: DateTime<Utc>,
}

impl AppStatus {
    /// The status of a resource as read from the cluster.
    pub fn from_live(live: &LiveGraph) -> AppStatus {
        let status = &live.status;
        AppStatus {
            phase: status.phase.map(AppPhase::from),
            reason: status.reason.clone(),
            messages: status.messages.clone(),
            observed_generation: status.observed_generation,
            generation: live.generation,
            endpoints: status
                .endpoints
                .iter()
                .map(|(component, paths)| AppEndpoint {
                    component: component.clone(),
                    paths: paths.clone(),
                })
                .collect(),
            component_namespaces: status.component_namespaces.clone(),
            seen_at: Utc::now(),
        }
    }
}

/// Where a version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VersionSource {
    /// Saved through monitor.
    Monitor,
    /// Found in the cluster: someone changed the resource outside monitor.
    Cluster,
}

/// A version as stored; its key is `<app key>-<number>`, so a number is taken once.
#[derive(Debug, Clone, SurrealValue)]
pub struct VersionRow {
    pub id: RecordId,
    pub app: String,
    pub number: i64,
    /// The graph's JSON text, as saved.
    pub graph: String,
    pub hash: String,
    pub message: String,
    /// Who saved it; `null` for a version found in the cluster.
    pub author: Option<Actor>,
    pub source: VersionSource,
    /// The field manager that last wrote the resource's spec, for a version found in
    /// the cluster.
    pub field_manager: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One saved graph of an app; numbered 1, 2, 3… per app and never renumbered.
#[derive(Debug, Clone, SimpleObject)]
pub struct AppVersion {
    pub id: ID,
    pub app_id: ID,
    pub number: i64,
    pub graph: async_graphql::Json<serde_json::Value>,
    /// SHA-256 of the graph's canonical JSON (RFC 8785), in hex.
    pub hash: String,
    pub message: String,
    pub author: Option<Actor>,
    pub source: VersionSource,
    pub field_manager: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&VersionRow> for AppVersion {
    fn from(row: &VersionRow) -> AppVersion {
        AppVersion {
            id: ID(record_key(&row.id)),
            app_id: ID(row.app.clone()),
            number: row.number,
            // The text was written from a JSON value, so it parses back.
            graph: async_graphql::Json(serde_json::from_str(&row.graph).unwrap_or_default()),
            hash: row.hash.clone(),
            message: row.message.clone(),
            author: row.author.clone(),
            source: row.source,
            field_manager: row.field_manager.clone(),
            created_at: row.created_at,
        }
    }
}

/// What a deployment asked of the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeploymentAction {
    Deploy,
    /// A deploy of an older version than the active one.
    Revert,
    /// The rollback monitor started after a deploy of an app with `autoRevert` failed.
    AutoRevert,
    Undeploy,
}

/// How a deployment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeploymentOutcome {
    /// Still being followed.
    Running,
    Deployed,
    Undeployed,
    Failed,
    /// The controller did not finish within the timeout.
    TimedOut,
    /// Another change to the resource replaced this one before it finished.
    Superseded,
    /// The resource was deleted meanwhile.
    Deleted,
    /// The API server refused or did not answer; nothing changed in the cluster.
    Refused,
    /// monitor stopped while following it.
    Interrupted,
}

/// One deploy, revert or undeploy of an app: who, when, from which version to which,
/// why, and how it ended.
#[derive(Debug, Clone, SimpleObject, SurrealValue)]
#[graphql(complex)]
pub struct Deployment {
    #[graphql(skip)]
    pub id: RecordId,
    #[graphql(skip)]
    pub app: String,
    pub action: DeploymentAction,
    pub actor: Actor,
    /// The active version before.
    pub from_version: Option<i64>,
    /// The version deployed (for an undeploy, the one undeployed).
    pub to_version: i64,
    pub reason: String,
    pub outcome: DeploymentOutcome,
    /// The last thing the controller or the API server said about it.
    pub message: Option<String>,
    #[graphql(skip)]
    pub operation_id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

//! The [`Apps`] service: apps and their versions as monitor keeps them.
//!
//! What the cluster tells about them (an out-of-band graph, a status, a deleted
//! resource) lives in [`super::observe`]; deploying in [`super::deploy`]; the catalog
//! of component configs in [`super::catalog`].

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use surrealdb::types::SurrealValue;

use super::catalog::Catalog;
use super::hash::version_hash;
use super::input::{AppPatch, NewApp};
use super::model::{
    App, AppRow, AppStatusChanged, AppVersion, Deployment, VersionRow, VersionSource,
};
use super::resource::LiveGraph;
use super::store;
use crate::audit::{Actor, AuditEvent, AuditKind, AuditLog, AuditSubjectType};
use crate::bus::Bus;
use crate::error::{Error, Result};
use crate::kube::Kubernetes;
use crate::operations::Operations;
use crate::store::Store;

/// How often a save that lost the race for a version number looks again.
const SAVE_ATTEMPTS: u32 = 5;

/// Apps, their versions and deployments; the one way other code reaches them.
#[derive(Clone)]
pub struct Apps {
    pub(super) store: Store,
    pub(super) audit: AuditLog,
    pub(super) bus: Bus,
    pub(super) operations: Operations,
    pub(super) kubernetes: Kubernetes,
    /// How long a deploy follows the resource before it fails as timed out.
    pub(super) deploy_timeout: Duration,
    /// The apps whose deployment runs now (see `deploy::Claim`).
    pub(super) deploying: Arc<Mutex<HashSet<String>>>,
    catalog: Catalog,
}

/// A stored version's graph, parsed.
#[derive(Debug, Clone)]
pub struct StoredGraph {
    pub number: i64,
    pub hash: String,
    pub graph: Value,
}

/// A version to store, and who or what it came from.
pub(super) struct NewVersion<'a> {
    pub graph: &'a Value,
    pub message: String,
    pub author: Option<Actor>,
    pub source: VersionSource,
    pub field_manager: Option<String>,
}

impl Apps {
    /// The service, once deployments a previous process left running are marked
    /// interrupted (their operations are, by [`Operations::recover`]) and the state of
    /// their apps is being read back from the cluster.
    pub async fn recover(
        store: Store,
        audit: AuditLog,
        bus: Bus,
        operations: Operations,
        kubernetes: Kubernetes,
        deploy_timeout: Duration,
    ) -> Result<Apps> {
        let interrupted = store::interrupt_deployments(&store).await?;
        let service = Apps {
            catalog: Catalog::new(store.clone(), audit.clone()),
            store,
            audit,
            bus,
            operations,
            kubernetes,
            deploy_timeout,
            deploying: Default::default(),
        };
        if !interrupted.is_empty() {
            tracing::warn!(
                deployments = interrupted.len(),
                "marked app deployments left running by the previous process as INTERRUPTED"
            );
            let apps = service.clone();
            tokio::spawn(async move {
                for key in interrupted {
                    if let Err(error) = apps.read_back(&key).await {
                        tracing::warn!(%error, app = %key, "cannot read an interrupted app back from the cluster");
                    }
                }
            });
        }
        Ok(service)
    }

    /// The component catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The cluster, or `UNAVAILABLE` with the reason there is none.
    pub fn cluster(&self) -> Result<&crate::kube::Cluster> {
        self.kubernetes.cluster()
    }

    pub async fn get(&self, id: &str) -> Result<Option<App>> {
        Ok(store::find(&self.store, id).await?.as_ref().map(App::from))
    }

    /// The apps with these ids that exist, in one store round trip.
    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<App>> {
        let rows = store::find_many(&self.store, ids).await?;
        Ok(rows.iter().map(App::from).collect())
    }

    /// The app whose resource is `namespace/name`, if monitor knows it.
    pub async fn find_by_name(&self, namespace: &str, name: &str) -> Result<Option<App>> {
        Ok(store::find_by_name(&self.store, namespace, name)
            .await?
            .as_ref()
            .map(App::from))
    }

    pub async fn list(
        &self,
        filter: &store::ListFilter,
        order: &store::ListOrder,
        limit: usize,
    ) -> Result<Vec<App>> {
        let rows = store::list(&self.store, filter, order, limit).await?;
        Ok(rows.iter().map(App::from).collect())
    }

    /// Version `number` of an app.
    pub async fn version(&self, app_id: &str, number: i64) -> Result<Option<AppVersion>> {
        Ok(store::find_version(&self.store, app_id, number)
            .await?
            .as_ref()
            .map(AppVersion::from))
    }

    /// The versions with these keys (`<app id>-<number>`), in one store round trip.
    pub async fn versions_by_key(&self, keys: &[String]) -> Result<Vec<AppVersion>> {
        let rows = store::find_versions(&self.store, keys).await?;
        Ok(rows.iter().map(AppVersion::from).collect())
    }

    /// An app's versions, newest first, below `before` when given.
    pub async fn versions(
        &self,
        app_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AppVersion>> {
        let rows = store::list_versions(&self.store, app_id, before, limit).await?;
        Ok(rows.iter().map(AppVersion::from).collect())
    }

    /// An app's deployments, newest first, started before `before` when given.
    pub async fn deployments(
        &self,
        app_id: &str,
        before: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Deployment>> {
        store::list_deployments(&self.store, app_id, before, limit).await
    }

    /// Version `number` of an app with its graph parsed; `BAD_USER_INPUT` at `field`
    /// when the app has no such version.
    pub async fn existing_version(
        &self,
        app_id: &str,
        number: i64,
        field: &[&str],
    ) -> Result<StoredGraph> {
        let app = self.existing(app_id).await?;
        let row = store::find_version(&self.store, app_id, number)
            .await?
            .ok_or_else(|| {
                Error::bad_input(
                    field,
                    format!(
                        "app {}/{} has no version {number}; its versions are 1 to {}",
                        app.namespace, app.name, app.version_count
                    ),
                )
            })?;
        let graph = serde_json::from_str(&row.graph).map_err(|error| {
            Error::Internal(anyhow::anyhow!(
                "version {} of app {app_id}: {error}",
                row.number
            ))
        })?;
        Ok(StoredGraph {
            number: row.number,
            hash: row.hash,
            graph,
        })
    }

    /// The graph of the app's resource as it is in the cluster now.
    pub async fn live_graph(&self, app_id: &str) -> Result<Value> {
        let cluster = self.cluster()?;
        let app = self.existing(app_id).await?;
        let object = cluster
            .get(&app.namespace, &app.name)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "resource of app",
                id: format!("{}/{}", app.namespace, app.name),
            })?;
        Ok(LiveGraph::from_object(&object).graph.unwrap_or(Value::Null))
    }

    /// Stores a new app with its graph as version 1, not deployed.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %app.name))]
    pub async fn create(&self, actor: &Actor, app: NewApp) -> Result<App> {
        self.cluster()?;
        let key = ulid::Ulid::new().to_string();
        let now = Utc::now();
        let row = new_row(&key, &app.namespace, &app.name, now);
        let row = AppRow {
            description: app.description,
            labels: app.labels,
            auto_revert: app.auto_revert,
            version_count: 1,
            ..row
        };
        let version = version_row(
            &key,
            1,
            NewVersion {
                graph: &app.graph,
                message: app.message,
                author: Some(actor.clone()),
                source: VersionSource::Monitor,
                field_manager: None,
            },
            now,
        );
        let event = self
            .event(
                AuditKind::AppCreated,
                actor,
                &row,
                format!("created app {}/{}", row.namespace, row.name),
            )
            .with_diff(None, Some(row.audit_view()));
        let stored: Option<AppRow> = self
            .audit
            .write(
                store::CREATE_APP,
                (
                    "app_id",
                    row.id.clone(),
                    "app_row",
                    row.clone(),
                    "version_id",
                    version.id.clone(),
                    "version_row",
                    version,
                ),
                event,
            )
            .await
            .map_err(|error| match error {
                Error::Conflict(_) => Error::Conflict(format!(
                    "an app {}/{} already exists",
                    row.namespace, row.name
                )),
                other => other,
            })?;
        Ok(App::from(&stored.unwrap_or(row)))
    }

    /// Changes an app's description, labels or auto-revert.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id))]
    pub async fn update(&self, actor: &Actor, id: &str, patch: AppPatch) -> Result<App> {
        self.cluster()?;
        let before = self.existing(id).await?;
        let after = AppRow {
            description: patch
                .description
                .unwrap_or_else(|| before.description.clone()),
            labels: patch.labels.unwrap_or_else(|| before.labels.clone()),
            auto_revert: patch.auto_revert.unwrap_or(before.auto_revert),
            updated_at: Utc::now(),
            ..before.clone()
        };
        let event = self
            .event(
                AuditKind::AppUpdated,
                actor,
                &after,
                format!("changed app {}/{}", after.namespace, after.name),
            )
            .with_diff(Some(before.audit_view()), Some(after.audit_view()));
        let stored: Option<AppRow> = self
            .audit
            .write(
                store::UPDATE_APP,
                (
                    "app_id",
                    before.id.clone(),
                    "description",
                    after.description.clone(),
                    "labels",
                    after.labels.clone(),
                    "auto_revert",
                    after.auto_revert,
                    "updated_at",
                    after.updated_at,
                ),
                event,
            )
            .await?;
        let app = App::from(&stored.ok_or_else(|| not_found(id))?);
        self.bus.publish(AppStatusChanged(app.clone()));
        Ok(app)
    }

    /// Saves `graph` as the app's next version, or returns the stored version with the
    /// same hash: saving the same graph twice makes one version.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id))]
    pub async fn save_graph(
        &self,
        actor: &Actor,
        id: &str,
        graph: &Value,
        message: String,
    ) -> Result<AppVersion> {
        self.cluster()?;
        let app = self.existing(id).await?;
        refuse_readonly(&app)?;
        let new = NewVersion {
            graph,
            message,
            author: Some(actor.clone()),
            source: VersionSource::Monitor,
            field_manager: None,
        };
        let (version, _) = self.add_version(actor, &app, new).await?;
        Ok(AppVersion::from(&version))
    }

    /// The hash of the version monitor last deployed, for drift: `None` when monitor has
    /// deployed none.
    pub async fn deployed_hash(&self, app_id: &str) -> Result<Option<String>> {
        let app = self.existing(app_id).await?;
        let Some(number) = app.active_version else {
            return Ok(None);
        };
        Ok(store::find_version(&self.store, app_id, number)
            .await?
            .map(|version| version.hash))
    }

    /// Stores `new` as the app's next version unless a version with its hash exists;
    /// says which, and whether it is new.
    pub(super) async fn add_version(
        &self,
        actor: &Actor,
        app: &AppRow,
        new: NewVersion<'_>,
    ) -> Result<(VersionRow, bool)> {
        let hash = version_hash(new.graph);
        let key = app.key();
        for _ in 0..SAVE_ATTEMPTS {
            if let Some(existing) = store::find_version_by_hash(&self.store, &key, &hash).await? {
                return Ok((existing, false));
            }
            let current = self.existing(&key).await?;
            let number = current.version_count + 1;
            let now = Utc::now();
            let row = version_row(
                &key,
                number,
                NewVersion {
                    graph: new.graph,
                    message: new.message.clone(),
                    author: new.author.clone(),
                    source: new.source,
                    field_manager: new.field_manager.clone(),
                },
                now,
            );
            #[derive(Clone, SurrealValue)]
            struct Counted {
                version_count: i64,
                last_edit_at: DateTime<Utc>,
            }
            let kind = match new.source {
                VersionSource::Monitor => AuditKind::AppGraphSaved,
                VersionSource::Cluster => AuditKind::AppGraphChangedInCluster,
            };
            let event = self.event(
                kind,
                actor,
                app,
                format!(
                    "version {number} of app {}/{}: {}",
                    app.namespace, app.name, row.message
                ),
            );
            let written = self
                .audit
                .write::<AppRow>(
                    store::ADD_VERSION,
                    (
                        "app_id",
                        app.id.clone(),
                        "app_facts",
                        Counted {
                            version_count: number,
                            last_edit_at: now,
                        },
                        "version_id",
                        row.id.clone(),
                        "version_row",
                        row.clone(),
                    ),
                    event,
                )
                .await;
            match written {
                Ok(_) => return Ok((row, true)),
                // Another save took the number, or stored the same graph: look again.
                Err(Error::Conflict(_)) => continue,
                Err(error) => return Err(error),
            }
        }
        Err(Error::Conflict(format!(
            "app {}/{} is being changed by others at the same time; try again",
            app.namespace, app.name
        )))
    }

    /// Changes facts of an app that come from the cluster or a deploy, and tells
    /// `appStatusChanged` subscribers.
    pub(super) async fn remember(&self, key: &str, facts: impl SurrealValue + Clone) -> Result<()> {
        if let Some(row) = store::merge(&self.store, key, facts).await? {
            self.bus.publish(AppStatusChanged(App::from(&row)));
        }
        Ok(())
    }

    pub(super) async fn existing(&self, key: &str) -> Result<AppRow> {
        store::find(&self.store, key)
            .await?
            .ok_or_else(|| not_found(key))
    }

    pub(super) fn event(
        &self,
        kind: AuditKind,
        actor: &Actor,
        app: &AppRow,
        summary: String,
    ) -> AuditEvent {
        let key = app.key();
        let name = format!("{}/{}", app.namespace, app.name);
        self.audit
            .event(kind, actor, summary)
            .about(AuditSubjectType::App, Some(&key), Some(&name))
            .on_app(&key)
    }
}

/// An app with no version, not in the cluster.
pub(super) fn new_row(key: &str, namespace: &str, name: &str, now: DateTime<Utc>) -> AppRow {
    AppRow {
        id: store::app_id(key),
        namespace: namespace.to_string(),
        name: name.to_string(),
        description: String::new(),
        labels: Default::default(),
        auto_revert: false,
        version_count: 0,
        active_version: None,
        live_version: None,
        active: false,
        in_cluster: false,
        status: None,
        created_at: now,
        updated_at: now,
        last_edit_at: now,
        last_deploy_at: None,
    }
}

fn version_row(app: &str, number: i64, new: NewVersion<'_>, now: DateTime<Utc>) -> VersionRow {
    VersionRow {
        id: store::version_id(app, number),
        app: app.to_string(),
        number,
        graph: new.graph.to_string(),
        hash: version_hash(new.graph),
        message: new.message,
        author: new.author,
        source: new.source,
        field_manager: new.field_manager,
        created_at: now,
    }
}

/// `CONFLICT` for an app whose read-only label forbids changing its graph.
pub(super) fn refuse_readonly(app: &AppRow) -> Result<()> {
    if app.is_readonly() {
        let (key, value) = super::model::READONLY_LABEL;
        return Err(Error::Conflict(format!(
            "app {}/{} is read-only (label {key}: \"{value}\"); remove the label with \
             updateApp to change it",
            app.namespace, app.name
        )));
    }
    Ok(())
}

pub fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "app",
        id: id.to_string(),
    }
}

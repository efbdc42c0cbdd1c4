//! What the cluster tells monitor about apps, from the sync's watch or read back after
//! a restart: a resource's graph (matched to a stored version by hash, or a new version
//! marked as coming from the cluster; an unknown resource becomes an app), its status,
//! and its deletion.

use chrono::Utc;
use serde_json::Value;
use surrealdb::types::SurrealValue;

use super::model::{AppRow, AppStatus, AppVersion, VersionSource};
use super::resource::LiveGraph;
use super::service::{NewVersion, new_row, not_found};
use super::{Apps, store};
use crate::audit::{Actor, AuditKind};
use crate::error::{Error, Result};

impl Apps {
    /// Learns an app's state from its resource as it is now: its live version, status
    /// and whether it still exists.
    pub async fn read_back(&self, key: &str) -> Result<()> {
        let app = self.existing(key).await?;
        let object = self.cluster()?.get(&app.namespace, &app.name).await?;
        let Some(object) = object else {
            return self
                .mark_deleted_in_cluster(&app.namespace, &app.name)
                .await;
        };
        self.observe(&LiveGraph::from_object(&object)).await
    }

    /// Takes in a resource as read from the cluster: its graph (a stored version, or a
    /// new one from the cluster; an unknown resource becomes an app) and its status. The
    /// status is recorded even when the graph is refused; the first error is returned,
    /// the status's first (a store failure outweighs a refused graph).
    pub async fn observe(&self, live: &LiveGraph) -> Result<()> {
        let recorded = match &live.graph {
            Some(graph) => {
                let manager = live.spec_manager.as_ref().map(|m| m.manager.as_str());
                self.record_cluster_graph(&live.namespace, &live.name, graph, manager)
                    .await
                    .map(drop)
            }
            None => Ok(()),
        };
        let status = self.set_status(&live.namespace, &live.name, live).await;
        status.and(recorded)
    }

    /// The version matching a graph found in the cluster at `namespace/name`: a stored
    /// one with the same hash, else a new version marked as coming from the cluster
    /// (and `field_manager`, when the resource says who wrote it). An unknown resource
    /// becomes a new app. The app's live version becomes this one.
    #[tracing::instrument(skip_all, fields(namespace, name))]
    pub async fn record_cluster_graph(
        &self,
        namespace: &str,
        name: &str,
        graph: &Value,
        field_manager: Option<&str>,
    ) -> Result<AppVersion> {
        let app = match store::find_by_name(&self.store, namespace, name).await? {
            Some(app) => app,
            None => self.discover(namespace, name, field_manager).await?,
        };
        let new = NewVersion {
            graph,
            message: match field_manager {
                Some(manager) => format!("changed in the cluster by {manager}"),
                None => "changed in the cluster".into(),
            },
            author: None,
            source: VersionSource::Cluster,
            field_manager: field_manager.map(str::to_string),
        };
        let (version, _) = self.add_version(&Actor::system(), &app, new).await?;
        if app.live_version != Some(version.number) || !app.in_cluster {
            #[derive(Clone, SurrealValue)]
            struct Live {
                live_version: i64,
                in_cluster: bool,
            }
            let live = Live {
                live_version: version.number,
                in_cluster: true,
            };
            self.remember(&app.key(), live).await?;
        }
        Ok(AppVersion::from(&version))
    }

    /// Records the resource's status (and whether it asks to be deployed) as read
    /// from the cluster, and tells `appStatusChanged` subscribers when it changed.
    #[tracing::instrument(skip_all, fields(namespace, name))]
    pub async fn set_status(&self, namespace: &str, name: &str, live: &LiveGraph) -> Result<()> {
        let Some(app) = store::find_by_name(&self.store, namespace, name).await? else {
            return Ok(());
        };
        let status = AppStatus::from_live(live);
        let active = live.deploy && !live.deleting;
        let unchanged = app.in_cluster
            && app.active == active
            && app.status.as_ref().is_some_and(|old| {
                AppStatus {
                    seen_at: old.seen_at,
                    ..status.clone()
                } == *old
            });
        if unchanged {
            return Ok(());
        }
        #[derive(Clone, SurrealValue)]
        struct Seen {
            status: AppStatus,
            active: bool,
            in_cluster: bool,
        }
        let seen = Seen {
            status,
            active,
            in_cluster: true,
        };
        self.remember(&app.key(), seen).await
    }

    /// Marks an app whose resource was deleted outside monitor as undeployed; its
    /// versions and deployments stay.
    #[tracing::instrument(skip_all, fields(namespace, name))]
    pub async fn mark_deleted_in_cluster(&self, namespace: &str, name: &str) -> Result<()> {
        let Some(app) = store::find_by_name(&self.store, namespace, name).await? else {
            return Ok(());
        };
        if !app.in_cluster {
            return Ok(());
        }
        let event = self.event(
            AuditKind::AppDeletedInCluster,
            &Actor::system(),
            &app,
            format!(
                "the resource of app {namespace}/{name} was deleted in the cluster; \
                 its history is kept"
            ),
        );
        self.audit.append(event).await?;
        self.remember(&app.key(), gone()).await
    }

    /// A new app for a resource monitor has not seen, with no version yet.
    async fn discover(
        &self,
        namespace: &str,
        name: &str,
        field_manager: Option<&str>,
    ) -> Result<AppRow> {
        let key = ulid::Ulid::new().to_string();
        let row = AppRow {
            description: "found in the cluster".into(),
            in_cluster: true,
            ..new_row(&key, namespace, name, Utc::now())
        };
        let who = field_manager.unwrap_or("someone outside monitor");
        let event = self
            .event(
                AuditKind::AppFoundInCluster,
                &Actor::system(),
                &row,
                format!("found app {namespace}/{name} in the cluster, written by {who}"),
            )
            .with_diff(None, Some(row.audit_view()));
        let written = self
            .audit
            .write::<AppRow>(
                "CREATE ONLY $app_id CONTENT $app_row",
                ("app_id", row.id.clone(), "app_row", row.clone()),
                event,
            )
            .await;
        match written {
            Ok(stored) => Ok(stored.unwrap_or(row)),
            // Found by another event at the same time.
            Err(Error::Conflict(_)) => store::find_by_name(&self.store, namespace, name)
                .await?
                .ok_or_else(|| not_found(&format!("{namespace}/{name}"))),
            Err(error) => Err(error),
        }
    }
}

/// What an app is once its resource is gone.
fn gone() -> impl SurrealValue + Clone {
    #[derive(Clone, SurrealValue)]
    struct Gone {
        active: bool,
        in_cluster: bool,
        live_version: Option<i64>,
        status: Option<AppStatus>,
    }
    Gone {
        active: false,
        in_cluster: false,
        live_version: None,
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::apps::AppStatusChanged;
    use crate::audit::AuditLog;
    use crate::bus::{Bus, Received};
    use crate::kube::Kubernetes;
    use crate::operations::Operations;
    use crate::store::Store;

    async fn apps() -> Apps {
        let store = Store::in_memory().await;
        let bus = Bus::new();
        let audit = AuditLog::new(store.clone(), bus.clone());
        let operations = Operations::recover(store.clone(), audit.clone(), bus.clone())
            .await
            .expect("operations");
        Apps::recover(
            store,
            audit,
            bus,
            operations,
            Kubernetes::NotConfigured,
            Duration::from_secs(1),
        )
        .await
        .expect("apps")
    }

    fn graph(chart: &str) -> Value {
        json!({"components": {"api": {"chart": {"repo": "r", "name": "api", "version": chart}}},
               "flows": {}})
    }

    fn live(generation: i64, phase: &str) -> LiveGraph {
        let object = serde_json::from_value(json!({
            "apiVersion": "rampart.petuum.com/v1beta2", "kind": "RampartGraph",
            "metadata": {"name": "demo", "namespace": "ml", "generation": generation},
            "spec": {"graph": graph("1"), "deploy": true},
            "status": {"phase": phase, "observedGeneration": generation}
        }))
        .expect("a resource");
        LiveGraph::from_object(&object)
    }

    #[tokio::test]
    async fn a_graph_found_in_the_cluster_is_matched_by_hash_or_becomes_a_cluster_version() {
        let apps = apps().await;

        let first = apps
            .record_cluster_graph("ml", "demo", &graph("1"), Some("kubectl"))
            .await
            .expect("recorded");
        let same = apps
            .record_cluster_graph("ml", "demo", &graph("1"), None)
            .await
            .expect("recorded");
        let edited = apps
            .record_cluster_graph("ml", "demo", &graph("2"), Some("kubectl-edit"))
            .await
            .expect("recorded");
        let app = apps
            .find_by_name("ml", "demo")
            .await
            .expect("read")
            .expect("the app was created");

        assert_eq!((first.number, same.number, edited.number), (1, 1, 2));
        assert_eq!(edited.source, VersionSource::Cluster);
        assert_eq!(edited.field_manager.as_deref(), Some("kubectl-edit"));
        assert!(edited.author.is_none());
        assert_eq!(app.version_count, 2);
        assert_eq!(app.live_version_number, Some(2));
        assert!(app.in_cluster);
        assert_eq!(
            apps.deployed_hash(&app.id).await.expect("read"),
            None,
            "monitor deployed nothing"
        );
    }

    #[tokio::test]
    async fn a_status_change_is_stored_and_published_once_and_a_deleted_resource_keeps_history() {
        let apps = apps().await;
        apps.record_cluster_graph("ml", "demo", &graph("1"), None)
            .await
            .expect("recorded");
        let mut changes = apps.bus.subscribe::<AppStatusChanged>();

        apps.set_status("ml", "demo", &live(3, "Deployed"))
            .await
            .expect("stored");
        apps.set_status("ml", "demo", &live(3, "Deployed"))
            .await
            .expect("stored");
        apps.mark_deleted_in_cluster("ml", "demo")
            .await
            .expect("stored");

        let Some(Received::Message(AppStatusChanged(deployed))) = changes.recv().await else {
            panic!("a change is published")
        };
        let status = deployed.status.expect("a status");
        assert_eq!(status.phase, Some(super::super::model::AppPhase::Deployed));
        assert_eq!(status.generation, Some(3));
        assert!(deployed.active);
        let Some(Received::Message(AppStatusChanged(gone))) = changes.recv().await else {
            panic!("the deletion is published, and the unchanged status was not")
        };
        assert!(!gone.in_cluster && !gone.active && gone.status.is_none());
        assert_eq!(gone.version_count, 1);
    }
}

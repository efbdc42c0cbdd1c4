//! Deleting an app: its resource first (the controller's finalizer tears the graph down,
//! which takes a while), then, once the resource is gone, the app with its history.

use std::time::Duration;

use super::Apps;
use super::model::{App, AppRow};
use super::service::refuse_readonly;
use super::store;
use crate::audit::{Actor, AuditKind};
use crate::error::{Error, Result};
use crate::kube::Deletion;

/// How often a resource being deleted is read again.
const CHECK_EVERY: Duration = Duration::from_millis(250);

impl Apps {
    /// Deletes the app's resource, waits until the cluster has removed it (at most the
    /// deploy timeout), then deletes the app, its versions and deployments.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id))]
    pub async fn delete(&self, actor: &Actor, id: &str) -> Result<App> {
        let cluster = self.cluster()?;
        let app = self.existing(id).await?;
        refuse_readonly(&app)?;
        let deletion = match cluster.delete(&app.namespace, &app.name).await {
            Err(error) if error.is_not_found() => Deletion::Gone,
            other => other?,
        };
        if let Deletion::Pending(_) = deletion {
            self.wait_until_gone(&app).await?;
        }
        let event = self
            .event(
                AuditKind::AppDeleted,
                actor,
                &app,
                format!(
                    "deleted app {}/{} with its {} versions",
                    app.namespace, app.name, app.version_count
                ),
            )
            .with_diff(Some(app.audit_view()), None);
        let deleted: Option<AppRow> = self
            .audit
            .write(
                store::DELETE_APP,
                ("app_id", app.id.clone(), "app_key", app.key()),
                event,
            )
            .await?;
        Ok(App::from(&deleted.unwrap_or(app)))
    }

    async fn wait_until_gone(&self, app: &AppRow) -> Result<()> {
        let cluster = self.cluster()?;
        let deadline = tokio::time::Instant::now() + self.deploy_timeout;
        let mut every = tokio::time::interval(CHECK_EVERY);
        loop {
            every.tick().await;
            if cluster.get(&app.namespace, &app.name).await?.is_none() {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Unavailable {
                    component: "kubernetes",
                    message: format!(
                        "the resource {}/{} is still being deleted after {} s (the \
                         controller's finalizer holds it); the app is kept, try again",
                        app.namespace,
                        app.name,
                        self.deploy_timeout.as_secs()
                    ),
                });
            }
        }
    }
}

//! Deploying, reverting and undeploying an app, each an operation: server-side apply of
//! the whole resource as field manager `monitor`, then following the resource until the
//! controller has finished the new generation (Deployed, Undeployed or Failed) or the
//! deploy timeout passes, one progress line per change seen.
//!
//! Everything the user asked for is checked before anything is recorded or sent: an
//! unknown app or version, a read-only app, another deploy of the same app running.
//! When the API server refuses the apply, the operation fails with the API's own
//! message and the app keeps what monitor knew of it.

use std::time::Duration;

use chrono::Utc;
use surrealdb::types::SurrealValue;

use super::Apps;
use super::follow::{Ending as Followed, Follower};
use super::model::{AppRow, AppStatus, Deployment, DeploymentAction, DeploymentOutcome};
use super::resource::{LiveGraph, Phase, apply_body};
use super::service::{StoredGraph, refuse_readonly};
use super::store::{self, DeploymentEnd};
use crate::audit::{Actor, AuditKind};
use crate::error::{Error, Result};
use crate::kube::Cluster;
use crate::operations::{
    Ending, Operation, OperationKind, OperationSpec, OperationSubject, OperationTrigger, Progress,
};

/// How often a followed resource is read again.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// What a deployment is asked to do.
#[derive(Debug, Clone)]
pub struct DeployRequest {
    pub app_id: String,
    /// The version to deploy; the newest when `None`. Ignored by an undeploy.
    pub version: Option<i64>,
    pub reason: String,
    pub undeploy: bool,
}

/// One deployment in progress, as its work sees it.
struct Run {
    app: AppRow,
    action: DeploymentAction,
    version: StoredGraph,
    reason: String,
    actor: Actor,
}

impl Apps {
    /// Starts a deploy, revert or undeploy of an app as an operation.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %request.app_id))]
    pub async fn deploy(&self, actor: &Actor, request: DeployRequest) -> Result<Operation> {
        let cluster = self.cluster()?.clone();
        let app = self.existing(&request.app_id).await?;
        refuse_readonly(&app)?;
        let number = match (request.undeploy, request.version, app.active_version) {
            (true, _, _) if !app.in_cluster => {
                return Err(Error::Conflict(format!(
                    "app {}/{} has no resource in the cluster to undeploy",
                    app.namespace, app.name
                )));
            }
            (true, _, Some(active)) => active,
            (true, _, None) => {
                return Err(Error::Conflict(format!(
                    "app {}/{} has never been deployed by monitor",
                    app.namespace, app.name
                )));
            }
            (false, Some(number), _) => number,
            (false, None, _) => app.version_count,
        };
        let version = self
            .existing_version(&request.app_id, number, &["input", "version"])
            .await?;
        let action = match (request.undeploy, app.active_version) {
            (true, _) => DeploymentAction::Undeploy,
            (false, Some(active)) if number < active => DeploymentAction::Revert,
            _ => DeploymentAction::Deploy,
        };
        let guard = self.claim(&app)?;
        let (kind, audit_kind, verb) = match action {
            DeploymentAction::Undeploy => (
                OperationKind::AppUndeploy,
                AuditKind::AppUndeployStarted,
                "undeploy",
            ),
            DeploymentAction::Revert => (
                OperationKind::AppDeploy,
                AuditKind::AppRevertStarted,
                "revert",
            ),
            _ => (
                OperationKind::AppDeploy,
                AuditKind::AppDeployStarted,
                "deploy",
            ),
        };
        let target = format!("{verb} {}/{} version {number}", app.namespace, app.name);
        let event = self.event(
            audit_kind,
            actor,
            &app,
            format!("{target}: {}", request.reason),
        );
        let spec = OperationSpec {
            kind,
            trigger: OperationTrigger::Manual,
            subject: OperationSubject::App { app_id: app.key() },
            parent_id: None,
            target,
            working_directory: None,
            queued: false,
        };
        let run = Run {
            app,
            action,
            version,
            reason: request.reason,
            actor: actor.clone(),
        };
        let apps = self.clone();
        let launched = self
            .operations
            .launch(actor, spec, Some(event), move |progress| async move {
                let _guard = guard;
                apps.carry_out(&cluster, run, progress).await
            })
            .await?;
        Ok(launched.operation)
    }

    /// The work of one deployment, and of the rollback an `autoRevert` app gets when it
    /// fails.
    async fn carry_out(&self, cluster: &Cluster, run: Run, progress: Progress) -> Ending {
        let (outcome, message) = self.deploy_once(cluster, &run, &progress).await;
        if outcome == DeploymentOutcome::Failed
            && run.app.auto_revert
            && run.action != DeploymentAction::Undeploy
        {
            return self.auto_revert(cluster, run, &progress, message).await;
        }
        match outcome {
            DeploymentOutcome::Deployed | DeploymentOutcome::Undeployed => Ending::succeeded(),
            _ => Ending::failed(None, message),
        }
    }

    /// Rolls back to the last version that reached Deployed, and says so.
    async fn auto_revert(
        &self,
        cluster: &Cluster,
        failed: Run,
        progress: &Progress,
        why: String,
    ) -> Ending {
        let key = failed.app.key();
        let failed_number = failed.version.number;
        let previous = match store::last_deployed(&self.store, &key, failed_number).await {
            Ok(previous) => previous,
            Err(error) => return Ending::failed(None, format!("{why}; {error}")),
        };
        let Some(previous) = previous else {
            progress.note("autoRevert: no earlier version of this app reached Deployed");
            return Ending::failed(None, format!("{why}; no version to roll back to"));
        };
        let version = match self
            .existing_version(&key, previous.to_version, &["version"])
            .await
        {
            Ok(version) => version,
            Err(error) => return Ending::failed(None, format!("{why}; {error}")),
        };
        progress.note(format!(
            "autoRevert: version {failed_number} failed; rolling back to version {}, the \
             last that reached Deployed",
            version.number
        ));
        let rollback = Run {
            action: DeploymentAction::AutoRevert,
            version,
            reason: format!("autoRevert after version {failed_number} failed"),
            actor: Actor::system(),
            ..failed
        };
        let (outcome, message) = self.deploy_once(cluster, &rollback, progress).await;
        let back = rollback.version.number;
        let result = if outcome == DeploymentOutcome::Deployed {
            format!("rolled back to version {back}, which is Deployed")
        } else {
            format!("rolling back to version {back} did not succeed either: {message}")
        };
        progress.note(format!("autoRevert: {result}"));
        Ending::failed(None, format!("{why}; {result}"))
    }

    /// Applies one version (or the undeploy of one) and follows it to its end.
    async fn deploy_once(
        &self,
        cluster: &Cluster,
        run: &Run,
        progress: &Progress,
    ) -> (DeploymentOutcome, String) {
        let app = &run.app;
        let key = app.key();
        let deployment_key = ulid::Ulid::new().to_string();
        let from_version = match self.existing(&key).await {
            Ok(current) => current.active_version,
            Err(_) => app.active_version,
        };
        let started = Deployment {
            id: store::deployment_id(&deployment_key),
            app: key.clone(),
            action: run.action,
            actor: run.actor.clone(),
            from_version,
            to_version: run.version.number,
            reason: run.reason.clone(),
            outcome: DeploymentOutcome::Running,
            message: None,
            operation_id: progress.operation_id().to_string(),
            started_at: Utc::now(),
            finished_at: None,
        };
        if let Err(error) = store::create_deployment(&self.store, started).await {
            return (DeploymentOutcome::Refused, error.to_string());
        }
        let deploy = run.action != DeploymentAction::Undeploy;
        progress.note(format!(
            "applying {}/{} version {} (hash {}) with deploy={deploy} as field manager {}",
            app.namespace,
            app.name,
            run.version.number,
            &run.version.hash[..12],
            crate::kube::FIELD_MANAGER
        ));
        let (outcome, message) = match self.apply(cluster, run, deploy, &key).await {
            Err(error) => {
                progress.stderr(error.to_string());
                (DeploymentOutcome::Refused, error.to_string())
            }
            Ok(generation) => {
                progress.note(format!("the API server accepted generation {generation}"));
                self.follow(cluster, app, generation, progress).await
            }
        };
        let end = DeploymentEnd {
            outcome,
            message: Some(message.clone()),
            finished_at: Utc::now(),
        };
        if let Err(error) = store::finish_deployment(&self.store, &deployment_key, end).await {
            tracing::error!(%error, app = %key, "cannot record how a deployment ended");
        }
        (outcome, message)
    }

    /// Server-side applies the version; on success the app's active and live version
    /// become this one. Returns the generation the API server gave the resource.
    async fn apply(
        &self,
        cluster: &Cluster,
        run: &Run,
        deploy: bool,
        key: &str,
    ) -> Result<i64, crate::kube::ClusterError> {
        let app = &run.app;
        let body = apply_body(
            cluster.resource(),
            &app.namespace,
            &app.name,
            &run.version.graph,
            deploy,
        );
        // monitor is where an app's graph is decided: a deploy takes over fields another
        // manager (a `kubectl edit`) set, as reverting an out-of-band edit must.
        let object = cluster
            .apply(&app.namespace, &app.name, &body, true)
            .await?;
        let live = LiveGraph::from_object(&object);
        #[derive(Clone, SurrealValue)]
        struct Applied {
            active_version: i64,
            live_version: i64,
            active: bool,
            in_cluster: bool,
            status: AppStatus,
            last_deploy_at: chrono::DateTime<Utc>,
        }
        let applied = Applied {
            active_version: run.version.number,
            live_version: run.version.number,
            active: deploy,
            in_cluster: true,
            status: AppStatus::from_live(&live),
            last_deploy_at: Utc::now(),
        };
        if let Err(error) = self.remember(key, applied).await {
            tracing::error!(%error, app = %key, "cannot record an applied version");
        }
        Ok(live.generation.unwrap_or_default())
    }

    /// Reads the resource until the controller has finished `generation`, or the
    /// deploy timeout passes.
    async fn follow(
        &self,
        cluster: &Cluster,
        app: &AppRow,
        generation: i64,
        progress: &Progress,
    ) -> (DeploymentOutcome, String) {
        let mut follower = Follower::new(generation);
        let deadline = tokio::time::Instant::now() + self.deploy_timeout;
        let mut every = tokio::time::interval(FOLLOW_EVERY);
        loop {
            every.tick().await;
            if tokio::time::Instant::now() >= deadline {
                let message = format!(
                    "the controller did not finish generation {generation} within {} s",
                    self.deploy_timeout.as_secs()
                );
                progress.stderr(message.clone());
                return (DeploymentOutcome::TimedOut, message);
            }
            let live = match cluster.get(&app.namespace, &app.name).await {
                Ok(object) => object.as_ref().map(LiveGraph::from_object),
                Err(error) => {
                    // A blip while following is not the end: the deploy was accepted.
                    progress.stderr(format!("{error}; reading again"));
                    continue;
                }
            };
            if let Some(live) = &live {
                self.record_status(app, live).await;
            }
            let (line, ending) = follower.observe(live.as_ref());
            if let Some(line) = line {
                progress.note(line);
            }
            if let Some(ending) = ending {
                return ended(ending);
            }
        }
    }

    async fn record_status(&self, app: &AppRow, live: &LiveGraph) {
        if let Err(error) = self.set_status(&app.namespace, &app.name, live).await {
            tracing::warn!(%error, app = %app.key(), "cannot record an app's status");
        }
    }

    /// Marks an app as being deployed, so a second deploy of it waits for none and is
    /// refused instead; the claim ends when the returned guard is dropped.
    fn claim(&self, app: &AppRow) -> Result<Claim> {
        let key = app.key();
        let mut deploying = self.deploying.lock().unwrap_or_else(|e| e.into_inner());
        if !deploying.insert(key.clone()) {
            return Err(Error::Conflict(format!(
                "app {}/{} is being deployed already; wait for that operation to end",
                app.namespace, app.name
            )));
        }
        Ok(Claim {
            apps: self.clone(),
            key,
        })
    }
}

/// A claim on an app while its deployment runs.
pub(super) struct Claim {
    apps: Apps,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        // One remove under the lock: a poisoned lock still holds a whole set.
        let mut deploying = self
            .apps
            .deploying
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        deploying.remove(&self.key);
    }
}

fn ended(ending: Followed) -> (DeploymentOutcome, String) {
    match ending {
        Followed::Done(Phase::Undeployed) => (DeploymentOutcome::Undeployed, "Undeployed".into()),
        Followed::Done(phase) => (DeploymentOutcome::Deployed, format!("{phase:?}")),
        Followed::Failed { reason, messages } => {
            let mut message = format!(
                "Failed: {}",
                reason.as_deref().unwrap_or("the controller gave no reason")
            );
            for line in messages {
                message.push_str("; ");
                message.push_str(&line);
            }
            (DeploymentOutcome::Failed, message)
        }
        Followed::Superseded { generation } => (
            DeploymentOutcome::Superseded,
            format!("generation {generation} replaced this one before the controller finished"),
        ),
        Followed::Deleted => (
            DeploymentOutcome::Deleted,
            "the resource was deleted".into(),
        ),
    }
}

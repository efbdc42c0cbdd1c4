//! The actions on a stack: which its configuration allows, and running one as an
//! operation that waits its turn on the stack ([`Stacks::start_action`], and
//! `launch_in_turn` for every action and pipeline run). What each action does is in its
//! own file: `repo.rs` (clone, pull, scripts), `build.rs` (build, push), `deploy.rs`,
//! `pipeline.rs`.

mod build;
pub(super) mod deploy;
mod pipeline;
mod repo;

use std::future::Future;
use std::sync::Arc;

use surrealdb::types::SurrealValue;

use super::model::{PipelineStepKind, Stack, StackAction, StackRow};
use super::{Stacks, not_found, store};
use crate::audit::{Actor, AuditEvent, AuditKind};
use crate::error::{Error, Result};
use crate::operations::{
    Ending, Launched, OperationKind, OperationSpec, OperationTrigger, Progress,
};
use crate::servers::ServerConnection;

/// One thing done to a stack: a button in the client, or a step of its pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Clone,
    /// Clones when nothing is checked out yet.
    Pull,
    Script(String),
    Build,
    Push,
    /// Runs the given image, or the one the configuration names.
    Deploy {
        image: Option<String>,
        rollback: bool,
    },
}

impl Step {
    pub fn from_pipeline(kind: PipelineStepKind, script: Option<&str>) -> Step {
        match kind {
            PipelineStepKind::Pull => Step::Pull,
            PipelineStepKind::Build => Step::Build,
            PipelineStepKind::Push => Step::Push,
            PipelineStepKind::Deploy => Step::Deploy {
                image: None,
                rollback: false,
            },
            PipelineStepKind::Script => Step::Script(script.unwrap_or_default().to_string()),
        }
    }

    pub fn operation_kind(&self) -> OperationKind {
        match self {
            Step::Clone => OperationKind::Clone,
            Step::Pull => OperationKind::Pull,
            Step::Script(_) => OperationKind::Script,
            Step::Build => OperationKind::Build,
            Step::Push => OperationKind::Push,
            Step::Deploy { .. } => OperationKind::Deploy,
        }
    }

    fn audit_kind(&self) -> AuditKind {
        match self {
            Step::Clone => AuditKind::StackCloneStarted,
            Step::Pull => AuditKind::StackPullStarted,
            Step::Script(_) => AuditKind::StackScriptStarted,
            Step::Build => AuditKind::StackBuildStarted,
            Step::Push => AuditKind::StackPushStarted,
            Step::Deploy { rollback: true, .. } => AuditKind::StackRollbackStarted,
            Step::Deploy { .. } => AuditKind::StackDeployStarted,
        }
    }

    /// What the operation is about, as a person reads it.
    pub fn describe(&self, stack: &str) -> String {
        match self {
            Step::Clone => format!("clone {stack}"),
            Step::Pull => format!("pull {stack}"),
            Step::Script(name) => format!("run script {name} of {stack}"),
            Step::Build => format!("build {stack}"),
            Step::Push => format!("push {stack}"),
            Step::Deploy {
                image: Some(image), ..
            } => format!("deploy {stack} from {image}"),
            Step::Deploy { .. } => format!("deploy {stack}"),
        }
    }
}

impl Stacks {
    /// What the stack's configuration (and monitor's) allows now.
    pub fn available_actions(&self, stack: &Stack) -> Vec<StackAction> {
        let mut actions = Vec::new();
        // Scripts and builds run in the checkout: nothing to run them in before a clone.
        let checked_out = stack.commit.is_some();
        if let Some(repo) = &stack.repo {
            actions.push(StackAction::Clone);
            if checked_out {
                actions.push(StackAction::Pull);
            }
            if checked_out && !repo.scripts.is_empty() {
                actions.push(StackAction::RunScript);
            }
        }
        if stack.build.is_some() && checked_out {
            actions.push(StackAction::Build);
            if self.registry().is_some() && stack.built_image.is_some() {
                actions.push(StackAction::Push);
            }
        }
        if let Some(deploy) = &stack.deploy {
            if deploy.image.is_some() || stack.built_image.is_some() {
                actions.push(StackAction::Deploy);
            }
            if self.registry().is_some() && stack.built_image.is_some() {
                actions.push(StackAction::Rollback);
            }
        }
        if !stack.pipeline.is_empty() {
            actions.push(StackAction::RunPipeline);
        }
        actions
    }

    /// Checks that the stack can take the step at all, before anything is recorded.
    pub(super) fn check_step(&self, row: &StackRow, step: &Step) -> Result<()> {
        let missing = |what: &str| {
            Error::bad_input(&["stackId"], format!("stack {} has no {what}", row.name))
        };
        match step {
            Step::Clone | Step::Pull if row.repo.is_none() => Err(missing("repo")),
            Step::Script(name) => {
                let known = row
                    .repo
                    .as_ref()
                    .is_some_and(|repo| repo.scripts.iter().any(|s| &s.name == name));
                if known {
                    Ok(())
                } else {
                    Err(Error::bad_input(
                        &["script"],
                        format!("stack {} has no repo script named {name:?}", row.name),
                    ))
                }
            }
            Step::Build if row.build.is_none() => Err(missing("build")),
            Step::Push if self.registry().is_none() => Err(Error::Conflict(
                "no registry is configured (registry.url) to push to".into(),
            )),
            Step::Push if row.build.is_none() => Err(missing("build")),
            Step::Deploy { .. } if row.deploy.is_none() => Err(missing("deploy settings")),
            _ => Ok(()),
        }
    }

    /// Starts one step as its own operation, recorded in the audit log; it waits,
    /// QUEUED, while another action of the stack runs.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id, action = ?step))]
    pub async fn start_action(&self, actor: &Actor, id: &str, step: Step) -> Result<Launched> {
        let row = store::find(&self.store, id)
            .await?
            .ok_or_else(|| not_found(id))?;
        self.check_step(&row, &step)?;
        let server = self.servers.connection(&row.server_id)?;
        let spec = OperationSpec {
            kind: step.operation_kind(),
            trigger: OperationTrigger::Manual,
            subject: row.subject(),
            parent_id: None,
            target: step.describe(&row.name),
            working_directory: None,
            queued: false,
        };
        let event = self.event(
            step.audit_kind(),
            actor,
            &row,
            format!("started: {}", step.describe(&row.name)),
        );
        let stacks = self.clone();
        let key = row.key();
        self.launch_in_turn(actor, &row.key(), spec, event, move |progress| async move {
            stacks.perform(&key, &server, &step, &progress).await
        })
        .await
    }

    /// Launches an action of the stack as an operation that runs in the stack's turn:
    /// at once when nothing else of the stack runs, else QUEUED until the others end.
    /// The stack then points at it.
    async fn launch_in_turn<Work, Done>(
        &self,
        actor: &Actor,
        key: &str,
        spec: OperationSpec,
        event: AuditEvent,
        work: Work,
    ) -> Result<Launched>
    where
        Work: FnOnce(Progress) -> Done + Send + 'static,
        Done: Future<Output = Ending> + Send + 'static,
    {
        let turn = self.exclusive_now(key);
        let spec = OperationSpec {
            queued: turn.is_none(),
            ..spec
        };
        let stacks = self.clone();
        let turn_key = key.to_string();
        let launched = self
            .operations
            .launch(actor, spec, Some(event), move |progress| async move {
                let _turn = match turn {
                    Some(turn) => turn,
                    None => stacks.wait_turn(&turn_key, &progress).await,
                };
                work(progress).await
            })
            .await?;
        self.remember_last_operation(key, &launched).await;
        Ok(launched)
    }

    /// Points the stack at the operation an action just started (`Stack.lastOperation`).
    /// The operation runs either way, so a failure here is only logged.
    async fn remember_last_operation(&self, key: &str, launched: &Launched) {
        #[derive(Clone, SurrealValue)]
        struct LastOperation {
            last_operation_id: String,
        }
        let last = LastOperation {
            last_operation_id: launched.operation.key(),
        };
        if let Err(error) = self.remember(key, last).await {
            tracing::warn!(stack = key, %error, "cannot record the stack's last operation");
        }
    }

    /// Waits, QUEUED, for the stack's other actions to end, then marks the operation
    /// RUNNING.
    async fn wait_turn(&self, key: &str, progress: &Progress) -> tokio::sync::OwnedMutexGuard<()> {
        let turn = self.exclusive(key).await;
        progress.started().await;
        turn
    }

    /// Does one step, reading the stack afresh (an earlier step may have changed what
    /// it built or checked out).
    pub(super) async fn perform(
        &self,
        key: &str,
        server: &Arc<ServerConnection>,
        step: &Step,
        progress: &Progress,
    ) -> Ending {
        let row = match store::find(&self.store, key).await {
            Ok(Some(row)) => row,
            Ok(None) => return Ending::failed(None, "the stack was deleted"),
            Err(error) => return Ending::failed(None, format!("cannot read the stack: {error}")),
        };
        let result = match step {
            Step::Clone => repo::clone(self, &row, server, progress).await,
            Step::Pull => repo::pull(self, &row, server, progress).await,
            Step::Script(name) => repo::script(self, &row, server, name, progress).await,
            Step::Build => build::build(self, &row, server, progress).await,
            Step::Push => build::push(self, &row, server, progress).await,
            Step::Deploy { image, .. } => {
                deploy::deploy(self, &row, server, image.clone(), progress).await
            }
        };
        match result {
            Ok(()) => Ending::succeeded(),
            Err(ending) => ending,
        }
    }
}

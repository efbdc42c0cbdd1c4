//! Pipelines: a stack's ordered steps run as one operation, each step a child operation
//! with its own output. A run waits, QUEUED, while another action of the stack runs,
//! and stops at the first step that fails.

use super::Step;
use crate::audit::{Actor, AuditKind};
use crate::error::{Error, Result};
use crate::operations::{
    Ending, Launched, OperationKind, OperationSpec, OperationStatus, OperationTrigger, Operations,
};
use crate::stacks::{Stacks, not_found, store};

impl Stacks {
    /// Starts a pipeline run, by hand or for a git push (`trigger`).
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id, trigger = ?trigger))]
    pub async fn run_pipeline(
        &self,
        actor: &Actor,
        id: &str,
        trigger: OperationTrigger,
        reason: &str,
    ) -> Result<Launched> {
        let row = store::find(&self.store, id)
            .await?
            .ok_or_else(|| not_found(id))?;
        if row.pipeline.is_empty() {
            return Err(Error::bad_input(
                &["stackId"],
                format!("stack {} has no pipeline steps", row.name),
            ));
        }
        let steps: Vec<Step> = row
            .pipeline
            .iter()
            .map(|step| Step::from_pipeline(step.kind, step.script.as_deref()))
            .collect();
        for step in &steps {
            self.check_step(&row, step)?;
        }
        let server = self.servers.connection(&row.server_id)?;
        let spec = OperationSpec {
            kind: OperationKind::Pipeline,
            trigger,
            subject: row.subject(),
            parent_id: None,
            target: format!("pipeline of {}", row.name),
            working_directory: None,
            queued: false,
        };
        let event = self.event(
            AuditKind::PipelineStarted,
            actor,
            &row,
            format!("started the pipeline of {} ({reason})", row.name),
        );
        let stacks = self.clone();
        let key = row.key();
        let run_actor = actor.clone();
        self.launch_in_turn(actor, &row.key(), spec, event, move |progress| async move {
            let total = steps.len();
            for (index, step) in steps.into_iter().enumerate() {
                let description = step.describe(&row.name);
                progress.note(format!("step {}/{total}: {description}", index + 1));
                let child = OperationSpec {
                    kind: step.operation_kind(),
                    trigger,
                    subject: row.subject(),
                    parent_id: Some(progress.operation_id().to_string()),
                    target: description.clone(),
                    working_directory: None,
                    queued: false,
                };
                let work_stacks = stacks.clone();
                let work_key = key.clone();
                let work_server = server.clone();
                let launched = stacks
                    .operations
                    .launch(&run_actor, child, None, move |child_progress| async move {
                        work_stacks
                            .perform(&work_key, &work_server, &step, &child_progress)
                            .await
                    })
                    .await;
                let launched = match launched {
                    Ok(launched) => launched,
                    Err(error) => {
                        return Ending::failed(
                            None,
                            format!("cannot start {description}: {error}"),
                        );
                    }
                };
                let _stop_with_run = StopOnDrop {
                    operations: stacks.operations.clone(),
                    id: launched.operation.key(),
                };
                match launched.finished().await {
                    Ok(done) if done.status == OperationStatus::Succeeded => {}
                    Ok(done) => {
                        return Ending::failed(
                            None,
                            format!(
                                "step {}/{total} ({description}) {}: {}",
                                index + 1,
                                format!("{:?}", done.status).to_lowercase(),
                                done.error.unwrap_or_default()
                            ),
                        );
                    }
                    Err(error) => {
                        return Ending::failed(None, format!("lost step {description}: {error}"));
                    }
                }
            }
            Ending::succeeded()
        })
        .await
    }
}

/// Cancels a step if its pipeline run ends first (the run was cancelled).
struct StopOnDrop {
    operations: Operations,
    id: String,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.operations.stop(&self.id);
    }
}

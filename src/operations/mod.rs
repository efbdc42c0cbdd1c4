//! Operations: the record of every unit of work (a command now; clone, build, push and
//! deploy later), with its status, its output stored and streamed, and cancellation.
//!
//! An operation is written as RUNNING before its work starts, and its end is written
//! when the work ends; on start, any left RUNNING by a crash are marked INTERRUPTED.

mod graphql;
mod input;
mod model;
mod output;
mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures::{Stream, StreamExt};
use surrealdb::types::SurrealValue;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

pub use graphql::{OperationsMutation, OperationsQuery, OperationsSubscription};
pub use input::{CancelOperationInput, OperationFilter, OperationOrder, RunCommandInput};
pub use model::{
    Operation, OperationKind, OperationStatus, OperationTrigger, OutputLine, OutputStream,
};

use crate::agent::protocol::{CommandFrame, CommandRequest};
use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::error::{Error, Result};
use crate::graphql::pagination::PageRequest;
use crate::servers::ServerConnection;
use crate::store::Store;
use model::OperationRow;
use output::Output;

/// How often pending output is written to the store.
const FLUSH_EVERY: Duration = Duration::from_millis(200);
/// How long `cancelOperation` waits for the work to stop before it answers.
const CANCEL_WAIT: Duration = Duration::from_secs(10);

struct Running {
    output: Output,
    cancel: CancellationToken,
    /// Closed when the operation's end is stored.
    done: tokio::sync::watch::Sender<bool>,
}

#[derive(Clone)]
pub struct Operations {
    store: Store,
    audit: AuditLog,
    running: Arc<Mutex<HashMap<String, Arc<Running>>>>,
}

impl Operations {
    /// Marks what a previous process left running as interrupted.
    pub async fn start(store: Store, audit: AuditLog) -> Result<Operations> {
        let interrupted = store::interrupt_leftovers(&store).await?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "marked operations left running by the previous process as INTERRUPTED"
            );
        }
        Ok(Operations {
            store,
            audit,
            running: Default::default(),
        })
    }

    pub async fn get(&self, id: &str) -> Result<Option<Operation>> {
        Ok(store::find(&self.store, id)
            .await?
            .map(|row| row.to_operation()))
    }

    pub async fn list(
        &self,
        filter: &OperationFilter,
        order: OperationOrder,
        page: &PageRequest<String>,
    ) -> Result<Vec<Operation>> {
        let rows = store::list(
            &self.store,
            filter.to_query(),
            order.direction,
            page.after.as_deref(),
            page.first + 1,
        )
        .await?;
        Ok(rows.iter().map(OperationRow::to_operation).collect())
    }

    /// Starts `sh -c <command>` on a server: in-process for the local engine's host,
    /// through the agent for a remote one.
    pub async fn run_command(
        &self,
        actor: &Actor,
        server: Arc<ServerConnection>,
        input: RunCommandInput,
    ) -> Result<Operation> {
        let request = input.parse(&server)?;
        let key = ulid::Ulid::new().to_string();
        let now = Utc::now();
        let row = OperationRow {
            id: store::record_id(&key),
            kind: OperationKind::Command,
            status: OperationStatus::Running,
            trigger: OperationTrigger::Manual,
            server_id: server.id.clone(),
            target: request.command.clone(),
            working_directory: request.working_directory.clone(),
            actor: actor.clone(),
            created_at: now,
            started_at: Some(now),
            finished_at: None,
            exit_code: None,
            error: None,
            output_lines: 0,
        };
        let event = self
            .audit
            .event(
                AuditKind::CommandStarted,
                actor,
                format!("ran `{}` on {}", request.command, server.name),
            )
            .about(
                AuditSubjectType::Operation,
                Some(&key),
                Some(&request.command),
            )
            .on_server(&server.id);
        let stored: Option<OperationRow> = self
            .audit
            .write(
                store::CREATE,
                ("operation_id", row.id.clone(), "operation_row", row),
                event,
            )
            .await?;
        let operation = stored.ok_or_else(|| {
            Error::Internal(anyhow::anyhow!("the new operation was not returned"))
        })?;
        let running = Arc::new(Running {
            output: Output::new(),
            cancel: CancellationToken::new(),
            done: tokio::sync::watch::channel(false).0,
        });
        self.lock_running().insert(key.clone(), running.clone());
        tokio::spawn(self.clone().work(key, server, request, running));
        Ok(operation.to_operation())
    }

    async fn work(
        self,
        key: String,
        server: Arc<ServerConnection>,
        request: CommandRequest,
        running: Arc<Running>,
    ) {
        let stop_flushing = CancellationToken::new();
        let flusher = tokio::spawn(flush_periodically(
            self.store.clone(),
            key.clone(),
            running.clone(),
            stop_flushing.clone(),
        ));
        let ending = self.execute(&server, request, &running).await;
        // Let a write in progress finish, so no line is stored twice.
        stop_flushing.cancel();
        let _ = flusher.await;
        let unstored = running.output.unstored();
        let last = unstored.last().map(|line| line.seq);
        if let Err(error) = store::append_output(&self.store, &key, unstored).await {
            tracing::error!(operation = %key, %error, "cannot store the last output of an operation");
        } else if let Some(last) = last {
            running.output.stored(last);
        }
        if let Err(error) = store::update(&self.store, &key, ending).await {
            tracing::error!(operation = %key, %error, "cannot store how an operation ended");
        }
        self.lock_running().remove(&key);
        running.done.send_replace(true);
    }

    async fn execute(
        &self,
        server: &ServerConnection,
        request: CommandRequest,
        running: &Running,
    ) -> Ending {
        let frames: std::pin::Pin<Box<dyn Stream<Item = CommandFrame> + Send>> =
            match &server.engine.agent {
                Some(agent) => match agent.run_command(&request).await {
                    Ok(frames) => Box::pin(frames.map(|frame| {
                        frame.unwrap_or_else(|error| CommandFrame::Error {
                            message: format!("lost the agent: {error}"),
                        })
                    })),
                    Err(error) => {
                        return Ending::failed(
                            None,
                            format!("the agent could not run the command: {error:#}"),
                        );
                    }
                },
                None => Box::pin(crate::agent::command::run(request)),
            };
        let mut frames = frames;
        loop {
            let frame = tokio::select! {
                frame = frames.next() => frame,
                _ = running.cancel.cancelled() => {
                    drop(frames);
                    return Ending::of(OperationStatus::Cancelled, None, Some("cancelled".into()));
                }
            };
            match frame {
                Some(CommandFrame::Stdout { text }) => {
                    running.output.push(OutputStream::Stdout, text)
                }
                Some(CommandFrame::Stderr { text }) => {
                    running.output.push(OutputStream::Stderr, text)
                }
                Some(CommandFrame::Exit { code: Some(0) }) => {
                    return Ending::of(OperationStatus::Succeeded, Some(0), None);
                }
                Some(CommandFrame::Exit { code: Some(code) }) => {
                    return Ending::failed(
                        Some(code.into()),
                        format!("the command exited with code {code}"),
                    );
                }
                Some(CommandFrame::Exit { code: None }) => {
                    return Ending::failed(None, "the command was killed by a signal".into());
                }
                Some(CommandFrame::Error { message }) => return Ending::failed(None, message),
                None => {
                    return Ending::failed(
                        None,
                        "the command's output ended without an exit status".into(),
                    );
                }
            }
        }
    }

    /// Asks a running operation to stop, and answers once it has (or after 10 s).
    pub async fn cancel(&self, actor: &Actor, id: &str) -> Result<Operation> {
        let before = store::find(&self.store, id)
            .await?
            .ok_or_else(|| not_found(id))?;
        let running = self.lock_running().get(id).cloned();
        let Some(running) = running else {
            return Err(Error::Conflict(format!(
                "operation {id} is {:?}, not running",
                before.status
            )));
        };
        let event = self
            .audit
            .event(
                AuditKind::OperationCancelled,
                actor,
                format!("cancelled `{}`", before.target),
            )
            .about(AuditSubjectType::Operation, Some(id), Some(&before.target))
            .on_server(&before.server_id);
        self.audit.append(event).await?;
        running.cancel.cancel();
        let mut done = running.done.subscribe();
        let _ = tokio::time::timeout(CANCEL_WAIT, done.wait_for(|done| *done)).await;
        Ok(store::find(&self.store, id)
            .await?
            .ok_or_else(|| not_found(id))?
            .to_operation())
    }

    /// The output stored so far, then, while the operation runs, each new line.
    pub fn output(
        &self,
        id: String,
    ) -> impl Stream<Item = Result<OutputLine>> + Send + 'static + use<> {
        let operations = self.clone();
        async_stream::stream! {
            // Only the receiver is kept: holding `Running` would keep its sender alive
            // and the stream would never see the operation end.
            let running = operations.lock_running().get(&id).cloned();
            let (mut live, pending) = match running {
                Some(running) => {
                    let (live, pending) = running.output.follow();
                    (Some(live), pending)
                }
                None => (None, Vec::new()),
            };
            match store::find(&operations.store, &id).await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    yield Err(not_found(&id));
                    return;
                }
                Err(error) => {
                    yield Err(error);
                    return;
                }
            }
            let stored = match store::output(&operations.store, &id).await {
                Ok(stored) => stored,
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            let mut last = -1;
            for line in stored.into_iter().chain(pending) {
                if line.seq > last {
                    last = line.seq;
                    yield Ok(line);
                }
            }
            let Some(live) = live.as_mut() else { return };
            loop {
                match live.recv().await {
                    Ok(line) if line.seq > last => {
                        last = line.seq;
                        yield Ok(line);
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(missed)) => yield Err(Error::Lagged { missed }),
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        }
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Running>>> {
        // Each change under this lock is one insert or remove: never half-done.
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Writes pending output every [`FLUSH_EVERY`] until `stop`.
async fn flush_periodically(
    store: Store,
    key: String,
    running: Arc<Running>,
    stop: CancellationToken,
) {
    let mut every = tokio::time::interval(FLUSH_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.cancelled() => return,
        }
        let unstored = running.output.unstored();
        let Some(last) = unstored.last().map(|line| line.seq) else {
            continue;
        };
        match store::append_output(&store, &key, unstored).await {
            Ok(()) => running.output.stored(last),
            Err(error) => {
                tracing::error!(operation = %key, %error, "cannot store operation output; will retry")
            }
        }
    }
}

/// How an operation ended, as stored.
#[derive(Debug, SurrealValue)]
struct Ending {
    status: OperationStatus,
    finished_at: chrono::DateTime<Utc>,
    exit_code: Option<i64>,
    error: Option<String>,
}

impl Ending {
    fn of(status: OperationStatus, exit_code: Option<i64>, error: Option<String>) -> Ending {
        Ending {
            status,
            finished_at: Utc::now(),
            exit_code,
            error,
        }
    }

    fn failed(exit_code: Option<i64>, error: String) -> Ending {
        Ending::of(OperationStatus::Failed, exit_code, Some(error))
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "operation",
        id: id.to_string(),
    }
}

//! Operations: the record of every unit of work (a command, a clone, a build, a push, a
//! deploy, a pipeline run and its steps), with its status, its output stored and
//! streamed, and cancellation. Other domains describe the work; this one runs it.
//!
//! An operation is written as RUNNING before its work starts, and its end is written
//! when the work ends; on start, any left RUNNING by a crash are marked INTERRUPTED and
//! the processes their commands left running are killed ([`recovery`]).

mod command;
pub mod graphql;
mod input;
mod model;
mod output;
mod recovery;
mod store;
mod subject;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures::Stream;
use surrealdb::types::SurrealValue;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

pub use command::{Host, capture, run_on};
pub use input::{CancelOperationInput, OperationFilter, OperationOrder, RunCommandInput};
pub use model::{
    Operation, OperationKind, OperationStatus, OperationTrigger, OutputLine, OutputStream,
};
pub use subject::{OperationSubject, SubjectFilter};

use crate::audit::{Actor, AuditEvent, AuditKind, AuditLog, AuditSubjectType};
use crate::bus::{Bus, Topic};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::page::PageRequest;
use output::Output;

/// How often pending output is written to the store.
const FLUSH_EVERY: Duration = Duration::from_millis(200);
/// Most lines in one message of the live output.
const MAX_BATCH: usize = 1000;
/// How many ended operations [`Operations`] keeps for reads: a page of 100 stacks'
/// last operations many times over.
const ENDED_KEPT: usize = 4096;
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
    /// Operations read lately that had ended, by id: an ended operation's record never
    /// changes again (only QUEUED and RUNNING ones are updated, by this process or, for
    /// what a crash left, before it serves), so a copy stays true. A page of stacks
    /// reads its last operations from here.
    ended: Arc<quick_cache::sync::Cache<String, Arc<Operation>>>,
    /// Where every operation goes as it is created, starts and ends.
    bus: Bus,
}

/// Operations as they are created, start and end, as `operationUpdated` follows them.
impl Topic for Operation {
    const NAME: &'static str = "operation changes";
}

impl Operations {
    pub async fn get(&self, id: &str) -> Result<Option<Operation>> {
        store::find(&self.store, id).await
    }

    /// The operation of this id if it has ended and was read lately: what is known
    /// of it without a read.
    pub fn ended(&self, id: &str) -> Option<Arc<Operation>> {
        self.ended.get(id)
    }

    /// The operations with these ids that exist: the ended ones read lately from
    /// memory, the others in one store round trip.
    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<Operation>> {
        let mut found = Vec::with_capacity(ids.len());
        let mut unknown = Vec::new();
        for id in ids {
            match self.ended(id) {
                Some(operation) => found.push(Operation::clone(&operation)),
                None => unknown.push(id.clone()),
            }
        }
        if !unknown.is_empty() {
            let read = store::find_many(&self.store, &unknown).await?;
            for operation in read.iter().filter(|operation| operation.status.has_ended()) {
                self.ended
                    .insert(operation.key(), Arc::new(operation.clone()));
            }
            found.extend(read);
        }
        Ok(found)
    }

    pub async fn list(
        &self,
        filter: &OperationFilter,
        order: OperationOrder,
        page: &PageRequest<String>,
    ) -> Result<Vec<Operation>> {
        store::list(
            &self.store,
            filter,
            order.direction,
            page.after.as_deref(),
            page.first + 1,
        )
        .await
    }

    /// Records a new operation as RUNNING (with its audit event, in one transaction
    /// when there is one), then runs `work` in the background. The work writes its
    /// output through [`Progress`]; cancelling the operation drops the work, which must
    /// therefore stop what it started when dropped (commands kill their process group).
    pub async fn launch<Work, Done>(
        &self,
        actor: &Actor,
        spec: OperationSpec,
        event: Option<AuditEvent>,
        work: Work,
    ) -> Result<Launched>
    where
        Work: FnOnce(Progress) -> Done,
        Done: Future<Output = Ending> + Send + 'static,
    {
        let key = ulid::Ulid::new().to_string();
        let now = Utc::now();
        let row = Operation {
            id: store::record_id(&key),
            kind: spec.kind,
            status: if spec.queued {
                OperationStatus::Queued
            } else {
                OperationStatus::Running
            },
            trigger: spec.trigger,
            subject: spec.subject,
            parent_id: spec.parent_id,
            target: spec.target,
            working_directory: spec.working_directory,
            actor: actor.clone(),
            created_at: now,
            started_at: (!spec.queued).then_some(now),
            finished_at: None,
            exit_code: None,
            error: None,
            output_lines: 0,
        };
        let target = row.target.clone();
        let bindings = ("operation_id", row.id.clone(), "operation_row", row);
        let stored: Option<Operation> = match event {
            Some(event) => {
                let event = event.about(AuditSubjectType::Operation, Some(&key), Some(&target));
                self.audit.write(store::CREATE, bindings, event).await?
            }
            None => store::create(&self.store, bindings).await?,
        };
        let operation = stored.ok_or_else(|| {
            Error::Internal(anyhow::anyhow!("the new operation was not returned"))
        })?;
        self.publish(operation.clone());
        let running = Arc::new(Running {
            output: Output::new(),
            cancel: CancellationToken::new(),
            done: tokio::sync::watch::channel(false).0,
        });
        self.lock_running().insert(key.clone(), running.clone());
        let done = running.done.subscribe();
        let work = work(Progress {
            running: running.clone(),
            store: self.store.clone(),
            key: key.clone(),
            operations: self.clone(),
        });
        tokio::spawn(self.clone().supervise(key, running, work));
        Ok(Launched {
            operation,
            done,
            operations: self.clone(),
        })
    }

    /// Runs the work, stores its output as it comes and its ending once it ends.
    async fn supervise(
        self,
        key: String,
        running: Arc<Running>,
        work: impl Future<Output = Ending> + Send + 'static,
    ) {
        let stop_flushing = CancellationToken::new();
        let flusher = tokio::spawn(flush_periodically(
            self.store.clone(),
            key.clone(),
            running.clone(),
            stop_flushing.clone(),
        ));
        let ending = tokio::select! {
            ending = work => ending,
            _ = running.cancel.cancelled() => {
                Ending::of(OperationStatus::Cancelled, None, Some("cancelled".into()))
            }
        };
        // Let a write in progress finish, so no line is stored twice.
        stop_flushing.cancel();
        let _ = flusher.await;
        let unstored = running.output.unstored();
        let last = unstored.last().map(|line| line.seq);
        match store::finish(&self.store, &key, unstored, ending.clone()).await {
            Ok(row) => {
                if let Some(last) = last {
                    running.output.stored(last);
                }
                if let Some(operation) = row {
                    self.publish(operation);
                }
            }
            Err(error) => {
                tracing::error!(operation = %key, %error, "cannot store an operation's last output");
                // The ending matters most: without it the operation would look RUNNING
                // until the next start marks it INTERRUPTED.
                match store::update(&self.store, &key, ending).await {
                    Ok(Some(operation)) => self.publish(operation),
                    Ok(None) => {}
                    Err(error) => {
                        tracing::error!(operation = %key, %error, "cannot store how an operation ended")
                    }
                }
            }
        }
        self.lock_running().remove(&key);
        running.done.send_replace(true);
    }

    /// Asks a running operation to stop, and answers once it has (or after 10 s).
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id))]
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
        let mut event = self
            .audit
            .event(
                AuditKind::OperationCancelled,
                actor,
                format!("cancelled `{}`", before.target),
            )
            .about(AuditSubjectType::Operation, Some(id), Some(&before.target));
        if let Some(server_id) = before.subject.server_id() {
            event = event.on_server(server_id, None);
        }
        self.audit.append(event).await?;
        running.cancel.cancel();
        let mut done = running.done.subscribe();
        let _ = tokio::time::timeout(CANCEL_WAIT, done.wait_for(|done| *done)).await;
        store::find(&self.store, id)
            .await?
            .ok_or_else(|| not_found(id))
    }

    fn publish(&self, operation: Operation) {
        self.bus.publish(operation);
    }

    /// Stops a running operation without recording who asked: the step of a pipeline
    /// run that was itself cancelled. Nothing happens if it has already ended.
    pub fn stop(&self, id: &str) {
        if let Some(running) = self.lock_running().get(id) {
            running.cancel.cancel();
        }
    }

    /// [`Operations::stop`], then waits (up to 10 s) until its end is stored: the work
    /// of a domain that records who asked itself (a cancelled measurement).
    pub async fn stop_and_wait(&self, id: &str) {
        let running = self.lock_running().get(id).cloned();
        if let Some(running) = running {
            running.cancel.cancel();
            let mut done = running.done.subscribe();
            let _ = tokio::time::timeout(CANCEL_WAIT, done.wait_for(|done| *done)).await;
        }
    }

    /// The output stored so far, then, while the operation runs, new lines as they
    /// come, in batches: each batch holds the lines that arrived since the last one (at
    /// most [`MAX_BATCH`]), so a chatty build costs one message per burst, not per line,
    /// and no line waits for company.
    pub fn output(
        &self,
        id: String,
    ) -> impl Stream<Item = Result<Vec<OutputLine>>> + Send + 'static + use<> {
        let operations = self.clone();
        async_stream::stream! {
            // Only the receiver and a weak handle are kept: holding `Running` would keep
            // its sender alive and the stream would never see the operation end.
            let running = operations.lock_running().get(&id).cloned();
            let (mut live, pending, running) = match running {
                Some(running) => {
                    let (live, pending) = running.output.follow();
                    (Some(live), pending, Arc::downgrade(&running))
                }
                None => (None, Vec::new(), std::sync::Weak::new()),
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
            let mut last = -1;
            match operations.backlog(&id, pending).await {
                Ok(lines) => {
                    for batch in batches(lines, &mut last) {
                        yield Ok(batch);
                    }
                }
                Err(error) => {
                    yield Err(error);
                    return;
                }
            }
            let Some(live) = live.as_mut() else { return };
            loop {
                let received = receive_batch(live).await;
                let mut lines = Vec::with_capacity(received.len());
                let (mut ended, mut lost) = (false, None);
                for item in received {
                    match item {
                        Ok(line) => lines.push(line),
                        Err(broadcast::error::RecvError::Lagged(missed)) => {
                            // Every line is stored or pending, so a subscriber that fell
                            // behind catches up from there instead of losing lines.
                            let pending = running
                                .upgrade()
                                .map(|running| running.output.unstored())
                                .unwrap_or_default();
                            match operations.backlog(&id, pending).await {
                                Ok(caught_up) => {
                                    tracing::debug!(operation = %id, missed, "an output subscriber fell behind and caught up from the store");
                                    lines.extend(caught_up);
                                }
                                Err(_) => lost = Some(missed),
                            }
                        }
                        Err(broadcast::error::RecvError::Closed) => ended = true,
                    }
                }
                for batch in batches(lines, &mut last) {
                    yield Ok(batch);
                }
                if let Some(missed) = lost {
                    yield Err(Error::Lagged { missed });
                }
                if ended {
                    return;
                }
            }
        }
    }

    /// The lines of an operation so far: stored ones, then `pending` (read before the
    /// store, so a line moving from pending to stored meanwhile is in one or the other).
    async fn backlog(&self, id: &str, pending: Vec<OutputLine>) -> Result<Vec<OutputLine>> {
        let stored = store::output(&self.store, id).await?;
        Ok(stored.into_iter().chain(pending).collect())
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

/// What a new operation is, before it runs.
pub struct OperationSpec {
    pub kind: OperationKind,
    pub trigger: OperationTrigger,
    pub subject: OperationSubject,
    /// The pipeline run this operation is a step of.
    pub parent_id: Option<String>,
    /// What it works on, as a person reads it.
    pub target: String,
    pub working_directory: Option<String>,
    /// Stored as QUEUED until the work calls [`Progress::started`].
    pub queued: bool,
}

/// Where a running operation's work writes its output.
#[derive(Clone)]
pub struct Progress {
    running: Arc<Running>,
    store: Store,
    key: String,
    operations: Operations,
}

impl Progress {
    pub fn stdout(&self, text: impl Into<String>) {
        self.running.output.push(OutputStream::Stdout, text.into());
    }

    pub fn stderr(&self, text: impl Into<String>) {
        self.running.output.push(OutputStream::Stderr, text.into());
    }

    /// The operation's id.
    pub fn operation_id(&self) -> &str {
        &self.key
    }

    /// Marks a queued operation as running, now that its turn has come.
    pub async fn started(&self) {
        #[derive(SurrealValue)]
        struct Started {
            status: OperationStatus,
            started_at: chrono::DateTime<Utc>,
        }
        let started = Started {
            status: OperationStatus::Running,
            started_at: Utc::now(),
        };
        match store::update(&self.store, &self.key, started).await {
            Ok(Some(operation)) => self.operations.publish(operation),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(operation = %self.key, %error, "cannot mark an operation as started")
            }
        }
    }

    /// A line written by monitor itself, e.g. which step starts.
    pub fn note(&self, text: impl Into<String>) {
        self.running.output.push(OutputStream::Monitor, text.into());
    }
}

/// A launched operation: as first stored, and a way to wait for its end.
pub struct Launched {
    pub operation: Operation,
    done: tokio::sync::watch::Receiver<bool>,
    operations: Operations,
}

impl Launched {
    /// Waits for the operation to end, and returns it as stored then.
    pub async fn finished(mut self) -> Result<Operation> {
        // The sender lives until the ending is stored; a closed channel means the same.
        let _ = self.done.wait_for(|done| *done).await;
        let id = self.operation.key();
        store::find(&self.operations.store, &id)
            .await?
            .ok_or_else(|| not_found(&id))
    }
}

/// How an operation ended, as stored.
#[derive(Debug, Clone, SurrealValue)]
pub struct Ending {
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

    pub fn succeeded() -> Ending {
        Ending::of(OperationStatus::Succeeded, Some(0), None)
    }

    pub fn failed(exit_code: Option<i64>, error: impl Into<String>) -> Ending {
        Ending::of(OperationStatus::Failed, exit_code, Some(error.into()))
    }

    pub fn is_success(&self) -> bool {
        self.status == OperationStatus::Succeeded
    }

    /// Why it did not succeed.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

/// The lines after `last`, in order and in batches of at most [`MAX_BATCH`]; moves
/// `last` to the newest. Lines can arrive twice (stored and pending, or live after a
/// catch-up): only the first copy counts.
fn batches(lines: Vec<OutputLine>, last: &mut i64) -> Vec<Vec<OutputLine>> {
    let mut batches: Vec<Vec<OutputLine>> = Vec::new();
    for line in lines {
        if line.seq <= *last {
            continue;
        }
        *last = line.seq;
        match batches.last_mut() {
            Some(batch) if batch.len() < MAX_BATCH => batch.push(line),
            _ => batches.push(vec![line]),
        }
    }
    batches
}

/// Waits for the next line, then takes whatever else has already arrived, without
/// waiting: a quiet operation's lines go out one by one, a busy one's together.
async fn receive_batch(
    live: &mut broadcast::Receiver<OutputLine>,
) -> Vec<std::result::Result<OutputLine, broadcast::error::RecvError>> {
    use broadcast::error::{RecvError, TryRecvError};
    let mut received = vec![live.recv().await];
    while received.len() < MAX_BATCH && matches!(received.last(), Some(Ok(_))) {
        match live.try_recv() {
            Ok(line) => received.push(Ok(line)),
            Err(TryRecvError::Empty) => break,
            Err(TryRecvError::Lagged(missed)) => received.push(Err(RecvError::Lagged(missed))),
            Err(TryRecvError::Closed) => received.push(Err(RecvError::Closed)),
        }
    }
    received
}

fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "operation",
        id: id.to_string(),
    }
}

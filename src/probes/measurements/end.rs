//! Ending a measurement: its end (its status, its open assignments, the release of what
//! it did not use) is one write, run again when the store refuses it, as
//! `Store::transaction` runs a conflicting write again; then its operation ends and its
//! probes are told. A cancel whose end cannot be written changes nothing and says so:
//! the measurement runs on, shown RUNNING, and can be cancelled again. When its
//! operation was cancelled nobody waits for the answer, so that end is tried until it
//! lands. The release is written with the end and only while the measurement still
//! runs, so however often an end is tried, the credits go back once.

use std::time::Duration;

use super::{
    AssignmentStatus, Measurement, MeasurementRow, MeasurementStatus, Measurements, not_found,
    store, target_of,
};
use crate::audit::{AuditKind, AuditSubjectType};
use crate::credits::UnusedRelease;
use crate::error::{Error, Result};
use crate::probes::protocol::ServerMessage;
use crate::probes::registry::Requester;

/// How often an end is tried before its failure is reported.
const END_ATTEMPTS: u32 = 4;
/// The pause after a failed attempt, times the attempt's number.
const END_PAUSE: Duration = Duration::from_millis(250);
/// The longest pause between the tries of an end nobody waits for.
const UNATTENDED_PAUSE_MAX: Duration = Duration::from_secs(30);

impl Measurements {
    /// Stops a running measurement on every probe; what was delivered stays. Audited
    /// once the end is written; when it cannot be, nothing changed.
    #[tracing::instrument(skip_all, fields(actor = %requester.actor.name, target = %id))]
    pub async fn cancel(&self, requester: &Requester, id: &str) -> Result<Measurement> {
        let row = store::find(&self.store, id)
            .await?
            .ok_or_else(|| not_found(id))?;
        if !requester.may_change(&row.owner_id) {
            return Err(Error::Forbidden(
                "only the measurement's owner or an admin may cancel it".into(),
            ));
        }
        // A cancel written whose answer was lost still has its operation and probes to
        // stop: this one finishes it.
        let unfinished =
            row.status == MeasurementStatus::Cancelled && self.lock_ends().contains_key(id);
        if row.status != MeasurementStatus::Running && !unfinished {
            return Err(not_running(id, row.status));
        }
        let ended = match self.end(id, MeasurementStatus::Cancelled).await {
            Ok(Some(ended)) => ended,
            Ok(None) => {
                return Err(Error::Conflict(format!("measurement {id} ended meanwhile")));
            }
            Err(error) => {
                tracing::warn!(measurement = %id, %error, "cannot write a cancel: it runs on");
                return Err(error);
            }
        };
        let target = target_of(&ended);
        let event = self
            .audit
            .event(
                AuditKind::MeasurementCancelled,
                &requester.actor,
                format!("cancelled the measurement of {target}"),
            )
            .about(AuditSubjectType::Measurement, Some(id), Some(&target));
        if let Err(error) = self.audit.append(event).await {
            // The cancel is done and must be said so; the log says what the audit lacks.
            tracing::error!(measurement = %id, %error, "cannot audit a measurement's cancel");
        }
        Ok(ended.to_measurement())
    }

    /// Ends a measurement as [`Measurements::end`] does, trying again until it is
    /// written or monitor stops: for a cancelled operation, which nobody waits on.
    pub(super) async fn end_unattended(&self, id: &str, status: MeasurementStatus) {
        let mut pause = END_PAUSE;
        loop {
            match self.end(id, status).await {
                Ok(_) => return,
                Err(error) => {
                    tracing::error!(measurement = %id, %error, "cannot end a measurement; trying again");
                }
            }
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = self.shutdown.cancelled() => return,
            }
            pause = (pause * 2).min(UNATTENDED_PAUSE_MAX);
        }
    }

    /// Ends a running measurement: its open assignments are cancelled on their probes
    /// (or done, when it finished), what it did not use goes back to its owner with the
    /// end's write, its operation ends. `None` if it was not running (and no end of it
    /// was left half done here).
    pub(super) async fn end(
        &self,
        id: &str,
        status: MeasurementStatus,
    ) -> Result<Option<MeasurementRow>> {
        let Some(row) = store::find(&self.store, id).await? else {
            return Ok(None);
        };
        let open = store::assignments_of(&self.store, id).await?;
        let release = self.credits.unused_release(&row.owner_id, id);
        let ended = match self.write_end(id, status, &release).await? {
            Some(ended) => {
                self.credits.released(&release).await;
                ended
            }
            // Ended in the store while this monitor still runs it: an end was written
            // whose answer was lost. What follows the write is still to do.
            None if row.status != MeasurementStatus::Running
                && self.lock_ends().contains_key(id) =>
            {
                row
            }
            None => return Ok(None),
        };
        let waiting = self.lock_ends().remove(id);
        if ended.status == MeasurementStatus::Cancelled
            && let Some(operation_id) = &ended.operation_id
        {
            self.operations.stop_and_wait(operation_id).await;
        }
        if let Some(waiting) = waiting {
            waiting.send_replace(true);
        }
        for assignment in open.iter().filter(|a| a.status.is_open()) {
            if let Some(connected) = self.probes.live().get(&assignment.probe_id)
                && connected.release(&assignment.key())
            {
                connected.send(ServerMessage::Cancel {
                    assignment_id: assignment.key(),
                });
                self.fill(&assignment.probe_id).await;
            }
        }
        Ok(Some(ended))
    }

    /// Writes the end, up to [`END_ATTEMPTS`] times; the same release each time, which
    /// the store applies only with the attempt that ends the measurement.
    async fn write_end(
        &self,
        id: &str,
        status: MeasurementStatus,
        release: &UnusedRelease,
    ) -> Result<Option<MeasurementRow>> {
        let assignments = match status {
            MeasurementStatus::Cancelled => AssignmentStatus::Cancelled,
            _ => AssignmentStatus::Done,
        };
        let mut attempt = 1;
        loop {
            match store::end(&self.store, id, status, assignments, release).await {
                Err(error) if attempt < END_ATTEMPTS => {
                    tracing::warn!(measurement = %id, attempt, %error, "cannot write a measurement's end; trying again");
                    tokio::time::sleep(END_PAUSE * attempt).await;
                    attempt += 1;
                }
                written => return written,
            }
        }
    }
}

fn not_running(id: &str, status: MeasurementStatus) -> Error {
    Error::Conflict(format!("measurement {id} is {status:?}, not running"))
}

//! Keeping probes supplied: a connected probe is sent its open assignments while it
//! has free slots (its capacity is how many it holds at once); the rest wait, and go
//! out as slots free up (an assignment done, refused or cancelled) or when it
//! reconnects. Every open assignment a probe held before is sent again on reconnect:
//! the probe treats a repeat as a no-op and resumes where it stood.

use std::collections::HashMap;

use chrono::{Duration, Utc};

use super::model::{AssignmentRow, AssignmentStatus, MeasurementStatus};
use super::{Measurements, store};
use crate::error::Result;
use crate::probes::input::Schedule;
use crate::probes::protocol::ServerMessage;

/// How long after a repeated schedule's last slot its results may still arrive.
const LATE_RESULTS: i64 = 120;

impl Measurements {
    /// Sends a connected probe what fits in its free slots; nothing if it is gone.
    pub async fn fill(&self, probe_id: &str) {
        if let Err(error) = self.try_fill(probe_id).await {
            tracing::warn!(probe = %probe_id, %error, "cannot send a probe its assignments; they wait");
        }
        self.probes.changed(probe_id);
    }

    async fn try_fill(&self, probe_id: &str) -> Result<()> {
        let Some(connected) = self.probes.live().get(probe_id) else {
            return Ok(());
        };
        if !connected.has_room() {
            return Ok(());
        }
        let open = store::open_for(&self.store, probe_id).await?;
        let mut measurement_ids: Vec<String> =
            open.iter().map(|a| a.measurement_id.clone()).collect();
        measurement_ids.sort();
        measurement_ids.dedup();
        let measurements: HashMap<String, _> = store::find_many(&self.store, &measurement_ids)
            .await?
            .into_iter()
            .map(|row| (row.key(), row))
            .collect();
        for assignment in open {
            let key = assignment.key();
            if connected.holds(&key) {
                continue;
            }
            if !connected.has_room() {
                break;
            }
            let message = measurements
                .get(&assignment.measurement_id)
                .and_then(|measurement| measurement.assignment(&assignment));
            let Some(message) = message else {
                let reason = "its measurement cannot be read by this version of monitor";
                store::set_status(
                    &self.store,
                    &key,
                    AssignmentStatus::Refused,
                    Some(reason.into()),
                )
                .await?;
                continue;
            };
            if !connected.take(&key) {
                continue;
            }
            // Marked sent before it goes out, so the probe's `accepted` comes after.
            if assignment.status == AssignmentStatus::Waiting {
                store::set_status(&self.store, &key, AssignmentStatus::Sent, None).await?;
            }
            if !connected.send(ServerMessage::Assign(Box::new(message))) {
                break;
            }
        }
        Ok(())
    }

    /// The probe took an assignment.
    pub async fn accepted(&self, probe_id: &str, assignment_id: &str) -> Result<()> {
        if let Some(row) = store::assignment(&self.store, assignment_id).await?
            && row.probe_id == probe_id
        {
            store::set_status(&self.store, assignment_id, AssignmentStatus::Held, None).await?;
        }
        Ok(())
    }

    /// The probe refused an assignment: it is not sent again.
    pub async fn refused(&self, probe_id: &str, assignment_id: &str, reason: String) -> Result<()> {
        let Some(row) = store::assignment(&self.store, assignment_id).await? else {
            return Ok(());
        };
        if row.probe_id != probe_id {
            return Ok(());
        }
        tracing::warn!(probe = %probe_id, assignment = %assignment_id, %reason, "a probe refused an assignment");
        store::set_status(
            &self.store,
            assignment_id,
            AssignmentStatus::Refused,
            Some(reason),
        )
        .await?;
        self.assignment_ended(&row).await
    }

    /// A result was stored for an assignment, which now counts `delivered`: once it
    /// has every result it owes, it is done.
    pub async fn delivered(&self, row: &AssignmentRow) -> Result<()> {
        if row.results_delivered < row.results_expected || !row.status.is_open() {
            return Ok(());
        }
        if store::set_status(&self.store, &row.key(), AssignmentStatus::Done, None)
            .await?
            .is_some()
        {
            self.assignment_ended(row).await?;
        }
        Ok(())
    }

    /// An assignment left its probe's slots: the next one goes out, and its
    /// measurement finishes if it was the last open one.
    async fn assignment_ended(&self, row: &AssignmentRow) -> Result<()> {
        if let Some(connected) = self.probes.live().get(&row.probe_id) {
            connected.release(&row.key());
        }
        self.fill(&row.probe_id).await;
        if !store::any_open(&self.store, &row.measurement_id).await? {
            self.end(&row.measurement_id, MeasurementStatus::Finished)
                .await?;
        }
        Ok(())
    }

    /// Finishes the running measurements that are over: a repeated schedule past its
    /// stop (its probes owe no more runs; a probe that was offline skipped the runs it
    /// missed), or every assignment ended (the end was not written when the last one
    /// did: the store refused it, or monitor stopped in between). Ending gives back
    /// what the measurement did not use.
    pub async fn finish_over(&self) -> Result<()> {
        let now = Utc::now();
        for row in store::running(&self.store).await? {
            let schedule_over = matches!(
                row.schedule(),
                Some(Schedule::Every { stop, .. }) if stop + Duration::seconds(LATE_RESULTS) < now
            );
            let key = row.key();
            if schedule_over || !store::any_open(&self.store, &key).await? {
                self.end(&key, MeasurementStatus::Finished).await?;
            }
        }
        Ok(())
    }
}

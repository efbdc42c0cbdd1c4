//! Measurements: what users ask probes to measure. Each is an Operation (subject
//! Measurement) that runs from creation until its last result, its cancellation or the
//! end of its schedule, and one assignment per chosen probe, sent when the probe is
//! connected and has a free slot ([`dispatch`]).
//!
//! A measurement ends in one write, retried when the store refuses it ([`end`]).
//!
//! Assignments are stored, so a probe that disconnects is sent them again when it comes
//! back, and a restarted monitor resumes every running measurement (under a new
//! operation: the old one is marked interrupted, as every operation a crash cut short).

mod cost;
mod dispatch;
mod end;
pub mod graphql;
mod input;
mod model;
mod operation;
mod select;
mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use cost::MeasurementQuote;
pub use input::{CreateMeasurementInput, MAX_PROBES, MeasurementParamsInput, ProbeSelectionInput};
pub use model::{
    AssignmentRow, AssignmentStatus, Measurement, MeasurementRow, MeasurementStatus,
    ProbeAssignment,
};

use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::credits::Credits;
use crate::error::{Error, Result};
use crate::operations::{OperationTrigger, Operations};
use crate::probes::registry::Probes;
use crate::store::Store;
use select::LastChosen;

/// Runs, reads and cancels measurements, and keeps their probes supplied.
#[derive(Clone)]
pub struct Measurements {
    store: Store,
    audit: AuditLog,
    operations: Operations,
    probes: Probes,
    credits: Credits,
    last_chosen: LastChosen,
    /// One sender per running measurement whose operation waits for it to end.
    ends: Arc<Mutex<HashMap<String, watch::Sender<bool>>>>,
    /// Cancelled at shutdown: an operation dropped then does not cancel its measurement.
    shutdown: CancellationToken,
}

impl Measurements {
    /// The service, with every measurement left running resumed under a new operation.
    pub async fn load(
        store: Store,
        audit: AuditLog,
        operations: Operations,
        probes: Probes,
        credits: Credits,
        shutdown: CancellationToken,
    ) -> Result<Measurements> {
        let measurements = Measurements {
            store,
            audit,
            operations,
            probes,
            credits,
            last_chosen: LastChosen::default(),
            ends: Arc::default(),
            shutdown,
        };
        for row in store::running(&measurements.store).await? {
            let target = target_of(&row);
            measurements
                .start_operation(
                    &Actor::system(),
                    &row.key(),
                    target,
                    OperationTrigger::System,
                )
                .await?;
            tracing::info!(measurement = %row.key(), "resumed a running measurement");
        }
        Ok(measurements)
    }

    /// What a measurement would cost the caller on the probes it would run on now,
    /// checked as `create` checks it (a selection no probe matches is refused).
    pub async fn quote(
        &self,
        owner_id: &str,
        input: CreateMeasurementInput,
    ) -> Result<MeasurementQuote> {
        let request = input.parse(Utc::now())?;
        let probes = select::preview(
            &request.selection,
            self.probes.active().await?,
            self.probes.live(),
            &self.last_chosen,
        )?;
        let balance = self.credits.balance(owner_id).await?.balance;
        Ok(MeasurementQuote::of(
            &request.spec,
            request.selection.asked(),
            probes.len(),
            balance,
        ))
    }

    pub async fn get(&self, id: &str) -> Result<Option<Measurement>> {
        Ok(store::find(&self.store, id)
            .await?
            .map(|row| row.to_measurement()))
    }

    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<Measurement>> {
        let rows = store::find_many(&self.store, ids).await?;
        Ok(rows.iter().map(MeasurementRow::to_measurement).collect())
    }

    /// Measurements, newest first.
    pub async fn list(
        &self,
        owner_id: Option<String>,
        status: Option<MeasurementStatus>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Measurement>> {
        let rows = store::list(&self.store, owner_id, status, after, limit).await?;
        Ok(rows.iter().map(MeasurementRow::to_measurement).collect())
    }

    /// An assignment and its measurement, which a result naming it is checked against.
    pub async fn claim(
        &self,
        assignment_id: &str,
    ) -> Result<Option<(AssignmentRow, MeasurementRow)>> {
        let Some(assignment) = store::assignment(&self.store, assignment_id).await? else {
            return Ok(None);
        };
        let measurement = store::find(&self.store, &assignment.measurement_id).await?;
        Ok(measurement.map(|measurement| (assignment, measurement)))
    }

    pub async fn assignments(&self, id: &str) -> Result<Vec<ProbeAssignment>> {
        let rows = store::assignments_of(&self.store, id).await?;
        Ok(rows.iter().map(AssignmentRow::to_assignment).collect())
    }

    /// Validates the request, chooses its probes, stores it with its assignments, starts
    /// its operation, and sends each connected probe its part.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = input.kind.as_str()))]
    pub async fn create(
        &self,
        actor: &Actor,
        owner_id: &str,
        input: CreateMeasurementInput,
    ) -> Result<Measurement> {
        let now = Utc::now();
        let request = input.parse(now)?;
        let candidates = self.probes.active().await?;
        let chosen = select::choose(
            &request.selection,
            candidates,
            self.probes.live(),
            &self.last_chosen,
        )?;
        let key = ulid::Ulid::new().to_string();
        let spec = &request.spec;
        let results_per_probe = (spec.targets.len() as u64 * spec.schedule.runs()) as i64;
        let probes_asked = request.selection.asked();
        let quote = MeasurementQuote::of(spec, probes_asked, chosen.len(), 0);
        let row = MeasurementRow {
            id: store::record_id(&key),
            owner_id: owner_id.to_string(),
            kind: spec.params.kind(),
            description: request.description,
            targets: spec.targets.iter().map(ToString::to_string).collect(),
            params: to_json(&spec.params)?,
            schedule: to_json(&spec.schedule)?,
            status: MeasurementStatus::Running,
            operation_id: None,
            probe_count: chosen.len() as i64,
            probes_asked: Some(probes_asked as i64),
            results_per_probe,
            cost_per_result: quote.cost_per_result,
            credits_reserved: quote.total,
            credits_used: 0,
            created_at: now,
            finished_at: None,
        };
        let mut generator = ulid::Generator::new();
        let assignments: Vec<AssignmentRow> = chosen
            .iter()
            .map(|probe_id| AssignmentRow {
                id: store::assignment_id(
                    &generator
                        .generate()
                        .unwrap_or_else(|_| ulid::Ulid::new())
                        .to_string(),
                ),
                measurement_id: key.clone(),
                probe_id: probe_id.clone(),
                status: AssignmentStatus::Waiting,
                results_delivered: 0,
                results_expected: results_per_probe,
                last_run: None,
                last_run_targets: None,
                reason: None,
                created_at: now,
                updated_at: now,
            })
            .collect();
        let measurement = row.to_measurement();
        let target = target_of(&row);
        let event = self
            .audit
            .event(
                AuditKind::MeasurementCreated,
                actor,
                format!(
                    "created a measurement ({target}) on {} probe(s)",
                    chosen.len()
                ),
            )
            .about(AuditSubjectType::Measurement, Some(&key), Some(&target))
            .with_diff(None, Some(audit_view(&measurement, &chosen)));
        self.credits.reserve(owner_id, quote.total, &key).await?;
        let created: Result<Option<MeasurementRow>> = self
            .audit
            .write(
                store::CREATE,
                (
                    "measurement_id",
                    row.id.clone(),
                    "measurement_row",
                    row,
                    "assignment_rows",
                    assignments,
                ),
                event,
            )
            .await;
        if let Err(error) = created {
            // Nothing was created: the reservation goes back.
            self.credits.release(owner_id, quote.total, &key).await?;
            return Err(error);
        }
        let operation_id = self
            .start_operation(actor, &key, target, OperationTrigger::Manual)
            .await?;
        for probe_id in &chosen {
            self.fill(probe_id).await;
        }
        Ok(Measurement {
            operation_id: Some(operation_id),
            ..measurement
        })
    }
}

/// What a measurement measures, as a person reads it: `PING 127.0.0.1, example.com`.
fn target_of(row: &MeasurementRow) -> String {
    let mut targets = row
        .targets
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if row.targets.len() > 3 {
        targets.push_str(&format!(" and {} more", row.targets.len() - 3));
    }
    format!("{} {targets}", row.kind.as_str())
}

fn audit_view(measurement: &Measurement, probes: &[String]) -> serde_json::Value {
    serde_json::json!({
        "kind": measurement.kind,
        "targets": measurement.targets,
        "params": measurement.params.0,
        "schedule": {
            "everySeconds": measurement.schedule.every_seconds,
            "start": measurement.schedule.start,
            "stop": measurement.schedule.stop,
        },
        "probes": probes,
        "description": measurement.description,
    })
}

fn to_json(value: &impl serde::Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|error| Error::Internal(error.into()))
}

pub fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "measurement",
        id: id.to_string(),
    }
}

/// How often running measurements are checked for being over.
const OVER_CHECK: std::time::Duration = std::time::Duration::from_secs(30);

/// Finishes running measurements as they are over (see [`Measurements::finish_over`]),
/// until `stop`.
pub async fn finish_over(
    measurements: Measurements,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let mut every = tokio::time::interval(OVER_CHECK);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = stop.cancelled() => return Ok(()),
        }
        if let Err(error) = measurements.finish_over().await {
            tracing::warn!(%error, "cannot finish the measurements that are over");
        }
    }
}

#[cfg(test)]
mod tests;

//! What a measurement is: its stored request, its assignments (one per probe), and
//! the views users read.

use async_graphql::{Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::probes::input::{MeasurementKind, MeasurementParams, Schedule, Target};
use crate::probes::protocol::Assignment;
use crate::store::record_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeasurementStatus {
    /// Its probes are measuring, or waiting to.
    Running,
    /// Every assignment ended: all results delivered, or its schedule is over.
    Finished,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssignmentStatus {
    /// Waiting for its probe to connect or to have a free slot.
    Waiting,
    /// Sent to its probe, not yet accepted.
    Sent,
    /// Its probe holds it and measures on its schedule.
    Held,
    /// Every result delivered, or its schedule is over.
    Done,
    Cancelled,
    /// Its probe refused it (the reason is kept).
    Refused,
}

impl AssignmentStatus {
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AssignmentStatus::Waiting | AssignmentStatus::Sent | AssignmentStatus::Held
        )
    }
}

/// A measurement as stored; params and schedule as the probe receives them.
#[derive(Debug, Clone, SurrealValue)]
pub struct MeasurementRow {
    pub id: RecordId,
    pub owner_id: String,
    pub kind: MeasurementKind,
    pub description: Option<String>,
    pub targets: Vec<String>,
    pub params: serde_json::Value,
    pub schedule: serde_json::Value,
    pub status: MeasurementStatus,
    pub operation_id: Option<String>,
    pub probe_count: i64,
    /// The ids given or the count asked; more than `probe_count` when fewer probes
    /// matched. Missing from measurements created before it was kept.
    pub probes_asked: Option<i64>,
    /// Results each probe owes: targets × runs.
    pub results_per_probe: i64,
    pub cost_per_result: i64,
    /// The quote, reserved from the owner's balance when it was created.
    pub credits_reserved: i64,
    /// What its delivered results cost, counted when it ends; the rest of the
    /// reservation goes back then.
    pub credits_used: i64,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl MeasurementRow {
    pub fn key(&self) -> String {
        record_key(&self.id)
    }

    pub fn params(&self) -> Option<MeasurementParams> {
        serde_json::from_value(self.params.clone()).ok()
    }

    pub fn schedule(&self) -> Option<Schedule> {
        serde_json::from_value(self.schedule.clone()).ok()
    }

    /// The assignment a probe is sent, from where its stored results stand; `None` if
    /// the stored request no longer reads (a store written by a later version).
    pub fn assignment(&self, row: &AssignmentRow) -> Option<Assignment> {
        let parse = |targets: &[String]| {
            targets
                .iter()
                .map(|target| Target::parse(target).ok())
                .collect::<Option<Vec<Target>>>()
        };
        Some(Assignment {
            assignment_id: row.key(),
            measurement_id: self.key(),
            params: self.params()?,
            targets: parse(&self.targets)?,
            schedule: self.schedule()?,
            first_run: row.last_run.map_or(0, |run| run.max(0) as u64),
            measured: parse(row.last_run_targets.as_deref().unwrap_or_default())?,
        })
    }

    pub fn to_measurement(&self) -> Measurement {
        Measurement {
            id: ID(self.key()),
            kind: self.kind,
            description: self.description.clone(),
            targets: self.targets.clone(),
            params: Json(self.params.clone()),
            schedule: MeasurementSchedule::of(self.schedule()),
            status: self.status,
            probe_count: self.probe_count as i32,
            probes_asked: self.probes_asked.unwrap_or(self.probe_count) as i32,
            results_expected: self.probe_count * self.results_per_probe,
            cost_per_result: self.cost_per_result,
            credits_reserved: self.credits_reserved,
            stored_credits_used: self.credits_used,
            created_at: self.created_at,
            finished_at: self.finished_at,
            owner_id: self.owner_id.clone(),
            operation_id: self.operation_id.clone(),
        }
    }
}

/// One probe's part of a measurement.
#[derive(Debug, Clone, SurrealValue)]
pub struct AssignmentRow {
    pub id: RecordId,
    pub measurement_id: String,
    pub probe_id: String,
    pub status: AssignmentStatus,
    pub results_delivered: i64,
    pub results_expected: i64,
    /// The latest run with a stored result, and the targets of that run stored so far:
    /// where the probe resumes when it is sent the assignment again.
    pub last_run: Option<i64>,
    pub last_run_targets: Option<Vec<String>>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AssignmentRow {
    pub fn key(&self) -> String {
        record_key(&self.id)
    }
}

/// What users ask probes to measure, and how far it got.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Measurement {
    pub id: ID,
    pub kind: MeasurementKind,
    pub description: Option<String>,
    /// IP addresses or hostnames, as normalised.
    pub targets: Vec<String>,
    /// The parameters with every default filled in, as sent to the probes.
    pub params: Json<serde_json::Value>,
    pub schedule: MeasurementSchedule,
    pub status: MeasurementStatus,
    /// How many probes measure it.
    pub probe_count: i32,
    /// How many probes were asked for: more than `probeCount` when fewer connected
    /// probes matched the tags and area than the count asked.
    pub probes_asked: i32,
    /// Results it asks for in all: probes × targets × runs.
    pub results_expected: i64,
    pub cost_per_result: i64,
    /// Credits set aside when it was created (the quote).
    pub credits_reserved: i64,
    #[graphql(skip)]
    pub stored_credits_used: i64,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub owner_id: String,
    #[graphql(skip)]
    pub operation_id: Option<String>,
}

/// When a measurement runs: once (no interval), or every `everySeconds` from `start`
/// until `stop`.
#[derive(Debug, Clone, SimpleObject)]
pub struct MeasurementSchedule {
    pub every_seconds: Option<i32>,
    pub start: Option<DateTime<Utc>>,
    pub stop: Option<DateTime<Utc>>,
    /// How many runs in all.
    pub runs: i64,
}

impl MeasurementSchedule {
    fn of(schedule: Option<Schedule>) -> MeasurementSchedule {
        match schedule {
            Some(
                every @ Schedule::Every {
                    interval_seconds,
                    start,
                    stop,
                },
            ) => MeasurementSchedule {
                every_seconds: Some(interval_seconds as i32),
                start: Some(start),
                stop: Some(stop),
                runs: every.runs() as i64,
            },
            _ => MeasurementSchedule {
                every_seconds: None,
                start: None,
                stop: None,
                runs: 1,
            },
        }
    }
}

/// One probe's part of a measurement, as users read it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct ProbeAssignment {
    pub id: ID,
    pub status: AssignmentStatus,
    pub results_delivered: i64,
    pub results_expected: i64,
    /// Why its probe refused it, when it did.
    pub reason: Option<String>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub probe_id: String,
}

impl AssignmentRow {
    pub fn to_assignment(&self) -> ProbeAssignment {
        ProbeAssignment {
            id: ID(self.key()),
            status: self.status,
            results_delivered: self.results_delivered,
            results_expected: self.results_expected,
            reason: self.reason.clone(),
            updated_at: self.updated_at,
            probe_id: self.probe_id.clone(),
        }
    }
}

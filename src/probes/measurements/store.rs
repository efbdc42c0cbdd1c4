//! The measurement and assignment tables.

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::model::{AssignmentRow, AssignmentStatus, MeasurementRow, MeasurementStatus};
use crate::credits::UnusedRelease;
use crate::error::Result;
use crate::store::{Store, retry_conflicts};

pub fn record_id(key: &str) -> RecordId {
    RecordId::new("measurement", key.to_string())
}

pub fn assignment_id(key: &str) -> RecordId {
    RecordId::new("assignment", key.to_string())
}

/// Creates the measurement and its assignments (the audit log wraps the two in its
/// transaction). No `RETURN` statement: one would end the transaction before the
/// audit event is written.
pub const CREATE: &str = "CREATE ONLY $measurement_id CONTENT $measurement_row RETURN NONE; \
     INSERT INTO assignment $assignment_rows RETURN NONE";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<MeasurementRow>> {
    store.find(record_id(key)).await
}

#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn find_many(store: &Store, keys: &[String]) -> Result<Vec<MeasurementRow>> {
    store
        .find_many(keys.iter().map(|key| record_id(key)).collect())
        .await
}

/// Measurements, newest first, after the given id; only the owner's when given.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn list(
    store: &Store,
    owner_id: Option<String>,
    status: Option<MeasurementStatus>,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<MeasurementRow>> {
    let mut conditions = vec!["id < $after"];
    if owner_id.is_some() {
        conditions.push("owner_id = $owner");
    }
    if status.is_some() {
        conditions.push("status = $status");
    }
    let statement = format!(
        "SELECT * FROM measurement WHERE {} ORDER BY id DESC LIMIT $limit",
        conditions.join(" AND ")
    );
    // Ids are ULIDs, all below this one.
    let after = after.unwrap_or("ZZZZZZZZZZZZZZZZZZZZZZZZZZ");
    let mut response = store
        .db()
        .query(statement)
        .bind(("after", record_id(after)))
        .bind(("owner", owner_id))
        .bind(("status", status))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn running(store: &Store) -> Result<Vec<MeasurementRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM measurement WHERE status = $status ORDER BY id")
        .bind(("status", MeasurementStatus::Running))
        .await?;
    Ok(response.take(0)?)
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn set_operation(store: &Store, key: &str, operation_id: &str) -> Result<()> {
    store
        .db()
        .query("UPDATE ONLY $id SET operation_id = $operation RETURN NONE")
        .bind(("id", record_id(key)))
        .bind(("operation", operation_id.to_string()))
        .await?
        .check()?;
    Ok(())
}

/// Ends a running measurement and its open assignments, counting what its delivered
/// results cost and giving back the rest of its reserve in the same transaction;
/// `None` if it was not running.
#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn end(
    store: &Store,
    key: &str,
    status: MeasurementStatus,
    assignments: AssignmentStatus,
    release: &UnusedRelease,
) -> Result<Option<MeasurementRow>> {
    let release_statements = UnusedRelease::statements();
    let (mut response, errors) = store
        .transaction(
            &[
                "UPDATE assignment SET status = $assignments, updated_at = time::now() \
                   WHERE measurement_id = $key AND status IN $open RETURN NONE",
                "LET $ended = UPDATE ONLY $id SET status = $status, finished_at = time::now(), \
                   credits_used = cost_per_result * math::sum(( \
                     SELECT VALUE results_delivered FROM assignment WHERE measurement_id = $key)) \
                   WHERE status = $running RETURN AFTER",
                &release_statements,
                "$ended",
            ],
            |query| {
                release.bind(
                    query
                        .bind(("id", record_id(key)))
                        .bind(("key", key.to_string()))
                        .bind(("status", status))
                        .bind(("assignments", assignments))
                        .bind(("open", open_statuses()))
                        .bind(("running", MeasurementStatus::Running)),
                )
            },
        )
        .await?;
    if let Some(error) = errors.into_values().next() {
        return Err(error.into());
    }
    // The last statement is COMMIT; the one before it reads `$ended`.
    let ended = response.statements() - 2;
    Ok(response.take(ended)?)
}

pub fn open_statuses() -> Vec<AssignmentStatus> {
    vec![
        AssignmentStatus::Waiting,
        AssignmentStatus::Sent,
        AssignmentStatus::Held,
    ]
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn assignment(store: &Store, key: &str) -> Result<Option<AssignmentRow>> {
    store.find(assignment_id(key)).await
}

/// A measurement's assignments, in creation order.
#[tracing::instrument(level = "debug", skip_all, fields(measurement = measurement))]
pub async fn assignments_of(store: &Store, measurement: &str) -> Result<Vec<AssignmentRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM assignment WHERE measurement_id = $measurement ORDER BY id")
        .bind(("measurement", measurement.to_string()))
        .await?;
    Ok(response.take(0)?)
}

/// One open status of a probe's assignments.
pub(super) const OPEN_FOR: &str =
    "SELECT * FROM assignment WHERE probe_id = $probe AND status = $status";

/// A probe's open assignments: those it held first, then those waiting, oldest first.
/// A probe keeps every assignment it ever ran, so each open status is read on its own
/// (one prefix of the `assignment_probe` index) and the ended ones are never read.
#[tracing::instrument(level = "debug", skip_all, fields(probe = probe))]
pub async fn open_for(store: &Store, probe: &str) -> Result<Vec<AssignmentRow>> {
    let mut rows = Vec::new();
    for status in open_statuses() {
        let mut response = store
            .db()
            .query(OPEN_FOR)
            .bind(("probe", probe.to_string()))
            .bind(("status", status))
            .await?;
        rows.extend(response.take::<Vec<AssignmentRow>>(0)?);
    }
    rows.sort_by_cached_key(|row| (row.status == AssignmentStatus::Waiting, row.key()));
    Ok(rows)
}

#[derive(Clone, SurrealValue)]
struct StatusChange {
    status: AssignmentStatus,
    reason: Option<String>,
    updated_at: DateTime<Utc>,
}

/// Moves an open assignment to `status`; `None` when it was no longer open. The results
/// writer counts results on the same record, so a write that conflicts is run again.
#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn set_status(
    store: &Store,
    key: &str,
    status: AssignmentStatus,
    reason: Option<String>,
) -> Result<Option<AssignmentRow>> {
    let change = StatusChange {
        status,
        reason,
        updated_at: Utc::now(),
    };
    let mut response = retry_conflicts(|| async {
        store
            .db()
            .query("UPDATE ONLY $id MERGE $change WHERE status IN $open RETURN AFTER")
            .bind(("id", assignment_id(key)))
            .bind(("change", change.clone()))
            .bind(("open", open_statuses()))
            .await?
            .check()
    })
    .await?;
    Ok(response.take(0)?)
}

/// One of a measurement's assignments in one open status that owes results, if any.
pub(super) const ANY_OPEN: &str = "SELECT VALUE id FROM assignment \
     WHERE measurement_id = $measurement AND status = $status \
     AND results_delivered < results_expected LIMIT 1";

/// Whether any of a measurement's assignments is still open and owes results (one that
/// has every result is over, even if marking it done failed). Asked each time one of
/// them ends, so it reads no ended assignment: each open status is one prefix of the
/// `assignment_measurement_status` index, and the first one found is enough. Counting
/// them all made a measurement's end quadratic in its probes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn any_open(store: &Store, measurement: &str) -> Result<bool> {
    // The open status most assignments are in comes first.
    for status in open_statuses().into_iter().rev() {
        let mut response = store
            .db()
            .query(ANY_OPEN)
            .bind(("measurement", measurement.to_string()))
            .bind(("status", status))
            .await?;
        let found: Vec<RecordId> = response.take(0)?;
        if !found.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

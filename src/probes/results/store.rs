//! The probe_result table: results stored once per key, paged, summarised.

use surrealdb::types::RecordId;

use super::model::{ResultFilter, ResultRow, SummaryRow};
use crate::error::Result;
use crate::probes::measurements::AssignmentRow;
use crate::store::Store;

pub fn record_id(key: &str) -> RecordId {
    RecordId::new("probe_result", key.to_string())
}

/// What storing a result did.
pub enum Stored {
    /// It is new; its assignment now counts it, and comes with it (with one of the
    /// batch's results of it) once it has every result it owes, to be marked done.
    New(Option<Box<AssignmentRow>>),
    /// A result with its key was stored before.
    Repeat,
}

/// Whether a result with this key is stored.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn exists(store: &Store, key: &str) -> Result<bool> {
    let mut response = store
        .db()
        .query("SELECT VALUE id FROM probe_result WHERE key = $key LIMIT 1")
        .bind(("key", key.to_string()))
        .await?;
    let ids: Vec<RecordId> = response.take(0)?;
    Ok(!ids.is_empty())
}

/// A measurement's results in the order they were stored, after the given id.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn page(
    store: &Store,
    measurement: &str,
    filter: &ResultFilter,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<ResultRow>> {
    let mut conditions = vec!["measurement_id = $measurement", "id > $after"];
    if filter.probe_id.is_some() {
        conditions.push("probe_id = $probe");
    }
    if filter.target.is_some() {
        conditions.push("target = $target");
    }
    if filter.since.is_some() {
        conditions.push("measured_at >= $since");
    }
    if filter.until.is_some() {
        conditions.push("measured_at < $until");
    }
    let statement = format!(
        "SELECT * FROM probe_result WHERE {} ORDER BY id LIMIT $limit",
        conditions.join(" AND ")
    );
    let mut response = store
        .db()
        .query(statement)
        .bind(("measurement", measurement.to_string()))
        .bind(("after", record_id(after.unwrap_or(""))))
        .bind(("probe", filter.probe_id.as_ref().map(|id| id.to_string())))
        .bind(("target", filter.target.clone()))
        .bind(("since", filter.since))
        .bind(("until", filter.until))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// Per-probe (`probe_id`) or per-target (`target`) figures of a measurement.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn summaries(
    store: &Store,
    measurement: &str,
    by_probe: bool,
) -> Result<Vec<SummaryRow>> {
    // The two statements differ only in a column name chosen here, never by a user.
    let group = if by_probe { "probe_id" } else { "target" };
    let statement = format!(
        "SELECT {group} AS group, count() AS results, \
           count(error != NONE) AS errors, \
           math::min(rtt_ms) AS min_rtt_ms, math::mean(rtt_ms) AS avg_rtt_ms, \
           math::max(rtt_ms) AS max_rtt_ms, time::max(measured_at) AS last_measured_at \
         FROM probe_result WHERE measurement_id = $measurement GROUP BY {group} ORDER BY group"
    );
    let mut response = store
        .db()
        .query(statement)
        .bind(("measurement", measurement.to_string()))
        .await?;
    Ok(response.take(0)?)
}

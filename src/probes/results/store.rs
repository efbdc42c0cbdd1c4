//! The probe_result table: results stored once per key, paged, summarised.
//!
//! A result's record id is its key (assignment, run, target), so the record itself
//! says whether a result was stored before: no index to keep beside the row. As an
//! array, it orders a measurement's results by assignment, then run as a number, then
//! target; the API shows it as the key's text (`assignment/run/target`).

use surrealdb::types::{Array, RecordId, RecordIdKey, Value};

use super::model::{ResultFilter, ResultRow, SummaryRow};
use crate::error::{Error, Result};
use crate::probes::measurements::AssignmentRow;
use crate::store::Store;

/// The record a result with this key is stored as.
pub fn record_id(assignment_id: &str, run: i64, target: &str) -> RecordId {
    let key = Array::from(vec![
        Value::String(assignment_id.to_string()),
        Value::Number(run.into()),
        Value::String(target.to_string()),
    ]);
    RecordId::new("probe_result", RecordIdKey::Array(key))
}

/// The record a page's cursor (a result's key as the API shows it) names.
fn cursor(key: &str) -> Result<RecordId> {
    let mut parts = key.splitn(3, '/');
    match (parts.next(), parts.next().map(str::parse), parts.next()) {
        (Some(assignment), Some(Ok(run)), Some(target)) => Ok(record_id(assignment, run, target)),
        _ => Err(Error::bad_input(
            &["after"],
            "not a cursor of these results (use a page's endCursor)",
        )),
    }
}

/// What storing a result did.
pub enum Stored {
    /// It is new; its assignment now counts it, and comes with it (with one of the
    /// batch's results of it) once it has every result it owes, to be marked done.
    New(Option<Box<AssignmentRow>>),
    /// A result with its key was stored before.
    Repeat,
}

/// A measurement's results in the order of their keys, after the given one.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn page(
    store: &Store,
    measurement: &str,
    filter: &ResultFilter,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<ResultRow>> {
    let after = after.map(cursor).transpose()?;
    let mut conditions = vec!["measurement_id = $measurement"];
    if after.is_some() {
        conditions.push("id > $after");
    }
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
        .bind(("after", after))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys of a measurement's results, page by page of `limit`, following the cursors.
    async fn keys_paged(store: &Store, limit: usize) -> Vec<Vec<String>> {
        let mut pages = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let rows = page(
                store,
                "m1",
                &ResultFilter::default(),
                after.as_deref(),
                limit,
            )
            .await
            .expect("a page");
            if rows.is_empty() {
                return pages;
            }
            after = rows.last().map(|row| row.key.clone());
            pages.push(rows.into_iter().map(|row| row.key).collect());
        }
    }

    #[tokio::test]
    async fn results_stored_with_random_ids_move_to_their_keys_and_still_count_as_stored() {
        // A store the previous version wrote: random ids, and no mark of this migration.
        let store = Store::in_memory().await;
        store
            .db()
            .query(
                "FOR $r IN [[0, '192.0.2.1'], [10, '192.0.2.1'], [2, '192.0.2.2']] {
                   CREATE probe_result SET key = string::concat('a1/', <string> $r[0], '/', $r[1]),
                     measurement_id = 'm1', assignment_id = 'a1', probe_id = 'p1',
                     target = $r[1], run = $r[0], kind = 'PING', error = 'unreachable',
                     probe_time = time::now(), offset_micros = 0, measured_at = time::now(),
                     received_at = time::now();
                 };
                 UPDATE meta:migrations SET done -= 'probe_result_key_ids';",
            )
            .await
            .expect("old rows")
            .check()
            .expect("old rows");

        store.prepare().await.expect("the next start migrates");

        let mut moved = store
            .db()
            .query(
                "SELECT VALUE key FROM [probe_result:['a1', 0, '192.0.2.1'], \
                   probe_result:['a1', 2, '192.0.2.2'], probe_result:['a1', 10, '192.0.2.1']]; \
                 (SELECT count() FROM probe_result GROUP ALL)[0].count",
            )
            .await
            .expect("query");
        let keys: Vec<String> = moved.take(0).expect("keys");
        let count: Option<i64> = moved.take(1).expect("count");
        assert_eq!(
            (keys, count),
            (
                vec![
                    "a1/0/192.0.2.1".to_string(),
                    "a1/2/192.0.2.2".to_string(),
                    "a1/10/192.0.2.1".to_string()
                ],
                Some(3)
            ),
            "each row is at its key, once"
        );
        let again = store
            .db()
            .query("CREATE probe_result:['a1', 10, '192.0.2.1'] SET key = 'a1/10/192.0.2.1'")
            .await
            .expect("query")
            .check();
        assert!(again.is_err(), "a result stored before is refused");
        assert_eq!(
            keys_paged(&store, 2).await,
            vec![
                vec!["a1/0/192.0.2.1".to_string(), "a1/2/192.0.2.2".to_string()],
                vec!["a1/10/192.0.2.1".to_string()]
            ],
            "pages follow their cursors, runs in order"
        );
    }

    #[tokio::test]
    async fn a_cursor_that_names_no_result_is_refused_as_bad_input() {
        let store = Store::in_memory().await;
        let refused = page(&store, "m1", &ResultFilter::default(), Some("01JXYZ"), 10).await;
        assert!(matches!(refused, Err(Error::BadInput { field, .. }) if field == ["after"]));
    }
}

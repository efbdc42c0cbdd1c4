//! The probe_result table: results stored once per key, paged, summarised.
//!
//! A result's record id is its measurement, then its key (assignment, run, target), so
//! the record itself says whether a result was stored before, and a measurement's
//! results are one range of ids: pages and summaries read that range, with no index
//! to keep beside the row. As an array, it orders a measurement's results by
//! assignment, then run as a number, then target; the API shows a result's key as
//! text (`assignment/run/target`).

use std::ops::Bound;

use surrealdb::types::{Array, Range, RecordId, RecordIdKey, RecordIdKeyRange, Value};

use super::model::{ResultFilter, ResultRow, SummaryRow};
use crate::error::{Error, Result};
use crate::probes::measurements::AssignmentRow;
use crate::store::Store;

/// The record a result of this measurement with this key is stored as.
pub fn record_id(measurement_id: &str, assignment_id: &str, run: i64, target: &str) -> RecordId {
    RecordId::new(
        "probe_result",
        RecordIdKey::Array(Array::from(vec![
            Value::String(measurement_id.to_string()),
            Value::String(assignment_id.to_string()),
            Value::Number(run.into()),
            Value::String(target.to_string()),
        ])),
    )
}

/// A measurement's results, after the given record if any: every id that starts with
/// the measurement sorts after `[measurement]` and before `[measurement, ..]` (a range
/// value sorts after any string, number or array).
fn results_of(measurement_id: &str, after: Option<RecordId>) -> RecordId {
    let bound = |rest: Option<Value>| {
        let mut key = vec![Value::String(measurement_id.to_string())];
        key.extend(rest);
        RecordIdKey::Array(Array::from(key))
    };
    let start = match after {
        Some(after) => Bound::Excluded(after.key),
        None => Bound::Excluded(bound(None)),
    };
    let end = Bound::Excluded(bound(Some(Value::Range(Box::new(Range {
        start: Bound::Unbounded,
        end: Bound::Unbounded,
    })))));
    RecordId::new(
        "probe_result",
        RecordIdKey::Range(Box::new(RecordIdKeyRange { start, end })),
    )
}

/// The record a page's cursor (a result's key as the API shows it) names.
fn cursor(measurement_id: &str, key: &str) -> Result<RecordId> {
    let mut parts = key.splitn(3, '/');
    match (parts.next(), parts.next().map(str::parse), parts.next()) {
        (Some(assignment), Some(Ok(run)), Some(target)) => {
            Ok(record_id(measurement_id, assignment, run, target))
        }
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
    let after = after.map(|key| cursor(measurement, key)).transpose()?;
    let mut conditions = Vec::new();
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
    let only = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    // The range is read in id order, so the order costs no sort and the limit ends it.
    let statement = format!("SELECT * FROM $results{only} ORDER BY id LIMIT $limit");
    let mut response = store
        .db()
        .query(statement)
        .bind(("results", results_of(measurement, after)))
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
         FROM $results GROUP BY {group} ORDER BY group"
    );
    let mut response = store
        .db()
        .query(statement)
        .bind(("results", results_of(measurement, None)))
        .await?;
    Ok(response.take(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys of a measurement's results, page by page of `limit`, following the cursors.
    async fn keys_paged(store: &Store, measurement: &str, limit: usize) -> Vec<Vec<String>> {
        let mut pages = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let rows = page(
                store,
                measurement,
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

    /// Writes results of measurement m1 (assignment a1, probe p1) as an earlier version
    /// did, at the ids `ids` makes of `[run, target]`, and clears the marks of the
    /// migrations named, as a store from before them has none.
    async fn old_rows(store: &Store, ids: &str, migrations: &[&str]) {
        store
            .db()
            .query(format!(
                "FOR $r IN [[0, '192.0.2.1'], [10, '192.0.2.1'], [2, '192.0.2.2']] {{
                   CREATE {ids} SET key = string::concat('a1/', <string> $r[0], '/', $r[1]),
                     measurement_id = 'm1', assignment_id = 'a1', probe_id = 'p1',
                     target = $r[1], run = $r[0], kind = 'PING', error = 'unreachable',
                     probe_time = time::now(), offset_micros = 0, measured_at = time::now(),
                     received_at = time::now();
                 }};
                 UPDATE meta:migrations SET done = array::complement(done, $migrations);"
            ))
            .bind((
                "migrations",
                migrations.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            ))
            .await
            .expect("old rows")
            .check()
            .expect("old rows");
    }

    /// After migrating: each old row is at its id, once; stored again it is refused;
    /// pages follow their cursors, runs in order.
    async fn assert_moved_to_their_ids(store: &Store) {
        let mut moved = store
            .db()
            .query(
                "SELECT VALUE key FROM [probe_result:['m1', 'a1', 0, '192.0.2.1'], \
                   probe_result:['m1', 'a1', 2, '192.0.2.2'], \
                   probe_result:['m1', 'a1', 10, '192.0.2.1']]; \
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
            "each row is at its id, once"
        );
        let again = store
            .db()
            .query("CREATE probe_result:['m1', 'a1', 10, '192.0.2.1'] SET key = 'a1/10/192.0.2.1'")
            .await
            .expect("query")
            .check();
        assert!(again.is_err(), "a result stored before is refused");
        assert_eq!(
            keys_paged(store, "m1", 2).await,
            vec![
                vec!["a1/0/192.0.2.1".to_string(), "a1/2/192.0.2.2".to_string()],
                vec!["a1/10/192.0.2.1".to_string()]
            ],
            "pages follow their cursors, runs in order"
        );
    }

    #[tokio::test]
    async fn results_stored_with_random_ids_move_to_their_ids_and_still_count_as_stored() {
        let store = Store::in_memory().await;
        old_rows(
            &store,
            "probe_result",
            &["probe_result_key_ids", "probe_result_measurement_ids"],
        )
        .await;

        store.prepare().await.expect("the next start migrates");

        assert_moved_to_their_ids(&store).await;
    }

    #[tokio::test]
    async fn results_stored_at_their_key_alone_move_under_their_measurement() {
        let store = Store::in_memory().await;
        old_rows(
            &store,
            "type::record('probe_result', ['a1', $r[0], $r[1]])",
            &["probe_result_measurement_ids"],
        )
        .await;

        store.prepare().await.expect("the next start migrates");

        assert_moved_to_their_ids(&store).await;
    }

    #[tokio::test]
    async fn a_measurement_pages_and_sums_its_own_results_only() {
        // Measurement ids one of which starts with another, and one between them.
        let store = Store::in_memory().await;
        store
            .db()
            .query(
                "FOR $m IN ['m1', 'm10', 'm2'] {
                   FOR $r IN [[0, '192.0.2.1'], [1, '192.0.2.1']] {
                     CREATE type::record('probe_result', [$m, 'a1', $r[0], $r[1]])
                       SET key = string::concat('a1/', <string> $r[0], '/', $r[1]),
                       measurement_id = $m, assignment_id = 'a1', probe_id = 'p1',
                       target = $r[1], run = $r[0], kind = 'PING', rtt_ms = 1.5,
                       probe_time = time::now(), offset_micros = 0,
                       measured_at = time::now(), received_at = time::now();
                   };
                 };",
            )
            .await
            .expect("rows")
            .check()
            .expect("rows");

        for measurement in ["m1", "m10", "m2"] {
            assert_eq!(
                keys_paged(&store, measurement, 1).await,
                vec![
                    vec!["a1/0/192.0.2.1".to_string()],
                    vec!["a1/1/192.0.2.1".to_string()]
                ],
                "{measurement}'s pages"
            );
            let sums = summaries(&store, measurement, true).await.expect("sums");
            let sums: Vec<(String, i64)> = sums.into_iter().map(|s| (s.group, s.results)).collect();
            assert_eq!(sums, vec![("p1".to_string(), 2)], "{measurement}'s sums");
        }
    }

    #[tokio::test]
    async fn a_cursor_that_names_no_result_is_refused_as_bad_input() {
        let store = Store::in_memory().await;
        let refused = page(&store, "m1", &ResultFilter::default(), Some("01JXYZ"), 10).await;
        assert!(matches!(refused, Err(Error::BadInput { field, .. }) if field == ["after"]));
    }
}

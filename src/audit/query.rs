//! How a page of the audit log becomes SurrealQL that reads only the page.
//!
//! SurrealDB 3.3 turns `ORDER BY … LIMIT` into a bounded index scan only when the sort
//! matches an index, and seeks to a cursor only inside an index range (a cursor on `id`
//! becomes a filtered scan from the end of the table). SurrealKV also scans backwards in
//! time proportional to the whole index (measured: ~400 ms for a newest-first page of
//! 200k events, against ~1 ms forwards). So every order is served by an ascending scan
//! of keys stored for it:
//!
//! - `seq` is the event's ULID (its record key) as a plain string, `rseq` the same
//!   mirrored ([`mirror`]), so ascending `rseq` is newest first;
//! - `kind`, `stack_id`, `server_id` have mirrored twins `rkind`, `rstack`, `rserver`;
//! - every index is a key followed by a time key: `(kind, seq)`, `(rkind, rseq)`, …
//! - a scan is bounded by `LIMIT` only behind an equality prefix (measured: a page of
//!   `ORDER BY rseq` over a plain `rseq` index costs ~10× one over `(kind, rseq)` with
//!   `kind = …`), so every event carries `log = 1`, and pages that filter on no column
//!   seek on `(log, rseq)`, `(log, rkind, rseq)`, … with `log = 1`.
//!
//! Sorting by a column pages on `(column key, time key)`. The keyset condition
//! `c > v OR (c = v AND t > s)` would defeat the index, so a page after a cursor is read
//! as two index ranges in one round trip: the rest of the cursor's group
//! (`c = v AND t > s`, by `t`), then the groups after it (`c > v`, by `c, t`).

use std::collections::BTreeMap;

use surrealdb::types::{SurrealValue, Value};
use ulid::Ulid;

use super::filter::{AuditEventFilter, AuditEventOrder, AuditEventOrderField};
use super::store::{AuditCursor, TABLE};
use crate::store::page::{OrderDirection, PageRequest};

/// The statements of one page and their bound values. Only fixed column names and
/// keywords are formatted into the statements; every value is bound.
pub struct PageQuery {
    pub statements: Vec<String>,
    pub vars: BTreeMap<String, Value>,
    /// Rows wanted in all: the page plus one, to know whether another page follows.
    pub limit: usize,
}

/// The stored fields whose ascending order is the requested order.
struct SortKeys {
    direction: OrderDirection,
    column: Option<&'static str>,
    time: &'static str,
}

impl SortKeys {
    fn of(order: AuditEventOrder) -> SortKeys {
        let ascending = order.direction == OrderDirection::Asc;
        let column = match (order.field, ascending) {
            (AuditEventOrderField::OccurredAt, _) => None,
            (AuditEventOrderField::Kind, true) => Some("kind"),
            (AuditEventOrderField::Kind, false) => Some("rkind"),
            (AuditEventOrderField::Stack, true) => Some("stack_id"),
            (AuditEventOrderField::Stack, false) => Some("rstack"),
            (AuditEventOrderField::Server, true) => Some("server_id"),
            (AuditEventOrderField::Server, false) => Some("rserver"),
        };
        SortKeys {
            direction: order.direction,
            column,
            time: if ascending { "seq" } else { "rseq" },
        }
    }

    /// A stored value as the sort keys hold it.
    fn key(&self, value: &str) -> Value {
        match self.direction {
            OrderDirection::Asc => value.to_string().into_value(),
            OrderDirection::Desc => mirror(value).into_value(),
        }
    }
}

pub fn plan(
    filter: &AuditEventFilter,
    order: AuditEventOrder,
    page: &PageRequest<AuditCursor>,
) -> PageQuery {
    let keys = SortKeys::of(order);
    let mut vars: BTreeMap<String, Value> = BTreeMap::new();
    let mut conditions = Vec::new();
    if !filter.narrows_by_column() {
        // Without an equality filter to seek on, seek on `log = 1` instead: SurrealDB
        // reads a bounded page from an index only behind an equality prefix (measured
        // at 100k events: ~2 ms with it, ~20 ms scanning `rseq` alone).
        conditions.push("log = 1".to_string());
    }
    conditions.extend(filter_conditions(filter, &mut vars));
    let time_range = time_conditions(filter, &keys, &mut vars);
    let limit = page.first + 1;
    vars.insert("limit".into(), (limit as i64).into_value());
    let time = keys.time;
    let select = |conditions: &[String], order_by: String| {
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        format!("SELECT * FROM {TABLE} {where_clause} ORDER BY {order_by} LIMIT $limit")
    };
    let statements = match (keys.column, &page.after) {
        (None, after) => {
            // A cursor is always inside the range, so it is the tighter start.
            if let Some((_, seq)) = after {
                conditions.push(format!("{time} > $cursor_time"));
                vars.insert("cursor_time".into(), keys.key(seq));
            }
            conditions.extend(time_range);
            vec![select(&conditions, format!("{time} ASC"))]
        }
        (Some(column), None) => {
            conditions.extend(time_range);
            vec![select(&conditions, format!("{column} ASC, {time} ASC"))]
        }
        (Some(column), Some((value, seq))) => {
            conditions.extend(time_range);
            vars.insert("cursor_column".into(), keys.key(value));
            vars.insert("cursor_time".into(), keys.key(seq));
            let mut rest_of_group = conditions.clone();
            rest_of_group.push(format!("{column} = $cursor_column"));
            rest_of_group.push(format!("{time} > $cursor_time"));
            let mut later_groups = conditions;
            later_groups.push(format!("{column} > $cursor_column"));
            vec![
                select(&rest_of_group, format!("{time} ASC")),
                select(&later_groups, format!("{column} ASC, {time} ASC")),
            ]
        }
    };
    PageQuery {
        statements,
        vars,
        limit,
    }
}

fn filter_conditions(filter: &AuditEventFilter, vars: &mut BTreeMap<String, Value>) -> Vec<String> {
    let mut conditions = Vec::new();
    if let Some(kinds) = &filter.kinds {
        conditions.push("kind IN $kinds".to_string());
        vars.insert("kinds".into(), kinds.clone().into_value());
    }
    if let Some(actor) = &filter.actor {
        conditions.push("actor.name = $actor".to_string());
        vars.insert("actor".into(), actor.clone().into_value());
    }
    for (column, value) in [
        ("stack_id", &filter.stack_id),
        ("server_id", &filter.server_id),
        ("app_id", &filter.app_id),
    ] {
        if let Some(value) = value {
            conditions.push(format!("{column} = ${column}"));
            vars.insert(column.into(), value.to_string().into_value());
        }
    }
    conditions
}

/// The time range as a range of the time key, the bound where the scan starts first:
/// SurrealDB seeks on the first range condition of the index's next field and only
/// filters by the rest (measured: a mid-log range at 10k events read 5,700 index
/// entries to return 51 with the bounds the other way round).
fn time_conditions(
    filter: &AuditEventFilter,
    keys: &SortKeys,
    vars: &mut BTreeMap<String, Value>,
) -> Vec<String> {
    let time = keys.time;
    let mut from = filter.occurred_after.map(|after| {
        vars.insert("from_time".into(), keys.key(&time_bound(after)));
        match keys.direction {
            OrderDirection::Asc => format!("{time} >= $from_time"),
            OrderDirection::Desc => format!("{time} <= $from_time"),
        }
    });
    let mut until = filter.occurred_before.map(|before| {
        vars.insert("until_time".into(), keys.key(&time_bound(before)));
        match keys.direction {
            OrderDirection::Asc => format!("{time} < $until_time"),
            OrderDirection::Desc => format!("{time} > $until_time"),
        }
    });
    if keys.direction == OrderDirection::Desc {
        std::mem::swap(&mut from, &mut until);
    }
    from.into_iter().chain(until).collect()
}

/// The smallest `seq` of a millisecond: events at or after the time sort at or after it.
fn time_bound(at: chrono::DateTime<chrono::Utc>) -> String {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    Ulid::from_parts(millis, 0).to_string()
}

/// Longest value that [`mirror`] orders exactly (ULIDs are 26, kinds fit too).
const MIRROR_WIDTH: usize = 40;

/// A string whose ascending order is the descending order of the inputs: the input is
/// padded to [`MIRROR_WIDTH`] with the lowest printable character, and every printable
/// ASCII character is swapped with its mirror (`' '` ↔ `'~'`, `'0'` ↔ `'N'`, …). Values
/// here are ids and kind names (printable ASCII); anything else maps to the lowest key.
pub fn mirror(value: &str) -> String {
    let padded = value
        .bytes()
        .chain(std::iter::repeat(b' '))
        .take(MIRROR_WIDTH);
    padded
        .map(|byte| match byte {
            b' '..=b'~' => (b'~' - (byte - b' ')) as char,
            _ => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(after: Option<AuditCursor>) -> PageRequest<AuditCursor> {
        PageRequest { first: 50, after }
    }

    #[test]
    fn newest_first_scans_the_mirrored_time_key_forwards_from_the_cursor() {
        let query = plan(
            &AuditEventFilter::default(),
            AuditEventOrder::default(),
            &page(Some((String::new(), "01J".into()))),
        );
        assert_eq!(
            query.statements,
            [
                "SELECT * FROM audit_event WHERE log = 1 AND rseq > $cursor_time ORDER BY rseq ASC LIMIT $limit"
            ]
        );
        assert_eq!(
            query.vars.get("cursor_time"),
            Some(&mirror("01J").into_value())
        );
        assert_eq!(query.limit, 51);
    }

    #[test]
    fn a_newest_first_time_range_starts_its_scan_at_the_newer_bound() {
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .expect("time")
                .to_utc()
        };
        let filter = AuditEventFilter {
            occurred_after: Some(at("2026-01-01T00:00:00Z")),
            occurred_before: Some(at("2026-02-01T00:00:00Z")),
            ..AuditEventFilter::default()
        };
        let query = plan(
            &filter,
            AuditEventOrder::default(),
            &page(Some((String::new(), "01J".into()))),
        );
        assert_eq!(
            query.statements,
            [
                "SELECT * FROM audit_event WHERE log = 1 AND rseq > $cursor_time AND rseq > $until_time AND rseq <= $from_time ORDER BY rseq ASC LIMIT $limit"
            ]
        );
    }

    #[test]
    fn a_column_filter_seeks_on_its_own_index_without_the_log_prefix() {
        let filter = AuditEventFilter {
            kinds: Some(vec![crate::audit::AuditKind::LoginFailed]),
            ..AuditEventFilter::default()
        };
        let query = plan(&filter, AuditEventOrder::default(), &page(None));
        assert_eq!(
            query.statements,
            ["SELECT * FROM audit_event WHERE kind IN $kinds ORDER BY rseq ASC LIMIT $limit"]
        );
    }

    #[test]
    fn a_page_sorted_by_kind_after_a_cursor_is_two_index_ranges() {
        let order = AuditEventOrder {
            field: AuditEventOrderField::Kind,
            direction: OrderDirection::Asc,
        };
        let cursor = Some(("LOGIN_FAILED".into(), "01J".into()));
        let query = plan(&AuditEventFilter::default(), order, &page(cursor));
        assert_eq!(
            query.statements,
            [
                "SELECT * FROM audit_event WHERE log = 1 AND kind = $cursor_column AND seq > $cursor_time ORDER BY seq ASC LIMIT $limit",
                "SELECT * FROM audit_event WHERE log = 1 AND kind > $cursor_column ORDER BY kind ASC, seq ASC LIMIT $limit",
            ]
        );
    }

    #[test]
    fn mirrored_values_sort_in_reverse_even_when_one_is_a_prefix_of_the_other() {
        let values = ["", "01M8", "01M9", "USER", "USER_CREATED", "~"];
        for pair in values.windows(2) {
            assert!(mirror(pair[1]) < mirror(pair[0]), "{pair:?}");
        }
        let (older, newer) = (Ulid::from_parts(1_000, 5), Ulid::from_parts(2_000, 1));
        assert!(mirror(&newer.to_string()) < mirror(&older.to_string()));
    }

    #[test]
    fn user_values_are_bound_never_formatted_in() {
        let filter = AuditEventFilter {
            actor: Some("x' OR 1=1".into()),
            ..Default::default()
        };
        let query = plan(&filter, AuditEventOrder::default(), &page(None));
        assert!(!query.statements[0].contains("OR 1=1"));
        assert_eq!(
            query.vars.get("actor"),
            Some(&"x' OR 1=1".to_string().into_value())
        );
    }
}

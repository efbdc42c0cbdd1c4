//! How a page of the audit log becomes SurrealQL that reads only the page.
//!
//! Every event carries `seq`, its ULID key as a plain string, and every index ends in
//! `seq`: `(seq)`, `(kind, seq)`, `(actor.name, seq)`, `(stack_id, seq)`, … The record id
//! holds the same ULID, but SurrealDB 3.3 only turns `ORDER BY … LIMIT` into a bounded
//! index scan when the sort matches an index, and it seeks to a cursor only inside an
//! index range (a cursor on `id` becomes a filtered scan from the end of the table).
//!
//! Newest first is the order almost every reader wants, and SurrealKV scans backwards
//! in time proportional to the whole index (measured: ~400 ms at 200k events, against
//! ~1 ms forwards). So events also carry `rseq`, the ULID with every digit mirrored,
//! whose ascending order is newest first, with the same indexes: time-ordered pages
//! only ever scan forwards.
//!
//! Sorting by a column `c` pages on `(c, seq)`. The keyset condition
//! `c < v OR (c = v AND seq < s)` would defeat the index, so a page after a cursor is
//! read as two index ranges, in one round trip: the rest of the cursor's group
//! (`c = v AND seq < s`, by `seq`), then the groups after it (`c < v`, by `c, seq`).

use std::collections::BTreeMap;

use surrealdb::types::{SurrealValue, Value};
use ulid::Ulid;

use super::filter::{AuditEventFilter, AuditEventOrder};
use super::store::{AuditCursor, TABLE};
use crate::graphql::pagination::OrderDirection;
use crate::graphql::pagination::PageRequest;

/// The statements of one page and their bound values. Only fixed column names and
/// keywords are formatted into the statements; every value is bound.
pub struct PageQuery {
    pub statements: Vec<String>,
    pub vars: BTreeMap<String, Value>,
    /// Rows wanted in all: the page plus one, to know whether another page follows.
    pub limit: usize,
}

pub fn plan(
    filter: &AuditEventFilter,
    order: AuditEventOrder,
    page: &PageRequest<AuditCursor>,
) -> PageQuery {
    let mut vars: BTreeMap<String, Value> = BTreeMap::new();
    let mut conditions = filter_conditions(filter, &mut vars);
    let limit = page.first + 1;
    vars.insert("limit".into(), (limit as i64).into_value());
    let dir = order.direction.keyword();
    let cmp = order.direction.after_operator();
    let select = |conditions: &[String], order_by: String| {
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        format!("SELECT * FROM {TABLE} {where_clause} ORDER BY {order_by} LIMIT $limit")
    };
    let statements = match (order.field.column(), &page.after) {
        (None, after) => {
            let key = time_key(order.direction);
            if let Some((_, seq)) = after {
                conditions.push(format!("{key} > $cursor_key"));
                vars.insert(
                    "cursor_key".into(),
                    in_key_order(order.direction, seq).into_value(),
                );
            }
            vec![select(&conditions, format!("{key} ASC"))]
        }
        (Some(column), None) => vec![select(&conditions, format!("{column} {dir}, seq {dir}"))],
        (Some(column), Some((value, seq))) => {
            vars.insert("cursor_value".into(), value.clone().into_value());
            vars.insert("cursor_seq".into(), seq.clone().into_value());
            let mut rest_of_group = conditions.clone();
            rest_of_group.push(format!("{column} = $cursor_value"));
            rest_of_group.push(format!("seq {cmp} $cursor_seq"));
            let mut later_groups = conditions;
            later_groups.push(format!("{column} {cmp} $cursor_value"));
            vec![
                select(&rest_of_group, format!("seq {dir}")),
                select(&later_groups, format!("{column} {dir}, seq {dir}")),
            ]
        }
    };
    PageQuery {
        statements,
        vars,
        limit,
    }
}

/// The field whose ascending order is the requested time order.
fn time_key(direction: OrderDirection) -> &'static str {
    match direction {
        OrderDirection::Asc => "seq",
        OrderDirection::Desc => "rseq",
    }
}

/// A `seq` as the time key of `direction` holds it.
fn in_key_order(direction: OrderDirection, seq: &str) -> String {
    match direction {
        OrderDirection::Asc => seq.to_string(),
        OrderDirection::Desc => reverse_seq(seq),
    }
}

/// The ULID alphabet (Crockford base32), in ascending order.
const ULID_DIGITS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A ULID with each digit replaced by its mirror in the alphabet: for ULIDs (all 26
/// digits long) ascending order of the result is descending order of the input.
pub fn reverse_seq(seq: &str) -> String {
    seq.bytes()
        .map(|digit| match ULID_DIGITS.iter().position(|d| *d == digit) {
            Some(index) => ULID_DIGITS[31 - index] as char,
            None => digit as char,
        })
        .collect()
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
    if let Some(after) = filter.occurred_after {
        conditions.push("seq >= $from_seq".to_string());
        vars.insert("from_seq".into(), time_bound(after).into_value());
    }
    if let Some(before) = filter.occurred_before {
        conditions.push("seq < $until_seq".to_string());
        vars.insert("until_seq".into(), time_bound(before).into_value());
    }
    conditions
}

/// The smallest `seq` of a millisecond: events at or after the time sort at or after it.
fn time_bound(at: chrono::DateTime<chrono::Utc>) -> String {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    Ulid::from_parts(millis, 0).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditEventOrderField;

    fn page(after: Option<AuditCursor>) -> PageRequest<AuditCursor> {
        PageRequest { first: 50, after }
    }

    #[test]
    fn newest_first_reads_the_reversed_index_forwards_from_the_cursor() {
        let query = plan(
            &AuditEventFilter::default(),
            AuditEventOrder::default(),
            &page(Some((String::new(), "01J".into()))),
        );
        assert_eq!(
            query.statements,
            ["SELECT * FROM audit_event WHERE rseq > $cursor_key ORDER BY rseq ASC LIMIT $limit"]
        );
        assert_eq!(
            query.vars.get("cursor_key"),
            Some(&"ZYD".to_string().into_value())
        );
        assert_eq!(query.limit, 51);
    }

    #[test]
    fn reversed_seqs_sort_newest_first() {
        let (older, newer) = (
            ulid::Ulid::from_parts(1_000, 5),
            ulid::Ulid::from_parts(2_000, 1),
        );
        assert!(reverse_seq(&newer.to_string()) < reverse_seq(&older.to_string()));
    }

    #[test]
    fn a_page_sorted_by_kind_after_a_cursor_is_two_index_ranges() {
        let order = AuditEventOrder {
            field: AuditEventOrderField::Kind,
            direction: OrderDirection::Asc,
        };
        let query = plan(
            &AuditEventFilter::default(),
            order,
            &page(Some(("LOGIN_FAILED".into(), "01J".into()))),
        );
        assert_eq!(
            query.statements,
            [
                "SELECT * FROM audit_event WHERE kind = $cursor_value AND seq > $cursor_seq ORDER BY seq ASC LIMIT $limit",
                "SELECT * FROM audit_event WHERE kind > $cursor_value ORDER BY kind ASC, seq ASC LIMIT $limit",
            ]
        );
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

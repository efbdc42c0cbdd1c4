//! The audit table: appending events beside the change they describe, and reading pages.
//!
//! Event keys are ULIDs, so the record id orders events in time and a time range is a
//! key range. Pages use keyset pagination on `(sort column, id)`: a page deep in a
//! million events costs what the first page costs.

use std::collections::BTreeMap;

use surrealdb::types::{RecordId, SurrealValue, Value};
use ulid::Ulid;

use super::filter::{AuditEventFilter, AuditEventOrder};
use super::model::{AuditEvent, AuditRow};
use crate::error::{Error, Result};
use crate::graphql::pagination::PageRequest;
use crate::store::Store;

pub const TABLE: &str = "audit_event";

/// What a cursor remembers: the sort column's value (empty when sorting by time) and the id.
pub type AuditCursor = (String, String);

/// Runs `statement` and appends `event` in one transaction: both land or neither does.
/// Returns the record `statement` returned (`ONLY` statements return one or none).
pub async fn write_with_event<T: SurrealValue>(
    store: &Store,
    statement: &str,
    vars: impl surrealdb::method::IntoVariables,
    event: &AuditEvent,
) -> Result<Option<T>> {
    let row = AuditRow::from_event(event);
    let mut response = store
        .db()
        .query("BEGIN TRANSACTION")
        .query(statement)
        .query("CREATE $audit_id CONTENT $audit_row RETURN NONE")
        .query("COMMIT TRANSACTION")
        .bind(vars)
        .bind(("audit_id", row.id.clone()))
        .bind(("audit_row", row))
        .await?;
    let errors = response.take_errors();
    if let Some(error) = errors
        .values()
        .find(|e| is_duplicate(e))
        .or_else(|| errors.values().find(|e| !e.is_query()))
        .or_else(|| errors.values().next())
    {
        if is_duplicate(error) {
            return Err(Error::Conflict("it already exists".into()));
        }
        return Err(Error::from(error.clone()));
    }
    Ok(response.take(1)?)
}

/// Whether an error is a unique-index violation. SurrealDB 3.3 reports those with an
/// internal error kind, so its message is the only mark of them.
fn is_duplicate(error: &surrealdb::Error) -> bool {
    error.is_already_exists() || error.to_string().contains("already contains")
}

/// Appends an event that accompanies no other change (a failed login, a download).
pub async fn append(store: &Store, event: &AuditEvent) -> Result<()> {
    let row = AuditRow::from_event(event);
    store
        .db()
        .query("CREATE $audit_id CONTENT $audit_row RETURN NONE")
        .bind(("audit_id", row.id.clone()))
        .bind(("audit_row", row))
        .await?
        .check()?;
    Ok(())
}

/// Appends many events with one statement, so in one transaction.
pub async fn append_batch(store: &Store, events: &[AuditEvent]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let rows: Vec<AuditRow> = events.iter().map(AuditRow::from_event).collect();
    store
        .db()
        .query("INSERT INTO audit_event $audit_rows RETURN NONE")
        .bind(("audit_rows", rows))
        .await?
        .check()?;
    Ok(())
}

/// One page of events, `first + 1` long when there is a next page.
pub async fn page(
    store: &Store,
    filter: &AuditEventFilter,
    order: AuditEventOrder,
    page: &PageRequest<AuditCursor>,
) -> Result<Vec<AuditEvent>> {
    let mut conditions: Vec<String> = Vec::new();
    let mut vars: BTreeMap<String, Value> = BTreeMap::new();
    let mut bind = |name: &str, value: Value| {
        vars.insert(name.to_string(), value);
    };
    if let Some(kinds) = &filter.kinds {
        conditions.push("kind IN $kinds".into());
        bind("kinds", kinds.clone().into_value());
    }
    if let Some(actor) = &filter.actor {
        conditions.push("actor.name = $actor".into());
        bind("actor", actor.clone().into_value());
    }
    for (column, value) in [
        ("stack_id", &filter.stack_id),
        ("server_id", &filter.server_id),
        ("app_id", &filter.app_id),
    ] {
        if let Some(value) = value {
            conditions.push(format!("{column} = ${column}"));
            bind(column, value.to_string().into_value());
        }
    }
    if let Some(after) = filter.occurred_after {
        conditions.push("id >= $from_id".into());
        bind("from_id", time_bound(after).into_value());
    }
    if let Some(before) = filter.occurred_before {
        conditions.push("id < $until_id".into());
        bind("until_id", time_bound(before).into_value());
    }
    let direction = order.direction;
    let cmp = direction.after_operator();
    if let Some((value, id)) = &page.after {
        conditions.push(match order.field.column() {
            None => format!("id {cmp} $cursor_id"),
            Some(column) => format!(
                "({column} {cmp} $cursor_value OR ({column} = $cursor_value AND id {cmp} $cursor_id))"
            ),
        });
        bind("cursor_value", value.clone().into_value());
        bind("cursor_id", RecordId::new(TABLE, id.clone()).into_value());
    }
    bind("limit", ((page.first + 1) as i64).into_value());
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let dir = direction.keyword();
    let order_clause = match order.field.column() {
        None => format!("ORDER BY id {dir}"),
        Some(column) => format!("ORDER BY {column} {dir}, id {dir}"),
    };
    // Only fixed column names and keywords are formatted in; every value is bound.
    let statement = format!("SELECT * FROM {TABLE} {where_clause} {order_clause} LIMIT $limit");
    let mut response = store.db().query(statement).bind(vars).await?;
    let rows: Vec<AuditRow> = response.take(0)?;
    Ok(rows.into_iter().map(AuditRow::into_event).collect())
}

/// The cursor of an event under an order.
pub fn cursor_of(event: &AuditEvent, order: AuditEventOrder) -> AuditCursor {
    let value = match order.field.column() {
        None => String::new(),
        Some("kind") => event.kind.as_str().to_string(),
        Some("stack_id") => event
            .stack_id
            .as_ref()
            .map(|id| id.to_string())
            .unwrap_or_default(),
        Some(_) => event
            .server_id
            .as_ref()
            .map(|id| id.to_string())
            .unwrap_or_default(),
    };
    (value, event.id.to_string())
}

/// The smallest event id at a time: ids at or after it were made at or after the time.
fn time_bound(at: chrono::DateTime<chrono::Utc>) -> RecordId {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    RecordId::new(TABLE, Ulid::from_parts(millis, 0).to_string())
}

//! The audit table: appending events beside the change they describe, and reading pages.
//!
//! Event keys are ULIDs, so the record id orders events in time and a time range is a
//! key range. Pages use keyset pagination on `(sort column, id)`: a page deep in a
//! million events costs what the first page costs.

use surrealdb::types::SurrealValue;

use super::filter::{AuditEventFilter, AuditEventOrder, AuditEventOrderField};
use super::model::{AuditEvent, AuditRow};
use crate::error::{Error, Result};
use crate::store::page::PageRequest;
use crate::store::{Store, is_duplicate};

pub const TABLE: &str = "audit_event";

/// What a cursor remembers: the sort column's value (empty when sorting by time) and the id.
pub type AuditCursor = (String, String);

/// Runs `statement` and appends `event` in one transaction: both land or neither does.
/// Returns the record `statement` returned (`ONLY` statements return one or none).
/// A write that conflicts with another transaction (a token's last use recorded while
/// it is revoked) is run again (see [`CONFLICT_ATTEMPTS`]).
#[tracing::instrument(level = "debug", skip_all, fields(kind = event.kind.as_str()))]
pub async fn write_with_event<T: SurrealValue>(
    store: &Store,
    statement: &str,
    vars: impl surrealdb::method::IntoVariables + Clone,
    event: &AuditEvent,
) -> Result<Option<T>> {
    let row = AuditRow::from_event(event);
    let (mut response, errors) = store
        .transaction(
            &[statement, "CREATE $audit_id CONTENT $audit_row RETURN NONE"],
            |query| {
                query
                    .bind(vars.clone())
                    .bind(("audit_id", row.id.clone()))
                    .bind(("audit_row", row.clone()))
            },
        )
        .await?;
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

/// Appends an event that accompanies no other change (a failed login, a download).
#[tracing::instrument(level = "debug", skip_all, fields(kind = event.kind.as_str()))]
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
#[tracing::instrument(level = "debug", skip_all, fields(events = events.len()))]
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
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page(
    store: &Store,
    filter: &AuditEventFilter,
    order: AuditEventOrder,
    page: &PageRequest<AuditCursor>,
) -> Result<Vec<AuditEvent>> {
    let plan = super::query::plan(filter, order, page);
    let mut query = store.db().query(plan.statements.join(";\n"));
    query = query.bind(plan.vars);
    let mut response = query.await?;
    let mut rows: Vec<AuditRow> = Vec::with_capacity(plan.limit);
    for index in 0..plan.statements.len() {
        let part: Vec<AuditRow> = response.take(index)?;
        rows.extend(part);
    }
    rows.truncate(plan.limit);
    Ok(rows.into_iter().map(AuditRow::into_event).collect())
}

/// The cursor of an event under an order: the sorted column's value (empty when
/// sorting by time) and the event's id.
pub fn cursor_of(event: &AuditEvent, order: AuditEventOrder) -> AuditCursor {
    let id_or_empty =
        |id: &Option<async_graphql::ID>| id.as_ref().map(|id| id.to_string()).unwrap_or_default();
    let value = match order.field {
        AuditEventOrderField::OccurredAt => String::new(),
        AuditEventOrderField::Kind => event.kind.as_str().to_string(),
        AuditEventOrderField::Stack => id_or_empty(&event.stack_id),
        AuditEventOrderField::Server => id_or_empty(&event.server_id),
    };
    (value, event.id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::model::Actor;
    use crate::audit::{AuditKind, AuditLog};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_to_one_record_all_land_with_their_events() {
        let store = Store::in_memory().await;
        store
            .db()
            .query("CREATE counter:one SET n = 0")
            .await
            .expect("counter")
            .check()
            .expect("counter");
        let audit = AuditLog::new(store.clone(), crate::bus::Bus::new());
        let writers = (0..16).map(|_| {
            let (store, event) = (
                store.clone(),
                audit.event(AuditKind::UserUpdated, &Actor::system(), "count"),
            );
            tokio::spawn(async move {
                write_with_event::<serde_json::Value>(
                    &store,
                    "UPDATE counter:one SET n += $step RETURN NONE",
                    ("step", 1),
                    &event,
                )
                .await
            })
        });
        for writer in futures::future::join_all(writers).await {
            writer.expect("task").expect("every write lands");
        }
        let mut counted = store
            .db()
            .query("RETURN counter:one.n; RETURN count(SELECT id FROM audit_event)")
            .await
            .expect("read");
        let n: Option<i64> = counted.take(0).expect("n");
        let events: Option<i64> = counted.take(1).expect("events");
        assert_eq!((n, events), (Some(16), Some(16)));
    }
}

//! The audit table: appending events beside the change they describe, and reading pages.
//!
//! Event keys are ULIDs, so the record id orders events in time and a time range is a
//! key range. Pages use keyset pagination on `(sort column, id)`: a page deep in a
//! million events costs what the first page costs.

use surrealdb::types::SurrealValue;

use super::filter::{AuditEventFilter, AuditEventOrder, AuditEventOrderField};
use super::model::{AuditEvent, AuditRow};
use crate::error::{Error, Result};
use crate::graphql::pagination::PageRequest;
use crate::store::Store;

pub const TABLE: &str = "audit_event";

/// What a cursor remembers: the sort column's value (empty when sorting by time) and the id.
pub type AuditCursor = (String, String);

/// How often a write that lost a race with a concurrent transaction is tried again.
const CONFLICT_ATTEMPTS: u32 = 10;

/// Runs `statement` and appends `event` in one transaction: both land or neither does.
/// Returns the record `statement` returned (`ONLY` statements return one or none).
///
/// The store is optimistic: a transaction that touched a record another one changed
/// meanwhile (a token's last use recorded while it is revoked) fails as a conflict
/// having changed nothing. Such a write is simply run again, a few times, before
/// its failure reaches the user.
pub async fn write_with_event<T: SurrealValue>(
    store: &Store,
    statement: &str,
    vars: impl surrealdb::method::IntoVariables + Clone,
    event: &AuditEvent,
) -> Result<Option<T>> {
    let row = AuditRow::from_event(event);
    let mut attempt = 1;
    loop {
        let mut response = store
            .db()
            .query("BEGIN TRANSACTION")
            .query(statement)
            .query("CREATE $audit_id CONTENT $audit_row RETURN NONE")
            .query("COMMIT TRANSACTION")
            .bind(vars.clone())
            .bind(("audit_id", row.id.clone()))
            .bind(("audit_row", row.clone()))
            .await?;
        let errors = response.take_errors();
        if attempt < CONFLICT_ATTEMPTS && errors.values().any(is_conflict) {
            tracing::debug!(
                attempt,
                "a write conflicted with another transaction; retrying"
            );
            // A random pause, growing with each attempt, keeps racing writers from
            // meeting again.
            let pause = rand::random_range(1..=u64::from(attempt) * 4);
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            attempt += 1;
            continue;
        }
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
        return Ok(response.take(1)?);
    }
}

fn is_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&surrealdb::types::QueryError::TransactionConflict)
}

/// Whether an error is a unique-index violation. SurrealDB 3.3 reports those with an
/// internal error kind, so its message is the only mark of them.
pub fn is_duplicate(error: &surrealdb::Error) -> bool {
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
    use crate::store::StoreAddress;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_to_one_record_all_land_with_their_events() {
        let address = StoreAddress {
            url: "mem://".into(),
            namespace: "test".into(),
            database: "test".into(),
            credentials: None,
            newest_backup: None,
        };
        let store = Store::connect(&address).await.expect("store");
        store.prepare().await.expect("schema");
        store
            .db()
            .query("CREATE counter:one SET n = 0")
            .await
            .expect("counter")
            .check()
            .expect("counter");
        let audit = AuditLog::new(store.clone());
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

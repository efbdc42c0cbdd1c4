//! The audit log: every creation, change, trigger and manual action, with who did it.
//!
//! Other domains describe their change as an [`AuditEvent`] and hand it to
//! [`AuditLog::write`] together with the statement that makes the change, so the change
//! and its record commit in one transaction. Committed events are also published live.

mod filter;
pub mod graphql;
mod model;
mod query;
mod store;

use std::sync::{Arc, Mutex};

use async_graphql::{ID, Json};
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

pub use filter::{AuditEventFilter, AuditEventOrder, AuditEventOrderField};
pub use model::{
    Actor, ActorKind, AuditDiff, AuditEvent, AuditKind, AuditSubject, AuditSubjectType,
};

use crate::bus::{Bus, Topic};
use crate::error::Result;
use crate::store::Store;
use crate::store::page::PageRequest;

/// Committed events, as `auditEventAdded` follows them; shared, not copied, per subscriber.
impl Topic for Arc<AuditEvent> {
    const NAME: &'static str = "audit events";
}

/// Writes, reads and publishes audit events.
#[derive(Clone)]
pub struct AuditLog {
    store: Store,
    bus: Bus,
    ids: Arc<Mutex<ulid::Generator>>,
}

impl AuditLog {
    pub fn new(store: Store, bus: Bus) -> AuditLog {
        AuditLog {
            store,
            bus,
            ids: Arc::new(Mutex::new(ulid::Generator::new())),
        }
    }

    /// Starts an event with a fresh, time-ordered id and the current time. The id is made
    /// from the same millisecond as `occurred_at`, so time filters are key ranges.
    pub fn event(&self, kind: AuditKind, actor: &Actor, summary: impl Into<String>) -> AuditEvent {
        let now = std::time::SystemTime::now();
        let id = self
            .ids
            .lock()
            .ok()
            .and_then(|mut generator| generator.generate_from_datetime(now).ok())
            .unwrap_or_else(|| ulid::Ulid::from_datetime(now));
        let occurred_at = DateTime::<Utc>::from_timestamp_millis(id.timestamp_ms() as i64)
            .unwrap_or_else(Utc::now);
        AuditEvent {
            id: ID(id.to_string()),
            occurred_at,
            kind,
            actor: actor.clone(),
            summary: summary.into(),
            subject: None,
            stack_id: None,
            server_id: None,
            app_id: None,
            diff: None,
        }
    }

    /// Runs `statement` and records `event` atomically, then publishes the event.
    /// `vars` are bound as SurrealDB binds them: one `(name, value)` pair, or a flat
    /// tuple of pairs such as `("id", id, "row", row)`.
    pub async fn write<T: SurrealValue>(
        &self,
        statement: &str,
        vars: impl surrealdb::method::IntoVariables + Clone,
        event: AuditEvent,
    ) -> Result<Option<T>> {
        let result = store::write_with_event(&self.store, statement, vars, &event).await?;
        self.publish(event);
        Ok(result)
    }

    /// Records an event that accompanies no other change, then publishes it.
    pub async fn append(&self, event: AuditEvent) -> Result<()> {
        store::append(&self.store, &event).await?;
        self.publish(event);
        Ok(())
    }

    /// Records many events in one transaction, for bulk imports and benchmarks: all land
    /// or none does. The events are NOT published: live subscribers see only events as
    /// they happen, never a backfill.
    pub async fn append_batch(&self, events: &[AuditEvent]) -> Result<()> {
        store::append_batch(&self.store, events).await
    }

    fn publish(&self, event: AuditEvent) {
        self.bus.publish(Arc::new(event));
    }

    /// The statements and bound values one page runs, for `EXPLAIN` when diagnosing
    /// (the foundation benchmark prints them).
    pub fn statements_for(
        &self,
        filter: &AuditEventFilter,
        order: AuditEventOrder,
        page: &PageRequest<store::AuditCursor>,
    ) -> (
        Vec<String>,
        std::collections::BTreeMap<String, surrealdb::types::Value>,
    ) {
        let plan = query::plan(filter, order, page);
        (plan.statements, plan.vars)
    }

    /// One page of the log.
    pub async fn page(
        &self,
        filter: &AuditEventFilter,
        order: AuditEventOrder,
        page: &PageRequest<store::AuditCursor>,
    ) -> Result<Vec<AuditEvent>> {
        store::page(&self.store, filter, order, page).await
    }
}

impl AuditEvent {
    /// Names the thing the event is about.
    pub fn about(mut self, kind: AuditSubjectType, id: Option<&str>, name: Option<&str>) -> Self {
        self.subject = Some(AuditSubject {
            kind,
            id: id.map(|id| ID(id.to_string())),
            name: name.map(str::to_string),
        });
        self
    }

    /// Files the event under a server, for the log's server filter and sort.
    pub fn on_server(mut self, server_id: &str) -> Self {
        self.server_id = Some(ID(server_id.to_string()));
        self
    }

    /// Files the event under a stack, for the log's stack filter and sort.
    pub fn on_stack(mut self, stack_id: &str) -> Self {
        self.stack_id = Some(ID(stack_id.to_string()));
        self
    }

    /// Files the event under an app, for the log's app filter.
    pub fn on_app(mut self, app_id: &str) -> Self {
        self.app_id = Some(ID(app_id.to_string()));
        self
    }

    /// Attaches the object as it was and as it is now.
    pub fn with_diff(
        mut self,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Self {
        self.diff = Some(AuditDiff {
            before: before.map(Json),
            after: after.map(Json),
        });
        self
    }
}

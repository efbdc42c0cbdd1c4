//! Which audit events a page or a subscription wants, and in which order.

use async_graphql::{Enum, ID, InputObject};
use chrono::{DateTime, Utc};

use super::model::{AuditEvent, AuditKind};
use crate::error::{Error, Result};
use crate::store::page::OrderDirection;

/// Narrows the audit log; every given condition must hold.
#[derive(Debug, Clone, Default, InputObject)]
pub struct AuditEventFilter {
    /// Any of these kinds.
    pub kinds: Option<Vec<AuditKind>>,
    /// The actor's name, exactly (a username, `system`, or a webhook's name).
    pub actor: Option<String>,
    pub stack_id: Option<ID>,
    pub server_id: Option<ID>,
    pub app_id: Option<ID>,
    /// Events at or after this time.
    pub occurred_after: Option<DateTime<Utc>>,
    /// Events strictly before this time.
    pub occurred_before: Option<DateTime<Utc>>,
}

impl AuditEventFilter {
    /// Whether the filter pins a column (kind, actor, stack, server, app) whose index
    /// the page can seek on.
    pub fn narrows_by_column(&self) -> bool {
        self.kinds.is_some()
            || self.actor.is_some()
            || self.stack_id.is_some()
            || self.server_id.is_some()
            || self.app_id.is_some()
    }

    /// Rejects filters that can match nothing by mistake, naming the field at fault.
    pub fn validate(&self, path: &str) -> Result<()> {
        if let Some(kinds) = &self.kinds
            && kinds.is_empty()
        {
            return Err(Error::bad_input(
                &[path, "kinds"],
                "kinds must name at least one kind, or be left out",
            ));
        }
        if let (Some(after), Some(before)) = (self.occurred_after, self.occurred_before)
            && after >= before
        {
            return Err(Error::bad_input(
                &[path, "occurredBefore"],
                "occurredBefore must be later than occurredAfter",
            ));
        }
        Ok(())
    }

    /// Whether a live event belongs in this filter's view.
    pub fn matches(&self, event: &AuditEvent) -> bool {
        let same = |wanted: &Option<ID>, actual: &Option<ID>| {
            wanted.is_none() || wanted.as_ref() == actual.as_ref()
        };
        self.kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&event.kind))
            && self
                .actor
                .as_ref()
                .is_none_or(|actor| *actor == event.actor.name)
            && same(&self.stack_id, &event.stack_id)
            && same(&self.server_id, &event.server_id)
            && same(&self.app_id, &event.app_id)
            && self
                .occurred_after
                .is_none_or(|after| event.occurred_at >= after)
            && self
                .occurred_before
                .is_none_or(|before| event.occurred_at < before)
    }
}

/// The column an audit page is sorted by; ties are broken by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum AuditEventOrderField {
    #[default]
    OccurredAt,
    Kind,
    Stack,
    Server,
}

/// How to sort the audit log: newest first unless told otherwise.
#[derive(Debug, Clone, Copy, InputObject)]
pub struct AuditEventOrder {
    #[graphql(default)]
    pub field: AuditEventOrderField,
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl Default for AuditEventOrder {
    fn default() -> Self {
        AuditEventOrder {
            field: AuditEventOrderField::OccurredAt,
            direction: OrderDirection::Desc,
        }
    }
}

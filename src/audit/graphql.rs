//! The audit log in GraphQL: a paged, filtered, sorted connection and a live feed.

use async_graphql::connection::Connection;
use std::sync::Arc;

use async_graphql::{ComplexObject, Context, ErrorExtensions, Object, Subscription};
use futures::{Stream, StreamExt};

use super::filter::{AuditEventFilter, AuditEventOrder};
use super::model::AuditEvent;
use super::store;
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::servers::Server;
use crate::stacks::Stack;
use crate::store::page::PageRequest;
use crate::users::Role;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Every recorded action, newest first unless `orderBy` says otherwise.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        filter: Option<AuditEventFilter>,
        order_by: Option<AuditEventOrder>,
    ) -> Result<Connection<String, AuditEvent>> {
        ctx.require(Role::Viewer)?;
        let filter = filter.unwrap_or_default();
        filter.validate("filter")?;
        let order = order_by.unwrap_or_default();
        let page = PageRequest::parse(first, after)?;
        let events = ctx.state().audit.page(&filter, order, &page).await?;
        Ok(pagination::connection(events, &page, |event| {
            store::cursor_of(event, order)
        }))
    }
}

#[ComplexObject]
impl AuditEvent {
    /// The server the event is filed under, if any (and not since removed).
    async fn server(&self, ctx: &Context<'_>) -> Result<Option<Arc<Server>>> {
        related(
            &ctx.loaders().servers,
            self.server_id.as_ref().map(|id| id.as_str()),
        )
        .await
    }

    /// The stack the event is filed under, if any (and not since deleted).
    async fn stack(&self, ctx: &Context<'_>) -> Result<Option<Arc<Stack>>> {
        related(
            &ctx.loaders().stacks,
            self.stack_id.as_ref().map(|id| id.as_str()),
        )
        .await
    }
}

#[derive(Default)]
pub struct AuditSubscription;

#[Subscription]
impl AuditSubscription {
    /// Each new audit event that matches `filter`, as it is committed. A subscriber that
    /// falls too far behind gets one `LAGGED` error saying how many it missed, then goes on.
    async fn audit_event_added(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditEventFilter>,
    ) -> Result<impl Stream<Item = async_graphql::Result<AuditEvent>> + use<>> {
        ctx.require(Role::Viewer)?;
        let filter = filter.unwrap_or_default();
        filter.validate("filter")?;
        let live = ctx
            .state()
            .bus
            .subscribe::<Arc<AuditEvent>>()
            .stream_where(move |event| filter.matches(event));
        Ok(live.map(|item| {
            item.map(|event| AuditEvent::clone(&event))
                .map_err(|error| error.extend())
        }))
    }
}

//! Probes in GraphQL: the list with live state, registration, revocation, deletion and
//! the live feed of changes.

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ErrorExtensions, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use futures::Stream;

use super::{
    DeleteProbeInput, Probe, ProbeChange, ProbeFilter, RegisterProbeInput, RegisteredProbe,
    Requester, RevokeProbeInput,
};
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::store::page::PageRequest;
use crate::users::{Role, User};

#[derive(Default)]
pub struct ProbesQuery;

#[Object]
impl ProbesQuery {
    /// Probes in the order they were registered (revoked ones only when asked).
    async fn probes(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProbeFilter>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, Probe>> {
        ctx.require(Role::Viewer)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let probes = ctx
            .state()
            .probes
            .list(
                &filter.unwrap_or_default(),
                page.after.clone(),
                page.first + 1,
            )
            .await?;
        Ok(pagination::connection(probes, &page, |probe| {
            probe.id.0.clone()
        }))
    }

    async fn probe(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Probe>> {
        ctx.require(Role::Viewer)?;
        ctx.state().probes.get(&id).await
    }
}

#[ComplexObject]
impl Probe {
    /// Results it delivered, each counted once.
    async fn results_delivered(&self, ctx: &Context<'_>) -> Result<i64> {
        let delivered = ctx.loaders().probe_deliveries.load_one(self.id.0.clone());
        Ok(delivered.await?.unwrap_or(0))
    }

    /// The user who registered it.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        related(&ctx.loaders().users, Some(&self.owner_id)).await
    }

    /// Whether it is connected now.
    async fn connected(&self, ctx: &Context<'_>) -> bool {
        ctx.state().probes.live().get(&self.id).is_some()
    }

    /// How many assignments it runs at once, as it last said; absent before it first
    /// connected.
    async fn capacity(&self, ctx: &Context<'_>) -> Option<i32> {
        match ctx.state().probes.live().get(&self.id) {
            Some(connected) => Some(connected.capacity as i32),
            None => self.stored_capacity,
        }
    }

    /// How many assignments it holds now (at most its capacity); 0 when disconnected.
    async fn in_use(&self, ctx: &Context<'_>) -> i32 {
        ctx.state()
            .probes
            .live()
            .get(&self.id)
            .map_or(0, |connected| connected.in_use() as i32)
    }

    /// When monitor last heard from it: now while it is connected.
    async fn last_seen_at(&self, ctx: &Context<'_>) -> Option<DateTime<Utc>> {
        match ctx.state().probes.live().get(&self.id) {
            Some(_) => Some(Utc::now()),
            None => self.stored_last_seen_at,
        }
    }

    /// Since when it is connected, while it is.
    async fn connected_since(&self, ctx: &Context<'_>) -> Option<DateTime<Utc>> {
        ctx.state()
            .probes
            .live()
            .get(&self.id)
            .map(|connected| connected.connected_at)
    }
}

#[derive(Default)]
pub struct ProbesMutation;

#[Object]
impl ProbesMutation {
    /// Registers a probe owned by the caller; the answer holds its token, shown once.
    async fn register_probe(
        &self,
        ctx: &Context<'_>,
        input: RegisterProbeInput,
    ) -> Result<RegisteredProbe> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state()
            .probes
            .register(&principal.actor(), &principal.user_id, input)
            .await
    }

    /// Revokes a probe's token: it is disconnected now and cannot connect again.
    async fn revoke_probe(&self, ctx: &Context<'_>, input: RevokeProbeInput) -> Result<Probe> {
        let requester = Requester::of(ctx.require(Role::Operator)?);
        ctx.state().probes.revoke(&requester, &input.id).await
    }

    /// Deletes a probe (its results stay); returns it as it was.
    async fn delete_probe(&self, ctx: &Context<'_>, input: DeleteProbeInput) -> Result<Probe> {
        let requester = Requester::of(ctx.require(Role::Operator)?);
        ctx.state().probes.delete(&requester, &input.id).await
    }
}

#[derive(Default)]
pub struct ProbesSubscription;

#[Subscription]
impl ProbesSubscription {
    /// A probe each time it is registered, connects, disconnects, its load changes, or
    /// it is revoked or deleted (then it comes as it was last stored, or `null` once
    /// deleted). With `id`, only that probe.
    async fn probe_updated(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
    ) -> Result<impl Stream<Item = async_graphql::Result<ProbeUpdate>> + use<>> {
        ctx.require(Role::Viewer)?;
        let state = ctx.state().clone();
        let changes = state
            .bus
            .subscribe::<ProbeChange>()
            .stream_where(move |change| id.as_ref().is_none_or(|id| id.0 == change.probe_id));
        Ok(futures::StreamExt::then(changes, move |change| {
            let probes = state.probes.clone();
            async move {
                let update = async {
                    let change = change?;
                    let probe = probes.get(&change.probe_id).await?;
                    Ok(ProbeUpdate {
                        probe_id: ID(change.probe_id),
                        probe,
                    })
                };
                update
                    .await
                    .map_err(|error: crate::error::Error| error.extend())
            }
        }))
    }
}

/// A change to one probe.
#[derive(async_graphql::SimpleObject)]
pub struct ProbeUpdate {
    pub probe_id: ID,
    /// The probe now; `null` once it is deleted.
    pub probe: Option<Probe>,
}

//! Credits in GraphQL: balances and the ledger (one's own; anyone's for an admin), live
//! as movements are made, and grants by admins.

use async_graphql::connection::Connection;
use async_graphql::{
    ComplexObject, Context, ErrorExtensions, ID, Object, SimpleObject, Subscription,
};
use futures::{Stream, StreamExt};

use super::{CreditBalance, CreditEntry, GrantCreditsInput};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::store::page::PageRequest;
use crate::users::{Role, User};

#[derive(Default)]
pub struct CreditsQuery;

/// The user asked about: the caller when left out; another user only for an admin.
fn whose(principal: &Principal, user_id: Option<ID>) -> Result<String> {
    match user_id {
        Some(id) if id.0 != principal.user_id && principal.role < Role::Admin => Err(
            Error::Forbidden("only an admin reads another user's credits".into()),
        ),
        Some(id) => Ok(id.0),
        None => Ok(principal.user_id.clone()),
    }
}

#[Object]
impl CreditsQuery {
    /// A user's balance: the caller's when `userId` is left out.
    async fn credits(&self, ctx: &Context<'_>, user_id: Option<ID>) -> Result<CreditBalance> {
        let user_id = whose(ctx.require(Role::Viewer)?, user_id)?;
        ctx.state().credits.balance(&user_id).await
    }

    /// A user's credit movements, newest first: the caller's when `userId` is left out.
    /// Their amounts always add up to the balance.
    async fn credit_ledger(
        &self,
        ctx: &Context<'_>,
        user_id: Option<ID>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, CreditEntry>> {
        let user_id = whose(ctx.require(Role::Viewer)?, user_id)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let entries = ctx
            .state()
            .credits
            .ledger(&user_id, page.after.as_deref(), page.first + 1)
            .await?;
        Ok(pagination::connection(entries, &page, |entry| {
            entry.id.0.clone()
        }))
    }
}

#[ComplexObject]
impl CreditEntry {
    /// Whose credits moved.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        related(&ctx.loaders().users, Some(&self.user_id)).await
    }
}

#[derive(Default)]
pub struct CreditsMutation;

#[Object]
impl CreditsMutation {
    /// Gives a user credits (admins only); the user's balance after it.
    async fn grant_credits(
        &self,
        ctx: &Context<'_>,
        input: GrantCreditsInput,
    ) -> Result<CreditBalance> {
        let principal = ctx.require(Role::Admin)?;
        let state = ctx.state();
        if state.users.get(&input.user_id).await?.is_none() {
            return Err(Error::bad_input(
                &["input", "userId"],
                format!("user {} does not exist", input.user_id.as_str()),
            ));
        }
        state.credits.grant(&principal.actor(), input).await
    }
}

/// A user's balance, as it was when the subscription started or as a movement left it.
#[derive(Debug, Clone, SimpleObject)]
pub struct CreditBalanceChange {
    pub user_id: ID,
    pub balance: i64,
    /// The movement that changed it; `null` in the first item, the balance when
    /// subscribed.
    pub entry: Option<CreditEntry>,
}

#[derive(Default)]
pub struct CreditsSubscription;

#[Subscription]
impl CreditsSubscription {
    /// A user's balance now, then again after each movement of it (a grant, a
    /// measurement's reservation or the release of what it did not use, a probe's
    /// earning): the caller's when `userId` is left out. A subscriber that falls behind
    /// gets a `LAGGED` error and goes on (`creditLedger` has every movement).
    async fn credits_changed(
        &self,
        ctx: &Context<'_>,
        user_id: Option<ID>,
    ) -> Result<impl Stream<Item = async_graphql::Result<CreditBalanceChange>> + use<>> {
        let user_id = whose(ctx.require(Role::Viewer)?, user_id)?;
        let state = ctx.state();
        // Subscribed before the balance is read, so no movement falls between the two.
        let subscriber = state.bus.subscribe::<CreditEntry>();
        let now = state.credits.balance(&user_id).await?;
        let first = CreditBalanceChange {
            user_id: now.user_id,
            balance: now.balance,
            entry: None,
        };
        let changes = subscriber
            .stream_where(move |entry| entry.user_id == user_id)
            .map(|entry| {
                entry
                    .map(|entry| CreditBalanceChange {
                        user_id: ID(entry.user_id.clone()),
                        balance: entry.balance_after,
                        entry: Some(entry),
                    })
                    .map_err(|error| error.extend())
            });
        Ok(futures::stream::once(async { Ok(first) }).chain(changes))
    }
}

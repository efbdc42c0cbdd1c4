//! The `health` query, which the gate (`graphql::guard`) leaves open to callers
//! without a token.

use async_graphql::{Context, Object};

use super::{Health, check_all};
use crate::graphql::context::ContextExt;

#[derive(Default)]
pub struct HealthQuery;

#[Object]
impl HealthQuery {
    /// Overall status and one entry per component. Needs no token, so that monitoring
    /// can watch monitor.
    async fn health(&self, ctx: &Context<'_>) -> Health {
        check_all(ctx.state()).await
    }
}

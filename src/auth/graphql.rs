//! Authentication in GraphQL: login, and the viewer's API tokens.

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Object};

use super::{
    ApiToken, ChangePasswordInput, CreateApiTokenInput, CreatedApiToken, LoginInput, LoginPayload,
    RevokeApiTokenInput,
};
use crate::error::{Error, Result};
use crate::graphql::context::{ClientAddress, ContextExt};
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::store::page::PageRequest;
use crate::users::{Role, User};

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The viewer's own API tokens, revoked ones included, oldest first.
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, ApiToken>> {
        let principal = ctx.require(Role::Viewer)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let tokens = ctx
            .state()
            .auth
            .api_tokens_of(&principal.user_id, page.after.as_deref(), page.first + 1)
            .await?;
        Ok(pagination::connection(tokens, &page, |token| {
            token.id.0.clone()
        }))
    }
}

#[ComplexObject]
impl ApiToken {
    async fn owner(&self, ctx: &Context<'_>) -> Result<User> {
        related(&ctx.loaders().users, Some(&self.owner_id))
            .await?
            .ok_or(Error::NotFound {
                what: "user",
                id: self.owner_id.clone(),
            })
    }
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Opens a session. Needs no token; attempts are limited per username and address.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> Result<LoginPayload> {
        let client = ctx
            .data_opt::<ClientAddress>()
            .and_then(|address| address.0);
        ctx.state().auth.login(input, client).await
    }

    /// Changes the viewer's own password, given the current one; attempts are limited
    /// like logins. Ends the viewer's other sessions; API tokens keep working.
    async fn change_password(&self, ctx: &Context<'_>, input: ChangePasswordInput) -> Result<User> {
        let principal = ctx.require(Role::Viewer)?;
        let client = ctx
            .data_opt::<ClientAddress>()
            .and_then(|address| address.0);
        ctx.state()
            .auth
            .change_password(principal, input, client)
            .await
    }

    /// A token for scripts, acting as the viewer. Its text is returned only here.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> Result<CreatedApiToken> {
        let principal = ctx.require(Role::Viewer)?;
        ctx.state().auth.create_api_token(principal, input).await
    }

    /// Stops a token from working, at once. Revoking a revoked token changes nothing.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiTokenInput,
    ) -> Result<ApiToken> {
        let principal = ctx.require(Role::Viewer)?;
        ctx.state().auth.revoke(principal, &input.id).await
    }
}

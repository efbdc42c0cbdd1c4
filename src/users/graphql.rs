//! Users in GraphQL: the viewer for everyone, the user list and changes for admins.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};

use super::{CreateUserInput, DeleteUserInput, Role, UpdateUserInput, User};
use crate::error::{Error, Result};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination;
use crate::store::page::PageRequest;

#[derive(Default)]
pub struct UsersQuery;

#[Object]
impl UsersQuery {
    /// The user the request's token belongs to.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<User> {
        let principal = ctx.require(Role::Viewer)?;
        ctx.state()
            .users
            .get(&principal.user_id)
            .await?
            .ok_or(Error::Unauthenticated("the token's user no longer exists"))
    }

    /// Every user, in the order they were created.
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, User>> {
        ctx.require(Role::Admin)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let users = ctx
            .state()
            .users
            .list(page.after.as_deref(), page.first + 1)
            .await?;
        Ok(pagination::connection(users, &page, |user| {
            user.id.0.clone()
        }))
    }

    async fn user(&self, ctx: &Context<'_>, id: ID) -> Result<Option<User>> {
        ctx.require(Role::Admin)?;
        ctx.state().users.get(&id).await
    }
}

#[derive(Default)]
pub struct UsersMutation;

#[Object]
impl UsersMutation {
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> Result<User> {
        let principal = ctx.require(Role::Admin)?;
        ctx.state().users.create(&principal.actor(), input).await
    }

    /// Changes a user's name, password or role. A password change signs the user out
    /// of every session.
    async fn update_user(&self, ctx: &Context<'_>, input: UpdateUserInput) -> Result<User> {
        let principal = ctx.require(Role::Admin)?;
        let password_changed = input.password.is_some();
        let id = input.id.to_string();
        let user = ctx.state().users.update(&principal.actor(), input).await?;
        if password_changed {
            ctx.state().auth.end_sessions_of(&id).await?;
        }
        ctx.state().auth.access_changed(&id);
        Ok(user)
    }

    /// Removes a user and every token they hold; returns the user as it was.
    async fn delete_user(&self, ctx: &Context<'_>, input: DeleteUserInput) -> Result<User> {
        let principal = ctx.require(Role::Admin)?;
        let id = input.id.to_string();
        let user = ctx.state().users.delete(&principal.actor(), input).await?;
        ctx.state().auth.remove_tokens_of(&id).await?;
        Ok(user)
    }
}

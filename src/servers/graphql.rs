//! Servers in GraphQL: the list with live state, and changes for admins.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ContextSelectionSet, ID, Object, Value};

use super::{CreateServerInput, DeleteServerInput, Server, ServerState, UpdateServerInput};
use crate::containers::{Container, ContainerFilter};
use crate::error::Result;
use crate::graphql::at_hand::{AtHand, enumerated, once_per_pass, optional, scalar};
use crate::graphql::context::ContextExt;
use crate::graphql::pagination;
use crate::state::AppState;
use crate::store::page::PageRequest;
use crate::users::Role;

#[derive(Default)]
pub struct ServersQuery;

#[Object]
impl ServersQuery {
    /// Every server, in the order they were added. Read from memory, which every
    /// change made through monitor updates before it answers: a change shows in the
    /// next read.
    async fn servers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, Arc<Server>>> {
        ctx.require(Role::Viewer)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let servers = ctx
            .state()
            .servers
            .list(page.after.as_deref(), page.first + 1)
            .await?;
        Ok(pagination::connection(servers, &page, |server| {
            server.id.0.clone()
        }))
    }

    async fn server(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Arc<Server>>> {
        ctx.require(Role::Viewer)?;
        ctx.state().servers.get(&id).await
    }
}

impl AtHand for Server {
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value> {
        Some(match name {
            "id" => scalar(&self.id),
            "name" => scalar(&self.name),
            "endpoint" => scalar(&self.endpoint),
            "hasAgentToken" => scalar(&self.has_agent_token),
            "rootDirectory" => optional(&self.root_directory),
            "createdAt" => scalar(&self.created_at),
            "updatedAt" => scalar(&self.updated_at),
            "state" => {
                let state = once_per_pass("server state", &self.id, || {
                    Some(inner.data_opt::<AppState>()?.servers.state_of(&self.id))
                });
                match state.as_ref().as_ref()? {
                    Some(state) => state.answer(inner)?,
                    None => ServerState::connecting().answer(inner)?,
                }
            }
            _ => return None,
        })
    }
}

impl AtHand for ServerState {
    fn field(&self, name: &str, _inner: &ContextSelectionSet<'_>) -> Option<Value> {
        Some(match name {
            "reachability" => enumerated(self.reachability),
            "dockerVersion" => optional(&self.docker_version),
            "dockerApiVersion" => optional(&self.docker_api_version),
            "operatingSystem" => optional(&self.operating_system),
            "lastContactAt" => optional(&self.last_contact_at),
            "lastError" => optional(&self.last_error),
            "checkedAt" => optional(&self.checked_at),
            _ => return None,
        })
    }
}

#[ComplexObject]
impl Server {
    /// What monitor last saw of this server (refreshed in the background).
    async fn state(&self, ctx: &Context<'_>) -> Arc<ServerState> {
        ctx.state()
            .servers
            .state_of(&self.id)
            .unwrap_or_else(|| Arc::new(ServerState::connecting()))
    }

    /// This server's containers. While monitor follows the engine's container events,
    /// the list is kept from one read to the next and renewed by each event, by each
    /// change made through monitor (seen at once, even before its event) and by each
    /// server check (so `statusText` is at most one check old); otherwise it is read
    /// from the engine. `null` with an `UNAVAILABLE` error while the server cannot be
    /// reached (never a list from before): its `state` says since when and why, and
    /// other servers still answer.
    async fn containers(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContainerFilter>,
    ) -> Result<Option<Vec<Arc<Container>>>> {
        let state = ctx.state();
        let server = state.servers.connection(&self.id)?;
        state
            .containers
            .list(&server, &filter.unwrap_or_default())
            .await
            .map(Some)
    }
}

#[derive(Default)]
pub struct ServersMutation;

#[Object]
impl ServersMutation {
    /// Adds a server and starts watching it.
    async fn create_server(&self, ctx: &Context<'_>, input: CreateServerInput) -> Result<Server> {
        let principal = ctx.require(Role::Admin)?;
        ctx.state().servers.create(&principal.actor(), input).await
    }

    /// Changes a server; a new endpoint or token reconnects it.
    async fn update_server(&self, ctx: &Context<'_>, input: UpdateServerInput) -> Result<Server> {
        let principal = ctx.require(Role::Admin)?;
        ctx.state().servers.update(&principal.actor(), input).await
    }

    /// Forgets a server (its containers keep running); returns it as it was.
    async fn delete_server(&self, ctx: &Context<'_>, input: DeleteServerInput) -> Result<Server> {
        let principal = ctx.require(Role::Admin)?;
        ctx.state().servers.delete(&principal.actor(), input).await
    }
}

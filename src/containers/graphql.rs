//! Containers in GraphQL: lists across servers, inspect, actions, events and logs.

use std::sync::Arc;

use async_graphql::{
    ComplexObject, Context, ContextSelectionSet, ErrorExtensions, ID, InputObject, Object,
    Subscription, Value,
};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};

use super::{
    Container, ContainerAction, ContainerDetails, ContainerEvent, ContainerFilter, ContainerStats,
    EnvironmentVariable, LogLine, RunContainerInput,
};
use crate::error::{Error, Result};
use crate::graphql::at_hand::{AtHand, enumerated, optional, scalar};
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::servers::Server;
use crate::users::Role;

impl AtHand for Container {
    fn field(&self, name: &str, _inner: &ContextSelectionSet<'_>) -> Option<Value> {
        Some(match name {
            "id" => scalar(&self.id),
            "serverId" => scalar(&self.server_id),
            "name" => scalar(&self.name),
            "image" => scalar(&self.image),
            "status" => enumerated(self.status),
            "health" => enumerated(self.health),
            "statusText" => scalar(&self.status_text),
            "command" => optional(&self.command),
            "createdAt" => optional(&self.created_at),
            _ => return None,
        })
    }
}

#[ComplexObject]
impl Container {
    /// The server it runs on.
    async fn server(&self, ctx: &Context<'_>) -> Result<Option<Arc<Server>>> {
        related(&ctx.loaders().servers, Some(&self.server_id)).await
    }
}

#[ComplexObject]
impl ContainerDetails {
    /// The environment as `NAME=value`, secret-looking values masked; `reveal: true`
    /// shows them and needs the OPERATOR role.
    async fn env(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] reveal: bool,
    ) -> Result<Vec<String>> {
        Ok(self
            .environment_of(ctx, reveal)?
            .iter()
            .map(EnvironmentVariable::entry)
            .collect())
    }

    /// The environment, one variable each, secret-looking values masked; `reveal:
    /// true` shows them and needs the OPERATOR role.
    async fn environment(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] reveal: bool,
    ) -> Result<Vec<EnvironmentVariable>> {
        self.environment_of(ctx, reveal)
    }
}

impl ContainerDetails {
    fn environment_of(&self, ctx: &Context<'_>, reveal: bool) -> Result<Vec<EnvironmentVariable>> {
        if reveal {
            ctx.require(Role::Operator)?;
        }
        Ok(self
            .raw_env
            .iter()
            .map(|entry| EnvironmentVariable::parse(entry, reveal))
            .collect())
    }
}

/// The containers on `server_id` labelled `key=value`, for the fields that show a
/// stack's containers: `null` with an `UNAVAILABLE` error while the server cannot be
/// reached.
pub async fn labelled_containers(
    ctx: &Context<'_>,
    server_id: &str,
    key: &str,
    value: &str,
) -> Result<Option<Vec<Arc<Container>>>> {
    let state = ctx.state();
    let server = state.servers.connection(server_id)?;
    state
        .containers
        .labelled(&server, key, value)
        .await
        .map(Some)
}

#[derive(Default)]
pub struct ContainersQuery;

#[Object]
impl ContainersQuery {
    /// Containers of one server, or of every server when `serverId` is left out, sorted
    /// by server then name. A server that cannot be reached adds an `UNAVAILABLE`
    /// error (with its id in `extensions.serverId`) and the others still answer.
    async fn containers(
        &self,
        ctx: &Context<'_>,
        server_id: Option<ID>,
        filter: Option<ContainerFilter>,
    ) -> Result<Vec<Arc<Container>>> {
        ctx.require(Role::Viewer)?;
        let state = ctx.state();
        let filter = filter.unwrap_or_default();
        if let Some(id) = server_id {
            let server = state.servers.connection(&id)?;
            return state.containers.list(&server, &filter).await;
        }
        let mut servers = state.servers.connections();
        servers.sort_by(|a, b| a.name.cmp(&b.name));
        let lists = futures::future::join_all(
            servers
                .iter()
                .map(|server| state.containers.list(server, &filter)),
        )
        .await;
        let mut containers = Vec::new();
        for (server, list) in servers.iter().zip(lists) {
            match list {
                Ok(list) => containers.extend(list),
                Err(error) => {
                    let error = error
                        .extend()
                        .extend_with(|_, ext| ext.set("serverId", server.id.clone()));
                    ctx.add_error(error.into_server_error(ctx.item.pos));
                }
            }
        }
        Ok(containers)
    }

    /// One container, inspected.
    async fn container(
        &self,
        ctx: &Context<'_>,
        server_id: ID,
        id: ID,
    ) -> Result<ContainerDetails> {
        ctx.require(Role::Viewer)?;
        let id = super::container_reference(&id, &["id"])?;
        let state = ctx.state();
        let server = state.servers.connection(&server_id)?;
        state.containers.inspect(&server, &id).await
    }
}

/// Names a container on a server.
#[derive(Debug, InputObject)]
pub struct ContainerInput {
    pub server_id: ID,
    /// The container's id or name.
    pub id: ID,
}

#[derive(Default)]
pub struct ContainersMutation;

impl ContainersMutation {
    async fn act(
        &self,
        ctx: &Context<'_>,
        input: ContainerInput,
        action: ContainerAction,
    ) -> Result<Option<ContainerDetails>> {
        let principal = ctx.require(Role::Operator)?;
        let id = super::container_reference(&input.id, &["input", "id"])?;
        let state = ctx.state();
        let server = state.servers.connection(&input.server_id)?;
        state
            .containers
            .act(&principal.actor(), &server, &id, action)
            .await
    }
}

#[Object]
impl ContainersMutation {
    /// Creates and starts a container (pulling the image when the server lacks it).
    async fn run_container(
        &self,
        ctx: &Context<'_>,
        input: RunContainerInput,
    ) -> Result<ContainerDetails> {
        let principal = ctx.require(Role::Operator)?;
        let state = ctx.state();
        let server = state.servers.connection(&input.server_id)?;
        state
            .containers
            .run(&principal.actor(), &server, input)
            .await
    }

    async fn start_container(
        &self,
        ctx: &Context<'_>,
        input: ContainerInput,
    ) -> Result<ContainerDetails> {
        self.act(ctx, input, ContainerAction::Start)
            .await?
            .ok_or_else(gone)
    }

    /// Stops a container, killing it after a 10 s grace period.
    async fn stop_container(
        &self,
        ctx: &Context<'_>,
        input: ContainerInput,
    ) -> Result<ContainerDetails> {
        self.act(ctx, input, ContainerAction::Stop)
            .await?
            .ok_or_else(gone)
    }

    async fn restart_container(
        &self,
        ctx: &Context<'_>,
        input: ContainerInput,
    ) -> Result<ContainerDetails> {
        self.act(ctx, input, ContainerAction::Restart)
            .await?
            .ok_or_else(gone)
    }

    /// Removes a container, stopping it first if it runs; returns its id.
    async fn remove_container(&self, ctx: &Context<'_>, input: ContainerInput) -> Result<ID> {
        let id = input.id.clone();
        self.act(ctx, input, ContainerAction::Remove).await?;
        Ok(id)
    }
}

fn gone() -> Error {
    Error::Conflict("the container disappeared while it was being changed".into())
}

#[derive(Default)]
pub struct ContainersSubscription;

#[Subscription]
impl ContainersSubscription {
    /// Container changes as engines report them (created, started, died, health
    /// changes, removed): one server's, or, without `serverId`, every server's.
    async fn container_events(
        &self,
        ctx: &Context<'_>,
        server_id: Option<ID>,
    ) -> Result<impl Stream<Item = async_graphql::Result<ContainerEvent>> + use<>> {
        ctx.require(Role::Viewer)?;
        let state = ctx.state();
        if let Some(id) = &server_id {
            state.servers.connection(id)?;
        }
        let events = state
            .bus
            .subscribe::<ContainerEvent>()
            .stream_where(move |event| server_id.as_ref().is_none_or(|id| event.server_id == *id));
        Ok(events.map(|event| event.map_err(|error| error.extend())))
    }

    /// A container's log: the last `tail` lines (or all since `since`), then, with
    /// `follow`, each new line as the engine produces it, until the container stops.
    /// A subscriber that falls behind gets a `LAGGED` error saying how many lines it
    /// missed, and the stream goes on.
    async fn container_logs(
        &self,
        ctx: &Context<'_>,
        server_id: ID,
        container_id: ID,
        #[graphql(default = 100, validator(minimum = 0, maximum = 100000))] tail: i32,
        since: Option<DateTime<Utc>>,
        #[graphql(default = true)] follow: bool,
    ) -> Result<impl Stream<Item = async_graphql::Result<LogLine>> + use<>> {
        ctx.require(Role::Viewer)?;
        let container_id = super::container_reference(&container_id, &["containerId"])?;
        let state = ctx.state();
        let server = state.servers.connection(&server_id)?;
        let tail = u32::try_from(tail).ok();
        Ok(state
            .containers
            .log_lines(server, container_id, tail, since, follow)
            .map(|line| line.map_err(|error| error.extend())))
    }

    /// A running container's CPU, memory and network use, about once a second, from
    /// the engine's stats stream (one per container, shared by every subscriber). Ends
    /// when the container stops, at once for one that is not running.
    async fn container_stats(
        &self,
        ctx: &Context<'_>,
        server_id: ID,
        container_id: ID,
    ) -> Result<impl Stream<Item = async_graphql::Result<ContainerStats>> + use<>> {
        ctx.require(Role::Viewer)?;
        let state = ctx.state();
        let server = state.servers.connection(&server_id)?;
        Ok(state
            .containers
            .stats
            .samples(server, container_id.to_string())
            .map(|sample| sample.map_err(|error| error.extend())))
    }
}

//! Operations in GraphQL: history, commands, cancellation and live output.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{
    ComplexObject, Context, ContextSelectionSet, ErrorExtensions, ID, Object, Subscription, Value,
};
use futures::{Stream, StreamExt};

use super::{
    CancelOperationInput, Operation, OperationFilter, OperationOrder, OutputLine, RunCommandInput,
};
use crate::apps::App;
use crate::error::Result;
use crate::graphql::at_hand::{AtHand, enumerated, optional, scalar};
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::servers::Server;
use crate::stacks::Stack;
use crate::store::page::PageRequest;
use crate::users::Role;

#[derive(Default)]
pub struct OperationsQuery;

#[Object]
impl OperationsQuery {
    async fn operation(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Operation>> {
        ctx.require(Role::Viewer)?;
        ctx.state().operations.get(&id).await
    }

    /// Every operation, newest first unless `orderBy` says otherwise.
    async fn operations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        filter: Option<OperationFilter>,
        order_by: Option<OperationOrder>,
    ) -> Result<Connection<String, Operation>> {
        ctx.require(Role::Viewer)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let operations = ctx
            .state()
            .operations
            .list(
                &filter.unwrap_or_default(),
                order_by.unwrap_or_default(),
                &page,
            )
            .await?;
        Ok(pagination::connection(operations, &page, |operation| {
            operation.key()
        }))
    }
}

impl AtHand for Operation {
    fn field(&self, name: &str, _inner: &ContextSelectionSet<'_>) -> Option<Value> {
        let id = |id: Option<&str>| id.map_or(Value::Null, |id| Value::String(id.to_string()));
        Some(match name {
            "id" => Value::String(self.key()),
            "kind" => enumerated(self.kind),
            "status" => enumerated(self.status),
            "trigger" => enumerated(self.trigger),
            "target" => scalar(&self.target),
            "workingDirectory" => optional(&self.working_directory),
            "createdAt" => scalar(&self.created_at),
            "startedAt" => optional(&self.started_at),
            "finishedAt" => optional(&self.finished_at),
            "exitCode" => optional(&self.exit_code),
            "error" => optional(&self.error),
            "outputLines" => scalar(&self.output_lines),
            "serverId" => id(self.subject.server_id()),
            "stackId" => id(self.subject.stack_id()),
            "measurementId" => id(self.subject.measurement_id()),
            "appId" => id(self.subject.app_id()),
            "parentId" => id(self.parent_id.as_deref()),
            _ => return None,
        })
    }
}

#[ComplexObject]
impl Operation {
    async fn id(&self) -> ID {
        ID(self.key())
    }

    /// The server it runs on; `null` for work that runs on none.
    async fn server_id(&self) -> Option<ID> {
        self.subject.server_id().map(|id| ID(id.to_string()))
    }

    /// The stack it works for, if any.
    async fn stack_id(&self) -> Option<ID> {
        self.subject.stack_id().map(|id| ID(id.to_string()))
    }

    /// The measurement it runs, if any.
    async fn measurement_id(&self) -> Option<ID> {
        self.subject.measurement_id().map(|id| ID(id.to_string()))
    }

    /// The pipeline run this operation is a step of.
    async fn parent_id(&self) -> Option<ID> {
        self.parent_id.clone().map(ID)
    }

    /// The server it runs on; `null` for work that runs on none, or a server since
    /// removed.
    async fn server(&self, ctx: &Context<'_>) -> Result<Option<Arc<Server>>> {
        related(&ctx.loaders().servers, self.subject.server_id()).await
    }

    /// The stack it works for, if any (and not since deleted).
    async fn stack(&self, ctx: &Context<'_>) -> Result<Option<Arc<Stack>>> {
        related(&ctx.loaders().stacks, self.subject.stack_id()).await
    }

    /// The app it deploys or undeploys, if any.
    async fn app_id(&self) -> Option<ID> {
        self.subject.app_id().map(|id| ID(id.to_string()))
    }

    /// The app it deploys or undeploys, if any (and not since deleted).
    async fn app(&self, ctx: &Context<'_>) -> Result<Option<App>> {
        related(&ctx.loaders().apps, self.subject.app_id()).await
    }

    /// The pipeline run this operation is a step of.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Operation>> {
        related(&ctx.loaders().operations, self.parent_id.as_deref()).await
    }
}

#[derive(Default)]
pub struct OperationsMutation;

#[Object]
impl OperationsMutation {
    /// Runs a shell command on a server as an operation; follow it with `operationOutput`.
    async fn run_command(&self, ctx: &Context<'_>, input: RunCommandInput) -> Result<Operation> {
        let principal = ctx.require(Role::Operator)?;
        let state = ctx.state();
        let server = state.servers.connection(&input.server_id)?;
        state
            .operations
            .run_command(&principal.actor(), server, input)
            .await
    }

    /// Stops a running operation (its processes are killed) and returns it once stopped.
    async fn cancel_operation(
        &self,
        ctx: &Context<'_>,
        input: CancelOperationInput,
    ) -> Result<Operation> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state()
            .operations
            .cancel(&principal.actor(), &input.id)
            .await
    }
}

#[derive(Default)]
pub struct OperationsSubscription;

#[Subscription]
impl OperationsSubscription {
    /// Operations as they are created (RUNNING or QUEUED), start and end, e.g. to keep
    /// a history live. A subscriber that falls behind gets a `LAGGED` error and goes on.
    async fn operation_updated(
        &self,
        ctx: &Context<'_>,
        filter: Option<OperationFilter>,
    ) -> Result<impl Stream<Item = async_graphql::Result<Operation>> + use<>> {
        ctx.require(Role::Viewer)?;
        let filter = filter.unwrap_or_default();
        let changes = ctx
            .state()
            .bus
            .subscribe::<Operation>()
            .stream_where(move |operation| filter.matches(operation));
        Ok(changes.map(|change| change.map_err(|error| error.extend())))
    }

    /// The operation's output: what is stored so far, then new lines as they come,
    /// until the operation ends (the stream then completes). Each message is a batch of
    /// lines in order (at most 1,000): the backlog first, then whatever arrived since
    /// the previous message. A quiet operation's lines come one per message.
    async fn operation_output(
        &self,
        ctx: &Context<'_>,
        operation_id: ID,
    ) -> Result<impl Stream<Item = async_graphql::Result<Vec<OutputLine>>> + use<>> {
        ctx.require(Role::Viewer)?;
        Ok(ctx
            .state()
            .operations
            .output(operation_id.to_string())
            .map(|lines| lines.map_err(|error| error.extend())))
    }
}

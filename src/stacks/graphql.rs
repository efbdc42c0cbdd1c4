//! Stacks in GraphQL: the list, each stack's live parts, its changes and its actions.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ContextSelectionSet, ID, Object, SimpleObject, Value};

use super::actions::Step;
use super::model::{StackAction, StackDeploy};
use super::{CreateStackInput, DeleteStackInput, Stack, UpdateStackInput};
use crate::containers::Container;
use crate::containers::graphql::labelled_containers;
use crate::error::{Error, Result};
use crate::graphql::at_hand::{
    AtHand, AtHandFirst, objects, once_per_pass, optional, optional_object, scalar,
};
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::operations::{Operation, OperationTrigger};
use crate::registry::StackImage;
use crate::servers::Server;
use crate::state::AppState;
use crate::store::page::PageRequest;
use crate::users::Role;

#[derive(Default)]
pub struct StacksQuery;

#[Object]
impl StacksQuery {
    /// Every stack, in the order they were created; `serverId` keeps one server's.
    /// Read from memory, which every change made through monitor updates before it
    /// answers: a change shows in the next read.
    async fn stacks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        server_id: Option<ID>,
    ) -> Result<AtHandFirst<Connection<String, AtHandFirst<Arc<Stack>>>>> {
        ctx.require(Role::Viewer)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let stacks = ctx
            .state()
            .stacks
            .list(
                server_id.as_ref().map(|id| id.as_str()),
                page.after.as_deref(),
                page.first + 1,
            )
            .await?;
        let stacks = stacks.into_iter().map(AtHandFirst).collect();
        Ok(AtHandFirst(pagination::connection_in(
            ctx,
            stacks,
            &page,
            |stack| stack.0.id.0.clone(),
        )))
    }

    async fn stack(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Arc<Stack>>> {
        ctx.require(Role::Viewer)?;
        ctx.state().stacks.get(&id).await
    }
}

#[ComplexObject]
impl StackDeploy {
    /// The container's environment as `NAME=value`. Values are secret by default: a
    /// reader below OPERATOR sees `NAME=••••••`.
    async fn env(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        if ctx.require(Role::Operator).is_ok() {
            return Ok(self.env.clone());
        }
        ctx.require(Role::Viewer)?;
        Ok(self.masked_env())
    }
}

impl AtHand for Stack {
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value> {
        Some(match name {
            "id" => scalar(&self.id),
            "name" => scalar(&self.name),
            "serverId" => scalar(&self.server_id),
            "commit" => optional(&self.commit),
            "builtImage" => optional(&self.built_image),
            "deployedImage" => optional(&self.deployed_image),
            "createdAt" => scalar(&self.created_at),
            "updatedAt" => scalar(&self.updated_at),
            "webhookPath" => Value::String(webhook_path_of(self)),
            "server" => {
                let server = once_per_pass("server", &self.server_id, || {
                    inner
                        .data_opt::<AppState>()?
                        .servers
                        .get_now(&self.server_id)
                });
                optional_object(server.as_ref().as_ref()?.as_deref(), inner)?
            }
            "containers" => {
                let listing = once_per_pass("server's containers", &self.server_id, || {
                    let state = inner.data_opt::<AppState>()?;
                    let server = state.servers.connection(&self.server_id).ok()?;
                    state.containers.listing_now(&server)
                });
                let label = super::actions::deploy::STACK_LABEL;
                objects(listing.as_ref().as_ref()?.labelled(label, &self.id), inner)?
            }
            "lastOperation" => match self.last_operation_id.as_deref() {
                // A running operation, or one not read lately, is the executor's to read.
                Some(id) => {
                    let operation = inner.data_opt::<AppState>()?.operations.ended(id)?;
                    operation.answer(inner)?
                }
                None => Value::Null,
            },
            _ => return None,
        })
    }
}

/// Where a git host posts the stack's pushes.
fn webhook_path_of(stack: &Stack) -> String {
    format!("/hooks/git/{}", stack.id.0)
}

#[ComplexObject]
impl Stack {
    async fn server(&self, ctx: &Context<'_>) -> Result<Option<Arc<Server>>> {
        // Servers are kept in memory: there is no read to batch (see `Servers::get`).
        ctx.state().servers.get(&self.server_id).await
    }

    /// The operation the stack's last action or pipeline run started (a run, not its
    /// steps); `null` before the first.
    async fn last_operation(&self, ctx: &Context<'_>) -> Result<Option<Arc<Operation>>> {
        let Some(id) = self.last_operation_id.as_deref() else {
            return Ok(None);
        };
        // An ended operation read lately needs no read; the others are read together.
        match ctx.state().operations.ended(id) {
            Some(operation) => Ok(Some(operation)),
            None => Ok(related(&ctx.loaders().operations, Some(id))
                .await?
                .map(Arc::new)),
        }
    }

    /// What can be done with this stack now; the client shows only these.
    async fn available_actions(&self, ctx: &Context<'_>) -> Vec<StackAction> {
        ctx.state().stacks.available_actions(self)
    }

    /// The stack's containers on its server, as the server's engine events keep them
    /// (see `Server.containers`); `null` with an `UNAVAILABLE` error while the server
    /// cannot be reached.
    async fn containers(&self, ctx: &Context<'_>) -> Result<Option<Vec<Arc<Container>>>> {
        let label = super::actions::deploy::STACK_LABEL;
        labelled_containers(ctx, &self.server_id, label, &self.id).await
    }

    /// The stack's images in the registry, to deploy or roll back to; `null` with an
    /// `UNAVAILABLE` error when the registry does not answer.
    async fn images(&self, ctx: &Context<'_>) -> Result<Option<Vec<StackImage>>> {
        match ctx.state().stacks.registry() {
            // Boxed, as `related` says: an HTTP call is a large future.
            Some(registry) => Box::pin(registry.images(&self.name)).await.map(Some),
            None => Ok(Some(Vec::new())),
        }
    }

    /// Where the stack's builds are pushed (`host:port/<stack>`); `null` while monitor
    /// has no registry (no `registry.url`, and no local engine with
    /// `registry.managed_image` to run one on): builds then stay on the server that
    /// built them, with nothing to push or roll back to.
    async fn registry_repository(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.state()
            .stacks
            .registry()
            .map(|registry| registry.repository(&self.name))
    }

    /// Where a git host posts pushes: `POST` this path on monitor's address.
    async fn webhook_path(&self) -> String {
        webhook_path_of(self)
    }

    /// The secret git hosts sign deliveries with; `null` with a `FORBIDDEN` error for
    /// viewers.
    async fn webhook_secret(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        ctx.require(Role::Operator)?;
        Ok(Some(self.webhook_secret.clone()))
    }
}

#[derive(Default)]
pub struct StacksMutation;

/// The stacks copied by `cloneServer`, and the deploys started for them.
#[derive(SimpleObject)]
pub struct CloneServerResult {
    pub stacks: Vec<Stack>,
    pub deploys: Vec<Operation>,
}

#[Object]
impl StacksMutation {
    async fn create_stack(&self, ctx: &Context<'_>, input: CreateStackInput) -> Result<Stack> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state().stacks.create(&principal.actor(), input).await
    }

    async fn update_stack(&self, ctx: &Context<'_>, input: UpdateStackInput) -> Result<Stack> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state().stacks.update(&principal.actor(), input).await
    }

    /// Removes a stack (and, by default, its containers); returns it as it was. It waits
    /// for the stack's running action to end, then gives each running container up to
    /// 10 s to exit before it is killed (SIGKILL).
    async fn delete_stack(&self, ctx: &Context<'_>, input: DeleteStackInput) -> Result<Stack> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state().stacks.delete(&principal.actor(), input).await
    }

    /// Clones the stack's repo afresh; follow the operation with `operationOutput`.
    async fn clone_stack_repo(&self, ctx: &Context<'_>, stack_id: ID) -> Result<Operation> {
        act(ctx, &stack_id, Step::Clone).await
    }

    /// Pulls the stack's branch (clones when nothing is checked out).
    async fn pull_stack_repo(&self, ctx: &Context<'_>, stack_id: ID) -> Result<Operation> {
        act(ctx, &stack_id, Step::Pull).await
    }

    async fn run_stack_script(
        &self,
        ctx: &Context<'_>,
        stack_id: ID,
        script: String,
    ) -> Result<Operation> {
        act(ctx, &stack_id, Step::Script(script)).await
    }

    /// Builds the stack's image from its checkout, with live build output.
    async fn build_stack(&self, ctx: &Context<'_>, stack_id: ID) -> Result<Operation> {
        act(ctx, &stack_id, Step::Build).await
    }

    /// Pushes the last build to the registry.
    async fn push_stack_image(&self, ctx: &Context<'_>, stack_id: ID) -> Result<Operation> {
        act(ctx, &stack_id, Step::Push).await
    }

    /// Runs (or replaces) the stack's container.
    async fn deploy_stack(&self, ctx: &Context<'_>, stack_id: ID) -> Result<Operation> {
        let step = Step::Deploy {
            image: None,
            rollback: false,
        };
        act(ctx, &stack_id, step).await
    }

    /// Redeploys the stack from an earlier image, e.g. one of `stack.images`.
    async fn rollback_stack(
        &self,
        ctx: &Context<'_>,
        stack_id: ID,
        image: String,
    ) -> Result<Operation> {
        let image = crate::containers::image_reference(&image, &["image"])?;
        let step = Step::Deploy {
            image: Some(image),
            rollback: true,
        };
        act(ctx, &stack_id, step).await
    }

    /// Runs the stack's pipeline; each step is a child operation of the run.
    async fn run_pipeline(&self, ctx: &Context<'_>, stack_id: ID) -> Result<Operation> {
        let principal = ctx.require(Role::Operator)?;
        let launched = ctx
            .state()
            .stacks
            .run_pipeline(
                &principal.actor(),
                &stack_id,
                OperationTrigger::Manual,
                "by hand",
            )
            .await?;
        Ok(launched.operation)
    }

    /// Replaces the stack's webhook secret; the old one stops working at once.
    async fn rotate_stack_webhook_secret(&self, ctx: &Context<'_>, stack_id: ID) -> Result<Stack> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state()
            .stacks
            .rotate_webhook_secret(&principal.actor(), &stack_id)
            .await
    }

    /// Copies every stack of one server to another and deploys the copies there.
    async fn clone_server(
        &self,
        ctx: &Context<'_>,
        source_server_id: ID,
        target_server_id: ID,
    ) -> Result<CloneServerResult> {
        let principal = ctx.require(Role::Admin)?;
        if source_server_id == target_server_id {
            return Err(Error::bad_input(
                &["targetServerId"],
                "the target must be another server",
            ));
        }
        let (stacks, deploys) = ctx
            .state()
            .stacks
            .clone_server(&principal.actor(), &source_server_id, &target_server_id)
            .await?;
        Ok(CloneServerResult { stacks, deploys })
    }
}

async fn act(ctx: &Context<'_>, stack_id: &str, step: Step) -> Result<Operation> {
    let principal = ctx.require(Role::Operator)?;
    let launched = ctx
        .state()
        .stacks
        .start_action(&principal.actor(), stack_id, step)
        .await?;
    Ok(launched.operation)
}

//! The changes to apps: create, update, delete, save a graph, and deploy, revert and
//! undeploy (each an operation whose progress `operationOutput` streams).

use async_graphql::{Context, ID, InputObject, Object};

use crate::apps::deploy::DeployRequest;
use crate::apps::input::{CreateAppInput, DeleteAppInput, SaveAppGraphInput, UpdateAppInput, text};
use crate::apps::{App, AppVersion};
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::operations::Operation;
use crate::users::Role;

#[derive(Debug, InputObject)]
pub struct DeployAppInput {
    pub app_id: ID,
    /// The version to deploy; the newest when absent. An older version than the active
    /// one is a revert.
    pub version: Option<i64>,
    /// Why, for the deployment history.
    pub reason: Option<String>,
}

#[derive(Debug, InputObject)]
pub struct UndeployAppInput {
    pub app_id: ID,
    pub reason: Option<String>,
}

#[derive(Default)]
pub struct AppsMutation;

#[Object]
impl AppsMutation {
    /// Stores a new app with its graph as version 1; nothing is deployed yet.
    async fn create_app(&self, ctx: &Context<'_>, input: CreateAppInput) -> Result<App> {
        let principal = ctx.require(Role::Operator)?;
        let app = input.parse()?;
        ctx.state().apps.create(&principal.actor(), app).await
    }

    async fn update_app(&self, ctx: &Context<'_>, input: UpdateAppInput) -> Result<App> {
        let principal = ctx.require(Role::Operator)?;
        let (id, patch) = input.parse()?;
        ctx.state()
            .apps
            .update(&principal.actor(), &id, patch)
            .await
    }

    /// Deletes the app's resource, waits for the cluster to remove it, then deletes the
    /// app and its history; returns the app as it was.
    async fn delete_app(&self, ctx: &Context<'_>, input: DeleteAppInput) -> Result<App> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state().apps.delete(&principal.actor(), &input.id).await
    }

    /// Saves a graph as the app's next version, or returns the stored version with the
    /// same hash.
    async fn save_app_graph(
        &self,
        ctx: &Context<'_>,
        input: SaveAppGraphInput,
    ) -> Result<AppVersion> {
        let principal = ctx.require(Role::Operator)?;
        let (id, graph, message) = input.parse()?;
        ctx.state()
            .apps
            .save_graph(&principal.actor(), &id, &graph, message)
            .await
    }

    /// Deploys a version of an app (a revert when older than the active one).
    async fn deploy_app(&self, ctx: &Context<'_>, input: DeployAppInput) -> Result<Operation> {
        let principal = ctx.require(Role::Operator)?;
        let request = DeployRequest {
            app_id: input.app_id.to_string(),
            version: input.version,
            reason: text(input.reason, "reason")?,
            undeploy: false,
        };
        ctx.state().apps.deploy(&principal.actor(), request).await
    }

    /// Sets the resource's `spec.deploy` to false; the resource and its graph stay.
    async fn undeploy_app(&self, ctx: &Context<'_>, input: UndeployAppInput) -> Result<Operation> {
        let principal = ctx.require(Role::Operator)?;
        let request = DeployRequest {
            app_id: input.app_id.to_string(),
            version: None,
            reason: text(input.reason, "reason")?,
            undeploy: true,
        };
        ctx.state().apps.deploy(&principal.actor(), request).await
    }
}

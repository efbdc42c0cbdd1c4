//! The component catalog in GraphQL.

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, Object};

use super::input::{
    ConfigFields, CreateComponentConfigInput, DeleteComponentConfigInput,
    UpdateComponentConfigInput,
};
use super::{ComponentConfig, ComponentConfigVersion};
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::graphql::pagination;
use crate::store::page::PageRequest;
use crate::users::Role;

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// The component catalog, in the order configs were added; `type` keeps one type.
    async fn component_configs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        #[graphql(name = "type")] kind: Option<String>,
    ) -> Result<Connection<String, ComponentConfig>> {
        ctx.require(Role::Viewer)?;
        let page = PageRequest::<String>::parse(first, after)?;
        let configs = ctx
            .state()
            .apps
            .catalog()
            .list(kind.as_deref(), page.after.as_deref(), page.first + 1)
            .await?;
        Ok(pagination::connection(configs, &page, |config| {
            config.id.to_string()
        }))
    }

    async fn component_config(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ComponentConfig>> {
        ctx.require(Role::Viewer)?;
        ctx.state().apps.catalog().get(&id).await
    }
}

#[ComplexObject]
impl ComponentConfig {
    /// Every version of this config, newest first (the current one included).
    async fn versions(&self, ctx: &Context<'_>) -> Result<Vec<ComponentConfigVersion>> {
        ctx.state().apps.catalog().versions(&self.id).await
    }

    /// The config as it was at `version`.
    async fn at_version(
        &self,
        ctx: &Context<'_>,
        version: i64,
    ) -> Result<Option<ComponentConfigVersion>> {
        ctx.state().apps.catalog().version(&self.id, version).await
    }
}

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    async fn create_component_config(
        &self,
        ctx: &Context<'_>,
        input: CreateComponentConfigInput,
    ) -> Result<ComponentConfig> {
        let principal = ctx.require(Role::Operator)?;
        let fields = ConfigFields::parse(
            &input.title,
            input.config.0,
            &input.kind,
            &input.node_type,
            input.message.unwrap_or_else(|| "created".into()),
        )?;
        ctx.state()
            .apps
            .catalog()
            .create(&principal.actor(), fields)
            .await
    }

    /// Saves the changes as the config's next version; earlier versions stay readable.
    async fn update_component_config(
        &self,
        ctx: &Context<'_>,
        input: UpdateComponentConfigInput,
    ) -> Result<ComponentConfig> {
        let principal = ctx.require(Role::Operator)?;
        let id = input.id.to_string();
        ctx.state()
            .apps
            .catalog()
            .update(&principal.actor(), &id, |before| {
                let config = match input.config {
                    Some(config) => config.0,
                    None => serde_json::from_str(&before.config).unwrap_or_default(),
                };
                ConfigFields::parse(
                    input.title.as_deref().unwrap_or(&before.title),
                    config,
                    input.kind.as_deref().unwrap_or(&before.kind),
                    input.node_type.as_deref().unwrap_or(&before.node_type),
                    input.message.unwrap_or_else(|| "updated".into()),
                )
            })
            .await
    }

    /// Removes a config with its versions; returns it as it was.
    async fn delete_component_config(
        &self,
        ctx: &Context<'_>,
        input: DeleteComponentConfigInput,
    ) -> Result<ComponentConfig> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state()
            .apps
            .catalog()
            .delete(&principal.actor(), &input.id)
            .await
    }
}

//! Apps in GraphQL: the list and each app with its versions, deployments, status,
//! drift and flows ([`flows`]); diffs; and (in [`mutation`]) the changes, deploys and
//! the component catalog.
//!
//! Reading apps needs only the store: an app's history stays readable while the
//! cluster is unreachable or unconfigured, which is when it is needed most. Whatever
//! changes an app, or reads the live resource, needs the cluster and answers
//! `UNAVAILABLE` with the reason when there is none.

pub mod flows;
pub mod mutation;
pub mod subscription;
pub mod views;

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, Object};

use super::App;
use super::dashboards::AppDashboard;
use super::diff::diff_graphs;
use super::flows::flows_of;
use super::hash::version_hash;
use super::model::{AppEndpoint, AppVersion, Deployment};
use super::store::version_key;
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::operations::Operation;
use crate::store::page::PageRequest;
use crate::store::record_key;
use crate::users::Role;
use flows::AppFlow;
use views::{AppCursor, AppFilter, AppGraphDiff, AppOrder};

pub use mutation::AppsMutation;
pub use subscription::AppsSubscription;

#[derive(Default)]
pub struct AppsQuery;

#[Object]
impl AppsQuery {
    /// Every app monitor knows, by namespace and name unless `orderBy` says otherwise.
    async fn apps(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        filter: Option<AppFilter>,
        order_by: Option<AppOrder>,
    ) -> Result<Connection<String, App>> {
        ctx.require(Role::Viewer)?;
        let page = PageRequest::<AppCursor>::parse(first, after)?;
        let order = order_by.unwrap_or_default();
        let apps = ctx
            .state()
            .apps
            .list(
                &filter.unwrap_or_default().into(),
                &order.list_order(page.after.clone()),
                page.first + 1,
            )
            .await?;
        Ok(pagination::connection(apps, &page, |app| {
            order.cursor_of(app)
        }))
    }

    async fn app(&self, ctx: &Context<'_>, id: ID) -> Result<Option<App>> {
        ctx.require(Role::Viewer)?;
        ctx.state().apps.get(&id).await
    }

    /// Version `version` of an app.
    async fn app_version(
        &self,
        ctx: &Context<'_>,
        app_id: ID,
        version: i64,
    ) -> Result<Option<AppVersion>> {
        ctx.require(Role::Viewer)?;
        ctx.state().apps.version(&app_id, version).await
    }

    /// What changed from version `from` to version `to` of an app.
    async fn app_version_diff(
        &self,
        ctx: &Context<'_>,
        app_id: ID,
        from: i64,
        to: i64,
    ) -> Result<AppGraphDiff> {
        ctx.require(Role::Viewer)?;
        let apps = &ctx.state().apps;
        let old = apps.existing_version(&app_id, from, &["from"]).await?;
        let new = apps.existing_version(&app_id, to, &["to"]).await?;
        let diff = diff_graphs(&old.graph, &new.graph);
        Ok(AppGraphDiff::new(from, Some(to), new.hash.clone(), diff))
    }

    /// What changed from version `from` of an app to what is live in the cluster now.
    async fn app_live_diff(
        &self,
        ctx: &Context<'_>,
        app_id: ID,
        from: i64,
    ) -> Result<AppGraphDiff> {
        ctx.require(Role::Viewer)?;
        let apps = &ctx.state().apps;
        let old = apps.existing_version(&app_id, from, &["from"]).await?;
        let live = apps.live_graph(&app_id).await?;
        let diff = diff_graphs(&old.graph, &live);
        Ok(AppGraphDiff::new(from, None, version_hash(&live), diff))
    }
}

#[ComplexObject]
impl App {
    /// The version monitor last deployed, reverted to or undeployed.
    async fn active_version(&self, ctx: &Context<'_>) -> Result<Option<AppVersion>> {
        let key = self.active_version_number.map(|n| version_key(&self.id, n));
        related(&ctx.loaders().app_versions, key.as_deref()).await
    }

    /// The stored version the cluster's resource holds now; `null` when the app has no
    /// resource.
    async fn live_version(&self, ctx: &Context<'_>) -> Result<Option<AppVersion>> {
        let key = self.live_version_number.map(|n| version_key(&self.id, n));
        related(&ctx.loaders().app_versions, key.as_deref()).await
    }

    /// Whether the live resource's graph differs from the version monitor deployed.
    async fn drifted(&self) -> bool {
        self.is_drifted()
    }

    /// The app's Grafana dashboard, once deployed; `UNAVAILABLE` while Grafana is not
    /// configured or has not taken it yet (monitor keeps trying).
    async fn dashboard(&self, ctx: &Context<'_>) -> Result<Option<AppDashboard>> {
        let dashboards = &ctx.state().dashboards;
        let row = match dashboards.needs_record(self)? {
            true => related(&ctx.loaders().app_dashboards, Some(self.id.as_str())).await?,
            false => None,
        };
        dashboards.of(self, row)
    }

    /// The flows of the graph live in the cluster (of the newest version while the app
    /// has no resource), with their directories and files.
    async fn flows(&self, ctx: &Context<'_>) -> Result<Vec<AppFlow>> {
        let number = self
            .live_version_number
            .or((self.version_count > 0).then_some(self.version_count));
        let key = number.map(|n| version_key(&self.id, n));
        let version = related(&ctx.loaders().app_versions, key.as_deref()).await?;
        Ok(version
            .map(|version| flows_of(&self.namespace, &self.name, &version.graph))
            .unwrap_or_default()
            .into_iter()
            .map(|flow| AppFlow::new(self, flow))
            .collect())
    }

    /// Each component's URL paths, from the controller's `endpointPaths`.
    async fn endpoints(&self) -> Vec<AppEndpoint> {
        self.status
            .as_ref()
            .map(|status| status.endpoints.clone())
            .unwrap_or_default()
    }

    /// The app's versions, newest first.
    async fn versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, AppVersion>> {
        let page = PageRequest::<i64>::parse(first, after)?;
        let versions = ctx
            .state()
            .apps
            .versions(&self.id, page.after, page.first + 1)
            .await?;
        Ok(pagination::connection(versions, &page, |version| {
            version.number
        }))
    }

    /// The app's deploys, reverts and undeploys, newest first.
    async fn deployments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, Deployment>> {
        let page = PageRequest::<String>::parse(first, after)?;
        let deployments = ctx
            .state()
            .apps
            .deployments(&self.id, page.after.as_deref(), page.first + 1)
            .await?;
        Ok(pagination::connection(deployments, &page, |deployment| {
            record_key(&deployment.id)
        }))
    }
}

#[ComplexObject]
impl Deployment {
    async fn id(&self) -> ID {
        ID(record_key(&self.id))
    }

    async fn app_id(&self) -> ID {
        ID(self.app.clone())
    }

    /// The operation that carried it out, with its progress lines.
    async fn operation(&self, ctx: &Context<'_>) -> Result<Option<Operation>> {
        related(&ctx.loaders().operations, Some(&self.operation_id)).await
    }
}

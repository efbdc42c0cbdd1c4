//! Images, volumes and networks in GraphQL: VIEWER reads, OPERATOR removes and prunes.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::input::{
    PruneInput, RemoveImageInput, RemoveNetworkInput, RemoveVolumeInput, image, object_name,
};
use super::{
    Change, Image, ImageDetails, Network, NetworkDetails, PruneResult, Volume, images, networks,
    volumes,
};
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::users::Role;

#[derive(Default)]
pub struct EngineResourcesQuery;

#[Object]
impl EngineResourcesQuery {
    /// A server's tagged and dangling images (not the intermediate layers of builds),
    /// tagged ones first, by reference.
    async fn images(&self, ctx: &Context<'_>, server_id: ID) -> Result<Vec<Image>> {
        ctx.require(Role::Viewer)?;
        images::list(&*ctx.state().servers.connection(&server_id)?).await
    }

    /// One image, by id (`sha256:…`, or a prefix of its hex) or reference.
    async fn image(&self, ctx: &Context<'_>, server_id: ID, id: String) -> Result<ImageDetails> {
        ctx.require(Role::Viewer)?;
        let id = image(&id, &["id"])?;
        images::inspect(&*ctx.state().servers.connection(&server_id)?, &id).await
    }

    /// A server's volumes, by name.
    async fn volumes(&self, ctx: &Context<'_>, server_id: ID) -> Result<Vec<Volume>> {
        ctx.require(Role::Viewer)?;
        volumes::list(&*ctx.state().servers.connection(&server_id)?).await
    }

    async fn volume(&self, ctx: &Context<'_>, server_id: ID, name: String) -> Result<Volume> {
        ctx.require(Role::Viewer)?;
        let name = object_name(&name, "volume", &["name"])?;
        volumes::inspect(&*ctx.state().servers.connection(&server_id)?, &name).await
    }

    /// A server's networks, by name.
    async fn networks(&self, ctx: &Context<'_>, server_id: ID) -> Result<Vec<Network>> {
        ctx.require(Role::Viewer)?;
        networks::list(&*ctx.state().servers.connection(&server_id)?).await
    }

    /// One network, by id or name, with the containers attached to it.
    async fn network(
        &self,
        ctx: &Context<'_>,
        server_id: ID,
        id: String,
    ) -> Result<NetworkDetails> {
        ctx.require(Role::Viewer)?;
        let id = object_name(&id, "network", &["id"])?;
        networks::inspect(&*ctx.state().servers.connection(&server_id)?, &id).await
    }
}

/// What `removeImage` did: a reference to an image with other tags only untags it.
#[derive(Debug, SimpleObject)]
pub struct ImageRemoval {
    pub server_id: ID,
    /// The image as it was named in the input.
    pub image: String,
    /// The references untagged and the image ids deleted, as the engine reports them.
    pub removed: Vec<String>,
}

#[derive(Default)]
pub struct EngineResourcesMutation;

/// The change the caller (who must be an OPERATOR; recorded on the mutation's span)
/// is about to make on a server.
fn change_on(ctx: &Context<'_>, server_id: &ID) -> Result<Change> {
    let principal = ctx.require(Role::Operator)?;
    tracing::Span::current().record("actor", principal.username.as_str());
    let state = ctx.state();
    Ok(Change {
        audit: state.audit.clone(),
        actor: principal.actor(),
        server: state.servers.connection(server_id)?,
    })
}

#[Object]
impl EngineResourcesMutation {
    /// Removes an image; `force` also removes it from under stopped containers and
    /// drops all its tags. An image a running container uses is a `CONFLICT`.
    #[tracing::instrument(skip_all, fields(actor, server = input.server_id.as_str(), image = %input.image))]
    async fn remove_image(
        &self,
        ctx: &Context<'_>,
        input: RemoveImageInput,
    ) -> Result<ImageRemoval> {
        let change = change_on(ctx, &input.server_id)?;
        let name = image(&input.image, &["input", "image"])?;
        let removed = images::remove(&change, &name, input.force).await?;
        Ok(ImageRemoval {
            server_id: input.server_id,
            image: name,
            removed,
        })
    }

    /// Removes the server's dangling images (untagged and unused).
    #[tracing::instrument(skip_all, fields(actor, server = input.server_id.as_str()))]
    async fn prune_images(&self, ctx: &Context<'_>, input: PruneInput) -> Result<PruneResult> {
        images::prune(&change_on(ctx, &input.server_id)?).await
    }

    /// Removes a volume and its data; one a container uses is a `CONFLICT`. Returns
    /// its name.
    #[tracing::instrument(skip_all, fields(actor, server = input.server_id.as_str(), volume = %input.name))]
    async fn remove_volume(&self, ctx: &Context<'_>, input: RemoveVolumeInput) -> Result<ID> {
        let change = change_on(ctx, &input.server_id)?;
        let name = object_name(&input.name, "volume", &["input", "name"])?;
        volumes::remove(&change, &name, input.force).await?;
        Ok(ID(name))
    }

    /// Removes the server's unused volumes and their data.
    #[tracing::instrument(skip_all, fields(actor, server = input.server_id.as_str()))]
    async fn prune_volumes(&self, ctx: &Context<'_>, input: PruneInput) -> Result<PruneResult> {
        volumes::prune(&change_on(ctx, &input.server_id)?).await
    }

    /// Removes a network; one with containers attached is a `CONFLICT`. Returns the
    /// id or name it was given.
    #[tracing::instrument(skip_all, fields(actor, server = input.server_id.as_str(), network = %input.network))]
    async fn remove_network(&self, ctx: &Context<'_>, input: RemoveNetworkInput) -> Result<ID> {
        let change = change_on(ctx, &input.server_id)?;
        let network = object_name(&input.network, "network", &["input", "network"])?;
        networks::remove(&change, &network).await?;
        Ok(ID(network))
    }

    /// Removes the server's networks no container is attached to.
    #[tracing::instrument(skip_all, fields(actor, server = input.server_id.as_str()))]
    async fn prune_networks(&self, ctx: &Context<'_>, input: PruneInput) -> Result<PruneResult> {
        networks::prune(&change_on(ctx, &input.server_id)?).await
    }
}

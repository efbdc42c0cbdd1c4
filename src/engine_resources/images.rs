//! Images on a server: listed with their size, inspected, removed, pruned.

use std::collections::{HashMap, HashSet};

use async_graphql::{ID, SimpleObject};
use bollard::models::{ImageInspect, ImageSummary};
use bollard::query_parameters::{
    ListContainersOptions, ListImagesOptions, PruneImagesOptions, RemoveImageOptions,
};
use chrono::{DateTime, Utc};

use super::{Change, PRUNE_TIMEOUT, PruneResult, READ_TIMEOUT, call, size, time_of};
use crate::audit::{AuditKind, AuditSubjectType};
use crate::containers::{Label, labels};
use crate::error::Result;
use crate::servers::ServerConnection;

/// An image as the list shows it.
#[derive(Debug, Clone, SimpleObject)]
pub struct Image {
    /// `sha256:…`
    pub id: ID,
    pub server_id: ID,
    /// `name:tag` references; none for a dangling image.
    pub tags: Vec<String>,
    /// `name@sha256:…` references, for images pulled from or pushed to a registry.
    pub digests: Vec<String>,
    /// The image's size on disk, its layers shared with other images included.
    pub size_bytes: Option<f64>,
    /// The part of `sizeBytes` shared with other images.
    pub shared_size_bytes: Option<f64>,
    /// Containers (running or not) made from this image.
    pub containers: i64,
    /// Untagged and unused by any container: what `pruneImages` removes.
    pub dangling: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub labels: Vec<Label>,
}

impl Image {
    fn from_summary(server_id: &str, summary: ImageSummary, containers: i64) -> Image {
        let tags: Vec<String> = summary
            .repo_tags
            .into_iter()
            .filter(|tag| tag != "<none>:<none>")
            .collect();
        let digests: Vec<String> = summary
            .repo_digests
            .into_iter()
            .filter(|digest| digest != "<none>@<none>")
            .collect();
        Image {
            id: ID(summary.id),
            server_id: ID(server_id.to_string()),
            dangling: tags.is_empty(),
            tags,
            digests,
            size_bytes: size(summary.size),
            shared_size_bytes: size(summary.shared_size),
            containers,
            created_at: DateTime::from_timestamp(summary.created, 0),
            labels: labels(Some(summary.labels)),
        }
    }
}

/// Everything `image` shows.
#[derive(Debug, Clone, SimpleObject)]
pub struct ImageDetails {
    pub id: ID,
    pub server_id: ID,
    pub tags: Vec<String>,
    pub digests: Vec<String>,
    pub size_bytes: Option<f64>,
    pub created_at: Option<DateTime<Utc>>,
    pub architecture: Option<String>,
    pub os: Option<String>,
    pub author: Option<String>,
    /// The command containers run unless told otherwise.
    pub command: Vec<String>,
    pub entrypoint: Vec<String>,
    pub working_directory: Option<String>,
    /// Declared `KEY=value` defaults (an image's own, not secret by design).
    pub env: Vec<String>,
    /// Ports the image declares, e.g. `80/tcp`.
    pub exposed_ports: Vec<String>,
    pub volumes: Vec<String>,
    pub labels: Vec<Label>,
    /// The layers' digests, base first.
    pub layers: Vec<String>,
}

impl ImageDetails {
    fn from_inspect(server_id: &str, inspect: ImageInspect) -> ImageDetails {
        let config = inspect.config.unwrap_or_default();
        let mut exposed_ports: Vec<String> = config.exposed_ports.unwrap_or_default();
        exposed_ports.sort();
        let mut volumes: Vec<String> = config.volumes.unwrap_or_default();
        volumes.sort();
        ImageDetails {
            id: ID(inspect.id.unwrap_or_default()),
            server_id: ID(server_id.to_string()),
            tags: inspect.repo_tags.unwrap_or_default(),
            digests: inspect.repo_digests.unwrap_or_default(),
            size_bytes: inspect.size.and_then(size),
            created_at: time_of(inspect.created.as_deref()),
            architecture: inspect.architecture.filter(|a| !a.is_empty()),
            os: inspect.os.filter(|os| !os.is_empty()),
            author: inspect.author.filter(|a| !a.is_empty()),
            command: config.cmd.unwrap_or_default(),
            entrypoint: config.entrypoint.unwrap_or_default(),
            working_directory: config.working_dir.filter(|dir| !dir.is_empty()),
            env: config.env.unwrap_or_default(),
            exposed_ports,
            volumes,
            labels: labels(config.labels),
            layers: inspect
                .root_fs
                .and_then(|root| root.layers)
                .unwrap_or_default(),
        }
    }
}

pub async fn list(server: &ServerConnection) -> Result<Vec<Image>> {
    let options = ListImagesOptions {
        all: false,
        ..Default::default()
    };
    let docker = &server.engine.docker;
    let all_containers = ListContainersOptions {
        all: true,
        ..Default::default()
    };
    let (summaries, containers) = tokio::try_join!(
        call(
            server,
            "image",
            "",
            READ_TIMEOUT,
            docker.list_images(Some(options))
        ),
        call(
            server,
            "container",
            "",
            READ_TIMEOUT,
            docker.list_containers(Some(all_containers))
        ),
    )?;
    // Engines count an image's containers only in their disk-usage report: count here.
    let mut users: HashMap<String, i64> = HashMap::new();
    for image_id in containers.into_iter().filter_map(|c| c.image_id) {
        *users.entry(image_id).or_default() += 1;
    }
    let mut images: Vec<Image> = summaries
        .into_iter()
        .map(|summary| {
            let containers = users.get(&summary.id).copied().unwrap_or(0);
            Image::from_summary(&server.id, summary, containers)
        })
        .collect();
    images.sort_by(|a, b| (a.tags.is_empty(), &a.tags).cmp(&(b.tags.is_empty(), &b.tags)));
    Ok(images)
}

pub async fn inspect(server: &ServerConnection, image: &str) -> Result<ImageDetails> {
    let docker = &server.engine.docker;
    let inspect = call(
        server,
        "image",
        image,
        READ_TIMEOUT,
        docker.inspect_image(image),
    )
    .await?;
    Ok(ImageDetails::from_inspect(&server.id, inspect))
}

/// Removes an image (or, for a reference to an image with several tags, that tag);
/// returns what the engine untagged and deleted.
pub async fn remove(change: &Change, image: &str, force: bool) -> Result<Vec<String>> {
    let options = RemoveImageOptions {
        force,
        ..Default::default()
    };
    let docker = &change.server.engine.docker;
    let removing = docker.remove_image(image, Some(options), None);
    let subject = (AuditSubjectType::Image, image);
    let items = change
        .remove(AuditKind::ImageRemoved, subject, force, removing)
        .await?;
    Ok(items
        .into_iter()
        .filter_map(|item| item.deleted.or(item.untagged))
        .collect())
}

/// Removes dangling images (untagged, used by no container); says which images went.
pub async fn prune(change: &Change) -> Result<PruneResult> {
    let server = &change.server;
    let docker = &server.engine.docker;
    // The engine lists deleted layers among deleted images: only the images that were
    // dangling before count as removed.
    let dangling = ListImagesOptions {
        filters: Some(HashMap::from([("dangling".into(), vec!["true".into()])])),
        ..Default::default()
    };
    let before = call(
        server,
        "image",
        "",
        READ_TIMEOUT,
        docker.list_images(Some(dangling)),
    )
    .await?;
    let before: HashSet<String> = before.into_iter().map(|image| image.id).collect();
    let pruning = docker.prune_images(None::<PruneImagesOptions>);
    let response = call(server, "image", "", PRUNE_TIMEOUT, pruning).await?;
    let removed = response.images_deleted.unwrap_or_default();
    let removed = removed
        .into_iter()
        .filter_map(|item| item.deleted)
        .filter(|id| before.contains(id))
        .collect();
    change
        .pruned(
            AuditKind::ImagesPruned,
            "images",
            removed,
            response.space_reclaimed,
        )
        .await
}

//! Volumes on a server: listed with whether a container uses them and, where the engine
//! reports it, their size; removed and pruned.

use std::collections::{HashMap, HashSet};

use async_graphql::{ID, SimpleObject};
use bollard::query_parameters::{ListVolumesOptions, PruneVolumesOptions, RemoveVolumeOptions};
use chrono::{DateTime, Utc};

use super::{Change, PRUNE_TIMEOUT, PruneResult, READ_TIMEOUT, call, disk_usage, size, time_of};
use crate::audit::{AuditKind, AuditSubjectType};
use crate::containers::{Label, labels};
use crate::error::Result;
use crate::servers::ServerConnection;

#[derive(Debug, Clone, SimpleObject)]
pub struct Volume {
    pub name: String,
    pub server_id: ID,
    /// `local` for the engine's own volumes.
    pub driver: String,
    /// Where the volume's data lives on the server.
    pub mountpoint: String,
    /// Whether any container (running or not) mounts it; unused volumes are what
    /// `pruneVolumes` removes.
    pub in_use: bool,
    /// The space its data takes, from the engine's disk-usage report; absent when the
    /// report could not be had in time.
    pub size_bytes: Option<f64>,
    pub created_at: Option<DateTime<Utc>>,
    pub labels: Vec<Label>,
    /// The driver's options, e.g. `type`, `device` for a bind-backed local volume.
    pub options: Vec<Label>,
}

impl Volume {
    fn from_engine(
        server_id: &str,
        volume: bollard::models::Volume,
        in_use: bool,
        size_bytes: Option<i64>,
    ) -> Volume {
        Volume {
            in_use,
            server_id: ID(server_id.to_string()),
            driver: volume.driver,
            mountpoint: volume.mountpoint,
            size_bytes: size_bytes
                .or(volume.usage_data.map(|usage| usage.size))
                .and_then(size),
            created_at: time_of(volume.created_at.as_deref()),
            labels: labels(Some(volume.labels)),
            options: labels(Some(volume.options)),
            name: volume.name,
        }
    }
}

fn unused_filter() -> HashMap<String, Vec<String>> {
    HashMap::from([("dangling".to_string(), vec!["true".to_string()])])
}

pub async fn list(server: &ServerConnection) -> Result<Vec<Volume>> {
    let docker = &server.engine.docker;
    let (all, unused, sizes) = tokio::join!(
        call(
            server,
            "volume",
            "",
            READ_TIMEOUT,
            docker.list_volumes(None::<ListVolumesOptions>),
        ),
        call(
            server,
            "volume",
            "",
            READ_TIMEOUT,
            docker.list_volumes(Some(ListVolumesOptions {
                filters: Some(unused_filter()),
            })),
        ),
        disk_usage::volume_sizes(server),
    );
    let (all, unused) = (all?, unused?);
    let unused: HashSet<String> = unused
        .volumes
        .unwrap_or_default()
        .into_iter()
        .map(|volume| volume.name)
        .collect();
    let mut volumes: Vec<Volume> = all
        .volumes
        .unwrap_or_default()
        .into_iter()
        .map(|volume| {
            let in_use = !unused.contains(&volume.name);
            let size = sizes.get(&volume.name).copied();
            Volume::from_engine(&server.id, volume, in_use, size)
        })
        .collect();
    volumes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(volumes)
}

pub async fn inspect(server: &ServerConnection, name: &str) -> Result<Volume> {
    let docker = &server.engine.docker;
    let mut filters = unused_filter();
    filters.insert("name".to_string(), vec![name.to_string()]);
    let (volume, unused, sizes) = tokio::join!(
        call(
            server,
            "volume",
            name,
            READ_TIMEOUT,
            docker.inspect_volume(name)
        ),
        call(
            server,
            "volume",
            name,
            READ_TIMEOUT,
            docker.list_volumes(Some(ListVolumesOptions {
                filters: Some(filters),
            })),
        ),
        disk_usage::volume_sizes(server),
    );
    let (volume, unused) = (volume?, unused?);
    // The engine's name filter matches parts of names: only an exact one counts.
    let in_use = !unused
        .volumes
        .unwrap_or_default()
        .iter()
        .any(|unused| unused.name == volume.name);
    let size = sizes.get(&volume.name).copied();
    Ok(Volume::from_engine(&server.id, volume, in_use, size))
}

pub async fn remove(change: &Change, name: &str, force: bool) -> Result<()> {
    let docker = &change.server.engine.docker;
    let removing = docker.remove_volume(name, Some(RemoveVolumeOptions { force }));
    let subject = (AuditSubjectType::Volume, name);
    change
        .remove(AuditKind::VolumeRemoved, subject, force, removing)
        .await
}

/// Removes the volumes no container uses (engines from API 1.42 on only the anonymous
/// ones among them, as `docker volume prune` does).
pub async fn prune(change: &Change) -> Result<PruneResult> {
    let server = &change.server;
    let pruning = server
        .engine
        .docker
        .prune_volumes(None::<PruneVolumesOptions>);
    let response = call(server, "volume", "", PRUNE_TIMEOUT, pruning).await?;
    let removed = response.volumes_deleted.unwrap_or_default();
    change
        .pruned(
            AuditKind::VolumesPruned,
            "volumes",
            removed,
            response.space_reclaimed,
        )
        .await
}

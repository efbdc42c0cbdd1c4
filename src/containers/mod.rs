//! Containers on any server: list, inspect, run, start, stop, restart, remove, their
//! events and their live logs. Nothing here is stored: the engine is the truth, and
//! every action is written to the audit log with its server and container.
//!
//! The domain sits above `servers`: it reaches an engine through a server's
//! connection, and keeps each server's list and publishes its container events from
//! what the server's supervisor tells it ([`KeptLists`]).

mod engine;
mod env;
mod feeds;
pub mod graphql;
mod input;
mod kept;
mod live;
mod logs;
mod model;
mod stats;

use std::sync::Arc;
use std::time::Duration;

use bollard::auth::DockerCredentials;
use bollard::query_parameters::{
    CreateContainerOptions, CreateImageOptions, RemoveContainerOptions, RestartContainerOptions,
    StopContainerOptions,
};
use futures::StreamExt;

pub use env::{EnvironmentVariable, MASK};
pub use input::{
    ContainerSettings, LabelInput, RunContainerInput, RunSpec, container_reference, image_reference,
};
pub use kept::KeptLists;
pub use live::{Listing, LiveList};
pub use logs::{LogHub, LogLine, LogStream};
pub use model::{
    Container, ContainerDetails, ContainerEvent, ContainerFilter, ContainerHealth, ContainerStatus,
    Label, labels,
};
pub use stats::{ContainerStats, StatsHub};

use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::bus::Bus;
use crate::error::{Error, Result};
use crate::servers::{EngineListener, ServerConnection};
use engine::{bounded, engine_error, listed, not_found, remove_labelled};

/// How long a container gets to stop before it is killed.
pub const STOP_GRACE_SECONDS: i32 = 10;
/// Listing and inspecting must answer quickly; a server that does not is reported
/// unavailable instead of holding the whole response.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What can be done to an existing container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerAction {
    Start,
    Stop,
    Restart,
    Remove,
}

#[derive(Clone)]
pub struct Containers {
    audit: AuditLog,
    /// Each server's kept list, and where its container events go.
    kept: Arc<KeptLists>,
    pub logs: LogHub,
    pub stats: StatsHub,
}

impl Containers {
    /// The service; container events go to `bus`.
    pub fn new(audit: AuditLog, bus: Bus) -> Containers {
        Containers {
            audit,
            kept: Arc::new(KeptLists::new(bus.clone())),
            logs: LogHub::default(),
            stats: StatsHub::new(bus),
        }
    }

    /// What the servers' supervisors tell of their engines, for the wiring to hand
    /// to the servers domain.
    pub fn engine_listener(&self) -> Arc<dyn EngineListener> {
        self.kept.clone()
    }

    /// The server's containers that `filter` lets through, sorted by name.
    pub async fn list(
        &self,
        server: &ServerConnection,
        filter: &ContainerFilter,
    ) -> Result<Vec<Arc<Container>>> {
        Ok(self
            .all_on(server)
            .await?
            .all()
            .iter()
            .filter(|container| filter.matches(container))
            .cloned()
            .collect())
    }

    /// The server's containers labelled `key=value`, sorted by name.
    pub async fn labelled(
        &self,
        server: &ServerConnection,
        key: &str,
        value: &str,
    ) -> Result<Vec<Arc<Container>>> {
        Ok(self
            .all_on(server)
            .await?
            .labelled(key, value)
            .cloned()
            .collect())
    }

    /// The server's containers when its kept list is current now and the server is
    /// reachable: what [`Self::labelled`] reads from without an engine call or a wait,
    /// `None` otherwise.
    pub fn listing_now(&self, server: &ServerConnection) -> Option<Arc<Listing>> {
        server.ensure_reachable().ok()?;
        self.kept.current(server)
    }

    /// Every container of the server: the list kept current by the server's events
    /// (see [`LiveList`]), or the engine's answer when none is kept. `UNAVAILABLE`
    /// while the server is unreachable, never an old list.
    async fn all_on(&self, server: &ServerConnection) -> Result<Arc<Listing>> {
        server.ensure_reachable()?;
        // Boxed, as [`crate::graphql::loaders::related`] says: an engine call is a
        // large future, and a page of stacks asks for 100 kept lists.
        self.kept
            .get_or_list(server, || Box::pin(listed(server)))
            .await
    }

    pub async fn inspect(&self, server: &ServerConnection, id: &str) -> Result<ContainerDetails> {
        server.ensure_reachable()?;
        let inspect = bounded(server, server.engine.docker.inspect_container(id, None))
            .await
            .map_err(|error| match error {
                Error::NotFound { .. } => not_found(id),
                other => other,
            })?;
        Ok(ContainerDetails::from_inspect(&server.id, inspect))
    }

    /// Creates and starts a container, pulling its image first if the server lacks it.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, server = %server.name, target = %input.name))]
    pub async fn run(
        &self,
        actor: &Actor,
        server: &ServerConnection,
        input: RunContainerInput,
    ) -> Result<ContainerDetails> {
        let spec = input.parse()?;
        let image = spec.image.clone();
        let details = self.launch(server, spec).await?;
        let event = self
            .audit
            .event(
                AuditKind::ContainerCreated,
                actor,
                format!(
                    "ran container {} ({}) on {}",
                    details.name, image, server.name
                ),
            )
            .about(
                AuditSubjectType::Container,
                Some(&details.id),
                Some(&details.name),
            )
            .on_server(&server.id, Some(&server.name))
            .with_diff(
                None,
                Some(serde_json::json!({ "image": image, "name": details.name })),
            );
        self.audit.append(event).await?;
        Ok(details)
    }

    /// Creates and starts a checked container (no audit: the caller records why).
    pub async fn launch(
        &self,
        server: &ServerConnection,
        spec: RunSpec,
    ) -> Result<ContainerDetails> {
        self.kept
            .changing(server, self.create_and_start(server, spec))
            .await
    }

    async fn create_and_start(
        &self,
        server: &ServerConnection,
        spec: RunSpec,
    ) -> Result<ContainerDetails> {
        server.ensure_reachable()?;
        let docker = &server.engine.docker;
        let options = CreateContainerOptions {
            name: Some(spec.name.clone()),
            ..Default::default()
        };
        let created = match docker
            .create_container(Some(options.clone()), spec.body.clone())
            .await
        {
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => {
                self.pull(server, &spec.image, None, |_| {}).await?;
                docker.create_container(Some(options), spec.body).await
            }
            other => other,
        }
        .map_err(|error| engine_error(server, &spec.name, error))?;
        if let Err(error) = docker.start_container(&created.id, None).await {
            // A container that cannot start is removed again, so a retry with the same
            // name works; the engine's reason goes back to the caller.
            let _ = docker
                .remove_container(
                    &created.id,
                    Some(RemoveContainerOptions {
                        force: true,
                        ..Default::default()
                    }),
                )
                .await;
            return Err(engine_error(server, &spec.name, error));
        }
        self.inspect(server, &created.id).await
    }

    /// Whether the server's engine has `image`.
    pub async fn has_image(&self, server: &ServerConnection, image: &str) -> bool {
        server.engine.docker.inspect_image(image).await.is_ok()
    }

    /// Pulls `image` onto the server, presenting `credentials` to its registry; each
    /// status line the engine reports goes to `on_status` as it arrives.
    pub async fn pull(
        &self,
        server: &ServerConnection,
        image: &str,
        credentials: Option<DockerCredentials>,
        mut on_status: impl FnMut(String),
    ) -> Result<()> {
        let options = CreateImageOptions {
            from_image: Some(image.to_string()),
            ..Default::default()
        };
        let mut progress = server
            .engine
            .docker
            .create_image(Some(options), None, credentials);
        while let Some(step) = progress.next().await {
            match step {
                Ok(info) => {
                    if let Some(status) = info.status {
                        on_status(status);
                    }
                }
                Err(error) => {
                    return Err(Error::bad_input(
                        &["input", "image"],
                        format!(
                            "image {image} is not on server {} and could not be pulled: {error}",
                            server.name
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Stops (with the grace period) and removes every container labelled
    /// `key=value`, naming each to `on_remove` first.
    pub async fn remove_labelled(
        &self,
        server: &ServerConnection,
        key: &str,
        value: &str,
        on_remove: impl FnMut(&str),
    ) -> Result<()> {
        self.kept
            .changing(server, remove_labelled(server, key, value, on_remove))
            .await
    }

    /// Starts, stops, restarts or removes a container, and records who did it.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, server = %server.name, target = %id, action = ?action))]
    pub async fn act(
        &self,
        actor: &Actor,
        server: &ServerConnection,
        id: &str,
        action: ContainerAction,
    ) -> Result<Option<ContainerDetails>> {
        let before = self.inspect(server, id).await?;
        let docker = &server.engine.docker;
        let full_id = before.id.to_string();
        let result = match action {
            ContainerAction::Start => docker.start_container(&full_id, None).await,
            ContainerAction::Stop => {
                let options = StopContainerOptions {
                    t: Some(STOP_GRACE_SECONDS),
                    ..Default::default()
                };
                docker.stop_container(&full_id, Some(options)).await
            }
            ContainerAction::Restart => {
                let options = RestartContainerOptions {
                    t: Some(STOP_GRACE_SECONDS),
                    ..Default::default()
                };
                docker.restart_container(&full_id, Some(options)).await
            }
            ContainerAction::Remove => {
                let options = RemoveContainerOptions {
                    force: true,
                    ..Default::default()
                };
                docker.remove_container(&full_id, Some(options)).await
            }
        };
        self.kept.changed(server);
        match result {
            Ok(()) => {}
            // Starting a running container or stopping a stopped one is already done.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            }) => {}
            Err(error) => return Err(engine_error(server, &before.name, error)),
        }
        let (kind, verb) = match action {
            ContainerAction::Start => (AuditKind::ContainerStarted, "started"),
            ContainerAction::Stop => (AuditKind::ContainerStopped, "stopped"),
            ContainerAction::Restart => (AuditKind::ContainerRestarted, "restarted"),
            ContainerAction::Remove => (AuditKind::ContainerRemoved, "removed"),
        };
        let event = self
            .audit
            .event(
                kind,
                actor,
                format!("{verb} container {} on {}", before.name, server.name),
            )
            .about(
                AuditSubjectType::Container,
                Some(&full_id),
                Some(&before.name),
            )
            .on_server(&server.id, Some(&server.name));
        self.audit.append(event).await?;
        if action == ContainerAction::Remove {
            return Ok(None);
        }
        self.inspect(server, &full_id).await.map(Some)
    }

    pub fn log_lines(
        &self,
        server: Arc<ServerConnection>,
        container_id: String,
        tail: Option<u32>,
        since: Option<chrono::DateTime<chrono::Utc>>,
        follow: bool,
    ) -> impl futures::Stream<Item = Result<LogLine>> + Send + 'static + use<> {
        self.logs.lines(server, container_id, tail, since, follow)
    }
}

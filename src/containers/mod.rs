//! Containers on any server: list, inspect, run, start, stop, restart, remove, their
//! events and their live logs. Nothing here is stored: the engine is the truth, and
//! every action is written to the audit log with its server and container.

mod env;
mod feeds;
pub mod graphql;
mod input;
mod logs;
mod model;
mod stats;

use std::sync::Arc;
use std::time::Duration;

use bollard::auth::DockerCredentials;
use bollard::query_parameters::{
    CreateContainerOptions, CreateImageOptions, ListContainersOptions, RemoveContainerOptions,
    RestartContainerOptions, StopContainerOptions,
};
use futures::StreamExt;

pub use env::{EnvironmentVariable, MASK};
pub use input::{
    ContainerSettings, LabelInput, RunContainerInput, RunSpec, container_reference, image_reference,
};
pub use logs::{LogHub, LogLine, LogStream};
pub use model::{
    Container, ContainerDetails, ContainerEvent, ContainerFilter, ContainerHealth, ContainerStatus,
    Label, labels,
};
pub use stats::{ContainerStats, StatsHub};

use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::docker::call_error;
use crate::error::{Error, Result};
use crate::servers::ServerConnection;

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
    pub logs: LogHub,
    pub stats: StatsHub,
}

impl Containers {
    pub fn new(audit: AuditLog) -> Containers {
        Containers {
            audit,
            logs: LogHub::default(),
            stats: StatsHub::default(),
        }
    }

    pub async fn list(
        &self,
        server: &ServerConnection,
        filter: &ContainerFilter,
    ) -> Result<Vec<Container>> {
        server.ensure_reachable()?;
        let options = ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let summaries =
            bounded(server, server.engine.docker.list_containers(Some(options))).await?;
        let mut containers: Vec<Container> = summaries
            .into_iter()
            .map(|summary| Container::from_summary(&server.id, summary))
            .filter(|container| filter.matches(container))
            .collect();
        containers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(containers)
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
        mut on_remove: impl FnMut(&str),
    ) -> Result<()> {
        server.ensure_reachable()?;
        let docker = &server.engine.docker;
        let options = ListContainersOptions {
            all: true,
            filters: Some(
                [("label".to_string(), vec![format!("{key}={value}")])]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        };
        let containers = docker
            .list_containers(Some(options))
            .await
            .map_err(|error| engine_error(server, "", error))?;
        for container in containers {
            let Some(id) = container.id else { continue };
            let name = container
                .names
                .and_then(|names| names.first().cloned())
                .unwrap_or_else(|| id.clone());
            on_remove(name.trim_start_matches('/'));
            let stop = StopContainerOptions {
                t: Some(STOP_GRACE_SECONDS),
                ..Default::default()
            };
            // A container that is already stopped answers 304; removal below still runs.
            let _ = docker.stop_container(&id, Some(stop)).await;
            let remove = RemoveContainerOptions {
                force: true,
                v: false,
                ..Default::default()
            };
            docker
                .remove_container(&id, Some(remove))
                .await
                .map_err(|error| engine_error(server, "", error))?;
        }
        Ok(())
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

/// Runs a read against an engine with [`READ_TIMEOUT`]; a failure to reach the engine
/// is also reported to the server's state so other calls fail fast. An answer from the
/// engine, whatever its status, shows the engine is reachable: a refusal of one
/// request (often a client's bad input) never marks the server down.
async fn bounded<T>(
    server: &ServerConnection,
    call: impl std::future::Future<Output = std::result::Result<T, bollard::errors::Error>>,
) -> Result<T> {
    let result = match tokio::time::timeout(READ_TIMEOUT, call).await {
        Ok(Ok(value)) => return Ok(value),
        Ok(Err(error @ bollard::errors::Error::DockerResponseServerError { .. })) => {
            return Err(engine_error(server, "", error));
        }
        Ok(Err(error)) => engine_error(server, "", error),
        Err(_) => crate::docker::unreachable_engine(
            &server.name,
            &format!("no answer within {} s", READ_TIMEOUT.as_secs()),
        ),
    };
    server.report_failure(&result);
    Err(result)
}

fn engine_error(server: &ServerConnection, id: &str, error: bollard::errors::Error) -> Error {
    call_error(&server.name, "container", id, error)
}

fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "container",
        id: id.to_string(),
    }
}

//! The containers domain's calls to an engine that the service's actions share:
//! bounded reads, the full list, removal by label.

use bollard::query_parameters::{
    ListContainersOptions, RemoveContainerOptions, StopContainerOptions,
};

use super::{Container, READ_TIMEOUT, STOP_GRACE_SECONDS};
use crate::docker::call_error;
use crate::error::{Error, Result};
use crate::servers::ServerConnection;

/// [`super::Containers::remove_labelled`]'s engine calls.
pub(super) async fn remove_labelled(
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

/// Every container of the server, from its engine.
pub(super) async fn listed(server: &ServerConnection) -> Result<Vec<Container>> {
    let options = ListContainersOptions {
        all: true,
        ..Default::default()
    };
    let summaries = bounded(server, server.engine.docker.list_containers(Some(options))).await?;
    Ok(summaries
        .into_iter()
        .map(|summary| Container::from_summary(&server.id, summary))
        .collect())
}

/// Runs a read against an engine with [`READ_TIMEOUT`]; a failure to reach the engine
/// is also reported to the server's state so other calls fail fast. An answer from the
/// engine, whatever its status, shows the engine is reachable: a refusal of one
/// request (often a client's bad input) never marks the server down.
pub(super) async fn bounded<T>(
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

pub(super) fn engine_error(
    server: &ServerConnection,
    id: &str,
    error: bollard::errors::Error,
) -> Error {
    call_error(&server.name, "container", id, error)
}

pub(super) fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "container",
        id: id.to_string(),
    }
}

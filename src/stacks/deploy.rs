//! Deploying a stack: its container, from the chosen image, with the stack's settings
//! and labels that tie it to the stack. A deploy replaces the stack's earlier container;
//! a rollback is a deploy of an earlier image.

use std::sync::Arc;

use bollard::query_parameters::{
    CreateImageOptions, ListContainersOptions, RemoveContainerOptions, StopContainerOptions,
};
use futures::StreamExt;
use surrealdb::types::SurrealValue;

use super::model::StackRow;
use super::{Stacks, store};
use crate::containers::LabelInput;
use crate::error::Result;
use crate::operations::{Ending, Progress};
use crate::servers::ServerConnection;

/// The label every container of a stack carries, with the stack's id.
pub const STACK_LABEL: &str = "monitor.stack.id";
/// How long a replaced container gets to stop before it is killed.
const STOP_GRACE_SECONDS: i32 = 10;

pub async fn deploy(
    stacks: &Stacks,
    row: &StackRow,
    server: &Arc<ServerConnection>,
    image: Option<String>,
    progress: &Progress,
) -> Result<(), Ending> {
    let fail = |message: String| Ending::failed(None, message);
    let config = row
        .deploy
        .as_ref()
        .ok_or_else(|| fail("the stack has no deploy settings".into()))?;
    let image = image
        .or_else(|| config.image.clone())
        .or_else(|| row.built_image.clone())
        .ok_or_else(|| fail("nothing to deploy: set deploy.image or build first".into()))?;
    let docker = &server.engine.docker;
    let from_registry = stacks.registry().filter(|registry| registry.holds(&image));
    if from_registry.is_some() || docker.inspect_image(&image).await.is_err() {
        progress.note(format!("pulling {image} on {}", server.name));
        let options = CreateImageOptions {
            from_image: Some(image.clone()),
            ..Default::default()
        };
        let credentials = from_registry.and_then(|registry| registry.credentials());
        let mut output = docker.create_image(Some(options), None, credentials);
        while let Some(item) = output.next().await {
            match item {
                Ok(info) => {
                    if let Some(status) = info.status {
                        progress.stdout(status);
                    }
                }
                Err(error) => return Err(fail(format!("cannot pull {image}: {error}"))),
            }
        }
    }
    remove_containers(server, &row.key(), Some(progress))
        .await
        .map_err(|error| fail(format!("cannot remove the old container: {error}")))?;
    let labels = vec![
        LabelInput {
            key: STACK_LABEL.into(),
            value: row.key(),
        },
        LabelInput {
            key: "monitor.stack.name".into(),
            value: row.name.clone(),
        },
    ];
    let spec = config
        .container(&row.name, &image, labels)
        .parse()
        .map_err(|error| fail(format!("the deploy settings are invalid: {error}")))?;
    progress.note(format!("starting {} from {image}", row.name));
    let details = stacks
        .containers
        .launch(server, spec)
        .await
        .map_err(|error| fail(format!("cannot start the container: {error}")))?;
    progress.note(format!(
        "container {} is {:?}",
        details.name, details.status
    ));
    #[derive(Clone, SurrealValue)]
    struct Deployed {
        deployed_image: String,
    }
    store::remember(
        &stacks.store,
        &row.key(),
        Deployed {
            deployed_image: image,
        },
    )
    .await
    .map_err(|error| fail(format!("cannot record the deploy: {error}")))
}

/// Stops and removes every container labelled as the stack's.
pub async fn remove_containers(
    server: &ServerConnection,
    key: &str,
    progress: Option<&Progress>,
) -> Result<()> {
    server.ensure_reachable()?;
    let docker = &server.engine.docker;
    let options = ListContainersOptions {
        all: true,
        filters: Some(
            [("label".to_string(), vec![format!("{STACK_LABEL}={key}")])]
                .into_iter()
                .collect(),
        ),
        ..Default::default()
    };
    let engine_error = |error| crate::docker::call_error(&server.name, "container", "", error);
    let containers = docker
        .list_containers(Some(options))
        .await
        .map_err(engine_error)?;
    for container in containers {
        let Some(id) = container.id else { continue };
        let name = container
            .names
            .and_then(|names| names.first().cloned())
            .unwrap_or_else(|| id.clone());
        if let Some(progress) = progress {
            // The engine waits for the container to exit: say for what, and how long.
            progress.note(format!(
                "stopping the old container {}: up to {STOP_GRACE_SECONDS} s for it to exit before SIGKILL, then removing it",
                name.trim_start_matches('/')
            ));
        }
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
            .map_err(engine_error)?;
    }
    Ok(())
}

//! Deploying a stack: its container, from the chosen image, with the stack's settings
//! and labels that tie it to the stack. A deploy replaces the stack's earlier container;
//! a rollback is a deploy of an earlier image.

use std::sync::Arc;

use surrealdb::types::SurrealValue;

use crate::containers::STOP_GRACE_SECONDS;
use crate::error::Result;
use crate::operations::{Ending, Progress};
use crate::servers::ServerConnection;
use crate::stacks::Stacks;
use crate::stacks::model::StackRow;

/// The label every container of a stack carries, with the stack's id.
pub const STACK_LABEL: &str = "monitor.stack.id";

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
    let containers = &stacks.containers;
    let from_registry = stacks.registry().filter(|registry| registry.holds(&image));
    if from_registry.is_some() || !containers.has_image(server, &image).await {
        progress.note(format!("pulling {image} on {}", server.name));
        let credentials = from_registry.and_then(|registry| registry.credentials());
        containers
            .pull(server, &image, credentials, |status| {
                progress.stdout(status)
            })
            .await
            .map_err(|error| fail(error.to_string()))?;
    }
    remove_containers(stacks, server, &row.key(), Some(progress))
        .await
        .map_err(|error| fail(format!("cannot remove the old container: {error}")))?;
    let labels = vec![
        (STACK_LABEL.to_string(), row.key()),
        ("monitor.stack.name".to_string(), row.name.clone()),
    ];
    let spec = config
        .container(&row.name, &image, labels)
        .parse()
        .map_err(|error| fail(format!("the deploy settings are invalid: {error}")))?;
    progress.note(format!("starting {} from {image}", row.name));
    let details = containers
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
    stacks
        .remember(
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
    stacks: &Stacks,
    server: &ServerConnection,
    key: &str,
    progress: Option<&Progress>,
) -> Result<()> {
    stacks
        .containers
        .remove_labelled(server, STACK_LABEL, key, |name| {
            if let Some(progress) = progress {
                // The engine waits for the container to exit: say for what, and how long.
                progress.note(format!(
                    "stopping the old container {name}: up to {STOP_GRACE_SECONDS} s for it to \
                     exit before SIGKILL, then removing it"
                ));
            }
        })
        .await
}

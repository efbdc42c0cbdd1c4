//! Building a stack's image from its checkout and pushing it to the registry.
//!
//! The build context is streamed to the stack's engine as a tar (honouring
//! `.dockerignore`), and every line the daemon writes reaches the operation's output as
//! it arrives. Images are tagged with the commit (its first 12 characters) and `latest`.

use std::collections::HashMap;
use std::sync::Arc;

use bollard::query_parameters::{BuildImageOptions, PushImageOptions, TagImageOptions};
use futures::StreamExt;
use surrealdb::types::SurrealValue;

use super::context::BuildContext;
use super::model::StackRow;
use super::{Stacks, repo, store};
use crate::operations::{Ending, Progress};
use crate::servers::ServerConnection;

/// Builds the image on the stack's server, from the checkout on the monitor host.
pub async fn build(
    stacks: &Stacks,
    row: &StackRow,
    server: &Arc<ServerConnection>,
    progress: &Progress,
) -> Result<(), Ending> {
    let fail = |message: String| Ending::failed(None, message);
    let (Some(repo_config), Some(build)) = (&row.repo, &row.build) else {
        return Err(fail("the stack has no build".into()));
    };
    let checkout = stacks
        .local_checkout(&row.key(), &row.name, repo_config, server)
        .ok_or_else(|| fail("a build needs the checkout on the monitor host".into()))?;
    if !checkout.join(".git").exists() {
        return Err(fail(
            "the repo is not checked out yet: clone it first".into(),
        ));
    }
    for script in &build.pre_build_scripts {
        repo::script(stacks, row, server, script, progress).await?;
    }
    let root = match build.path.as_str() {
        "." => checkout,
        path => checkout.join(path),
    };
    let context =
        BuildContext::open(&root, &build.dockerfile).map_err(|error| fail(error.to_string()))?;
    let repository = stacks.image_repository(&row.name);
    let tag = match &row.commit {
        Some(commit) => commit.chars().take(12).collect(),
        None => format!("build-{}", ulid::Ulid::new().to_string().to_lowercase()),
    };
    let image = format!("{repository}:{tag}");
    progress.note(format!("building {image} on {}", server.name));
    let mut labels = HashMap::from([("monitor.stack.id".to_string(), row.key())]);
    if let Some(commit) = &row.commit {
        labels.insert("monitor.commit".into(), commit.clone());
    }
    let options = BuildImageOptions {
        dockerfile: context.dockerfile().to_string(),
        t: Some(image.clone()),
        rm: true,
        forcerm: true,
        buildargs: Some(
            build
                .args
                .iter()
                .map(|arg| (arg.key.clone(), arg.value.clone()))
                .collect(),
        ),
        labels: Some(labels),
        networkmode: (build.network_mode != "default").then(|| build.network_mode.clone()),
        ..Default::default()
    };
    let docker = &server.engine.docker;
    let mut output = docker.build_image(
        options,
        None,
        Some(bollard::body_try_stream(context.tar_stream())),
    );
    let mut lines = LineBuffer::default();
    while let Some(item) = output.next().await {
        let info = match item {
            Ok(info) => info,
            Err(bollard::errors::Error::DockerStreamError { error }) => {
                lines.flush(progress);
                progress.stderr(error.trim_end());
                return Err(fail(error.trim_end().to_string()));
            }
            Err(error) => {
                lines.flush(progress);
                return Err(fail(format!("the build stopped: {error}")));
            }
        };
        if let Some(detail) = info.error_detail.and_then(|detail| detail.message) {
            lines.flush(progress);
            progress.stderr(detail.trim_end());
            return Err(fail(detail.trim_end().to_string()));
        }
        if let Some(text) = info.stream {
            lines.push(&text, progress);
        }
        if let Some(status) = info.status {
            progress.stdout(status);
        }
    }
    lines.flush(progress);
    let latest = TagImageOptions {
        repo: Some(repository.clone()),
        tag: Some("latest".into()),
    };
    docker
        .tag_image(&image, Some(latest))
        .await
        .map_err(|error| fail(format!("cannot tag {repository}:latest: {error}")))?;
    progress.note(format!("built {image} and {repository}:latest"));
    #[derive(SurrealValue)]
    struct Built {
        built_image: String,
    }
    store::remember(&stacks.store, &row.key(), Built { built_image: image })
        .await
        .map_err(|error| fail(format!("cannot record the image: {error}")))
}

/// Pushes the last build (its commit tag and `latest`) to the registry.
pub async fn push(
    stacks: &Stacks,
    row: &StackRow,
    server: &Arc<ServerConnection>,
    progress: &Progress,
) -> Result<(), Ending> {
    let fail = |message: String| Ending::failed(None, message);
    let registry = stacks
        .registry()
        .ok_or_else(|| fail("no registry is configured".into()))?;
    let image = row
        .built_image
        .as_deref()
        .ok_or_else(|| fail("nothing is built yet: build first".into()))?;
    let repository = registry.repository(&row.name);
    let tag = image.rsplit_once(':').map_or("latest", |(_, tag)| tag);
    for tag in [tag, "latest"] {
        progress.note(format!("pushing {repository}:{tag}"));
        let options = PushImageOptions {
            tag: Some(tag.to_string()),
            ..Default::default()
        };
        let mut output =
            server
                .engine
                .docker
                .push_image(&repository, Some(options), registry.credentials());
        while let Some(item) = output.next().await {
            match item {
                Ok(info) => {
                    if let Some(message) = info.error_detail.and_then(|d| d.message) {
                        return Err(fail(format!("the push failed: {message}")));
                    }
                    if let Some(status) = info.status {
                        progress.stdout(status);
                    }
                }
                Err(bollard::errors::Error::DockerStreamError { error }) => {
                    return Err(fail(format!("the push failed: {error}")));
                }
                Err(error) => return Err(fail(format!("the push failed: {error}"))),
            }
        }
    }
    Ok(())
}

/// Build output arrives in chunks that need not end at a line break; lines are
/// published whole.
#[derive(Default)]
struct LineBuffer {
    partial: String,
}

impl LineBuffer {
    fn push(&mut self, text: &str, progress: &Progress) {
        self.partial.push_str(text);
        while let Some(end) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=end).collect();
            progress.stdout(line.trim_end_matches(['\n', '\r']));
        }
    }

    fn flush(&mut self, progress: &Progress) {
        if !self.partial.is_empty() {
            progress.stdout(std::mem::take(&mut self.partial));
        }
    }
}

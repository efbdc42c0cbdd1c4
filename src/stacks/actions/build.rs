//! Building a stack's image from its checkout and pushing it to the registry.
//!
//! The build context is streamed to the stack's engine as a tar (honouring
//! `.dockerignore`), and every line the daemon writes reaches the operation's output as
//! it arrives. Images are tagged with the commit (its first 12 characters) and `latest`.
//!
//! Images carry no labels of monitor's: the classic builder applies build labels as an
//! extra step (a container and a commit, about a quarter of a second per build), and
//! every container run from the image would inherit them, so a `monitor.stack.id` on
//! the image would claim containers the stack never deployed. The tag names the commit.

use std::path::Path;
use std::sync::Arc;

use futures::StreamExt;
use surrealdb::types::SurrealValue;

use super::repo;
use crate::docker::{BuildContext, BuildSource, ImageBuild, build_image, push_image, tag_image};
use crate::host::protocol::DIRECTORY_CONTEXT;
use crate::operations::{Ending, Host, Progress};
use crate::servers::ServerConnection;
use crate::stacks::Stacks;
use crate::stacks::model::StackRow;

/// Builds the image on the stack's server, from the stack's checkout wherever it is.
pub async fn build(
    stacks: &Stacks,
    row: &StackRow,
    server: &Arc<ServerConnection>,
    progress: &Progress,
) -> Result<(), Ending> {
    let fail = |message: String| Ending::failed(None, message);
    let Some(build) = &row.build else {
        return Err(fail("the stack has no build".into()));
    };
    let (checkout, host) = repo::checked_out(stacks, row, server).await?;
    for script in &build.pre_build_scripts {
        repo::script(stacks, row, server, script, progress).await?;
    }
    let root = match build.path.as_str() {
        "." => checkout,
        path => format!("{}/{path}", checkout.trim_end_matches('/')),
    };
    // A checkout on an agent's host is tarred there, by the agent, for its own engine;
    // any other is read here and streamed to the engine.
    let (dockerfile, source) = match host {
        Host::Server(server) if server.endpoint.is_agent() => (
            build.dockerfile.clone(),
            BuildSource::Remote(format!("{DIRECTORY_CONTEXT}{root}")),
        ),
        Host::Monitor | Host::Server(_) => {
            let context = BuildContext::open(Path::new(&root), &build.dockerfile)
                .map_err(|error| fail(error.to_string()))?;
            (
                context.dockerfile().to_string(),
                BuildSource::Context(context),
            )
        }
    };
    let repository = stacks.image_repository(&row.name);
    let tag = match &row.commit {
        Some(commit) => commit.chars().take(12).collect(),
        None => format!("build-{}", ulid::Ulid::new().to_string().to_lowercase()),
    };
    let image = format!("{repository}:{tag}");
    progress.note(format!("building {image} on {}", server.name));
    let request = ImageBuild {
        dockerfile,
        source,
        tag: image.clone(),
        args: build
            .args
            .iter()
            .map(|arg| (arg.key.clone(), arg.value.clone()))
            .collect(),
        network_mode: (build.network_mode != "default").then(|| build.network_mode.clone()),
    };
    let docker = &server.engine.docker;
    let mut output = build_image(docker, request);
    let mut lines = LineBuffer::default();
    while let Some(item) = output.next().await {
        let info = match item {
            Ok(info) => info,
            Err(bollard::errors::Error::DockerStreamError { error }) => {
                lines.flush(|line| progress.stdout(line));
                progress.stderr(error.trim_end());
                return Err(fail(error.trim_end().to_string()));
            }
            Err(error) => {
                lines.flush(|line| progress.stdout(line));
                return Err(fail(format!("the build stopped: {error}")));
            }
        };
        if let Some(detail) = info.error_detail.and_then(|detail| detail.message) {
            lines.flush(|line| progress.stdout(line));
            progress.stderr(detail.trim_end());
            return Err(fail(detail.trim_end().to_string()));
        }
        if let Some(text) = info.stream {
            lines.push(&text, |line| progress.stdout(line));
        }
        if let Some(status) = info.status {
            progress.stdout(status);
        }
    }
    lines.flush(|line| progress.stdout(line));
    tag_image(docker, &image, &repository, "latest")
        .await
        .map_err(|error| fail(format!("cannot tag {repository}:latest: {error}")))?;
    progress.note(format!("built {image} and {repository}:latest"));
    #[derive(Clone, SurrealValue)]
    struct Built {
        built_image: String,
    }
    stacks
        .remember(&row.key(), Built { built_image: image })
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
        let mut output = push_image(
            &server.engine.docker,
            &repository,
            tag,
            registry.credentials(),
        );
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
    /// Adds a chunk and hands each line it completes to `publish`.
    fn push(&mut self, text: &str, mut publish: impl FnMut(&str)) {
        self.partial.push_str(text);
        // One pass over the chunk, then one shift of what is left: a chunk of many
        // lines is not moved once per line.
        let mut start = 0;
        while let Some(offset) = self.partial[start..].find('\n') {
            let end = start + offset;
            publish(self.partial[start..end].trim_end_matches('\r'));
            start = end + 1;
        }
        self.partial.drain(..start);
    }

    /// Hands over a last line that had no line break.
    fn flush(&mut self, mut publish: impl FnMut(&str)) {
        if !self.partial.is_empty() {
            publish(&std::mem::take(&mut self.partial));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LineBuffer;

    fn lines_of(chunks: &[&str]) -> Vec<String> {
        let mut buffer = LineBuffer::default();
        let mut lines = Vec::new();
        for chunk in chunks {
            buffer.push(chunk, |line| lines.push(line.to_string()));
        }
        buffer.flush(|line| lines.push(line.to_string()));
        lines
    }

    #[test]
    fn lines_are_whole_whatever_the_chunks() {
        assert_eq!(
            lines_of(&["Step 1/2 : RUN x\n one", " two\r\nthree\n\n", "tail"]),
            ["Step 1/2 : RUN x", " one two", "three", "", "tail"]
        );
    }

    #[test]
    fn a_chunk_of_many_lines_gives_each_once_in_order() {
        let chunk: String = (0..1000).map(|n| format!("line {n}\n")).collect();
        let lines = lines_of(&[&chunk]);
        assert_eq!(lines.len(), 1000);
        assert_eq!(lines[999], "line 999");
    }
}

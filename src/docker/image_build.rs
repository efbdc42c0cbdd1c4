//! Building, tagging and pushing images on an engine: the engine's requests made from
//! plain settings, so callers never assemble bollard's options.

use bollard::Docker;
use bollard::auth::DockerCredentials;
use bollard::models::{BuildInfo, PushImageInfo};
use bollard::query_parameters::{BuildImageOptions, PushImageOptions, TagImageOptions};
use futures::Stream;

use super::BuildContext;

/// Where a build's context comes from.
pub enum BuildSource {
    /// A directory read here and streamed to the engine as a tar.
    Context(BuildContext),
    /// A context the engine's side fetches itself, named as the engine's `remote`
    /// (an agent's `DIRECTORY_CONTEXT` path).
    Remote(String),
}

/// One image build, with the classic builder.
pub struct ImageBuild {
    /// The Dockerfile's path inside the context.
    pub dockerfile: String,
    pub source: BuildSource,
    /// The reference the image gets, `repository:tag`.
    pub tag: String,
    pub args: Vec<(String, String)>,
    /// `None` for the engine's default network.
    pub network_mode: Option<String>,
}

/// Starts the build; the engine's output arrives on the stream as it is written.
pub fn build_image(
    docker: &Docker,
    build: ImageBuild,
) -> impl Stream<Item = Result<BuildInfo, bollard::errors::Error>> + '_ {
    let (remote, body) = match build.source {
        BuildSource::Remote(remote) => (Some(remote), bollard::body_full(bytes::Bytes::new())),
        BuildSource::Context(context) => (None, bollard::body_try_stream(context.tar_stream())),
    };
    let options = BuildImageOptions {
        dockerfile: build.dockerfile,
        remote,
        t: Some(build.tag),
        rm: true,
        forcerm: true,
        buildargs: Some(build.args.into_iter().collect()),
        networkmode: build.network_mode,
        ..Default::default()
    };
    docker.build_image(options, None, Some(body))
}

/// Gives `image` a second name, `repository:tag`.
pub async fn tag_image(
    docker: &Docker,
    image: &str,
    repository: &str,
    tag: &str,
) -> Result<(), bollard::errors::Error> {
    let options = TagImageOptions {
        repo: Some(repository.to_string()),
        tag: Some(tag.to_string()),
    };
    docker.tag_image(image, Some(options)).await
}

/// Pushes `repository:tag`, presenting `credentials` to the registry.
pub fn push_image<'a>(
    docker: &'a Docker,
    repository: &'a str,
    tag: &str,
    credentials: Option<DockerCredentials>,
) -> impl Stream<Item = Result<PushImageInfo, bollard::errors::Error>> + 'a {
    let options = PushImageOptions {
        tag: Some(tag.to_string()),
        ..Default::default()
    };
    docker.push_image(repository, Some(options), credentials)
}

//! Builds whose context is a directory on the agent's host (see
//! [`DIRECTORY_CONTEXT`]): the request's empty body is replaced by a tar of the
//! directory before it goes to the engine.

use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, header};

use crate::docker::BuildContext;
use crate::host::protocol::DIRECTORY_CONTEXT;

/// Gives a directory build its context; any other request passes unchanged. Says why
/// when the directory cannot be sent (missing, no Dockerfile, a bad `.dockerignore`).
pub fn with_directory_context(request: Request<Body>) -> Result<Request<Body>, String> {
    let is_build = request.method() == Method::POST && request.uri().path().ends_with("/build");
    let Some(query) = request.uri().query().filter(|_| is_build) else {
        return Ok(request);
    };
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let Some(position) = pairs
        .iter()
        .position(|(key, value)| key == "remote" && value.starts_with(DIRECTORY_CONTEXT))
    else {
        return Ok(request);
    };
    let (_, remote) = pairs.remove(position);
    let root = &remote[DIRECTORY_CONTEXT.len()..];
    let dockerfile = pairs
        .iter()
        .find(|(key, _)| key == "dockerfile")
        .map_or("Dockerfile", |(_, value)| value.as_str());
    let context =
        BuildContext::open(Path::new(root), dockerfile).map_err(|error| error.to_string())?;
    pairs.retain(|(key, _)| key != "dockerfile");
    pairs.push(("dockerfile".into(), context.dockerfile().to_string()));
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let (mut parts, _) = request.into_parts();
    parts.uri = format!("{}?{query}", parts.uri.path())
        .parse::<axum::http::Uri>()
        .map_err(|error| error.to_string())?;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-tar"),
    );
    tracing::info!(directory = root, "building from a directory on this host");
    Ok(Request::from_parts(
        parts,
        Body::from_stream(context.tar_stream()),
    ))
}

//! Forwards `/docker/…` requests to the host's Docker engine, streaming both ways.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, Uri, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use hyperlocal::UnixConnector;

use crate::docker::Endpoint;

/// Headers that describe one hop, not the message; never forwarded.
const HOP_BY_HOP: [header::HeaderName; 6] = [
    header::CONNECTION,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

#[derive(Clone)]
pub enum DockerProxy {
    Unix {
        socket: PathBuf,
        client: Client<UnixConnector, Body>,
    },
    Tcp {
        base: String,
        client: Client<HttpConnector, Body>,
    },
}

impl DockerProxy {
    pub fn new(docker_host: &str) -> anyhow::Result<DockerProxy> {
        let executor = TokioExecutor::new();
        match Endpoint::parse(docker_host, &["--docker-host"]) {
            Ok(Endpoint::Unix(socket)) => Ok(DockerProxy::Unix {
                socket,
                client: Client::builder(executor).build(UnixConnector),
            }),
            Ok(Endpoint::Tcp { host, port }) => Ok(DockerProxy::Tcp {
                base: format!("http://{host}:{port}"),
                client: Client::builder(executor).build_http(),
            }),
            Ok(Endpoint::Agent { .. }) => {
                anyhow::bail!(
                    "--docker-host must be the host's own engine (unix:// or tcp://), not an agent"
                )
            }
            Err(error) => anyhow::bail!("{error}"),
        }
    }

    /// Sends `request` (its path without the `/docker` prefix) to the engine.
    pub async fn forward(&self, request: Request<Body>) -> Response<Body> {
        let (mut parts, body) = request.into_parts();
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |path| path.as_str())
            .strip_prefix("/docker")
            .unwrap_or("/")
            .to_string();
        strip(&mut parts.headers);
        // The agent's side may be HTTP/2; the engine speaks HTTP/1.1.
        parts.version = axum::http::Version::HTTP_11;
        parts.headers.remove(header::AUTHORIZATION);
        parts.headers.remove(header::HOST);
        let result = match self.uri(&path) {
            Ok(uri) => {
                parts.uri = uri;
                self.send(Request::from_parts(parts, body)).await
            }
            Err(error) => return docker_error(StatusCode::BAD_REQUEST, &error.to_string()),
        };
        match result {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                strip(&mut parts.headers);
                Response::from_parts(parts, Body::new(body))
            }
            Err(error) => docker_error(
                StatusCode::BAD_GATEWAY,
                &format!("the agent cannot reach the Docker engine: {error}"),
            ),
        }
    }
}

impl DockerProxy {
    /// The engine's address of an API path.
    pub fn uri(&self, path: &str) -> Result<Uri, axum::http::uri::InvalidUri> {
        match self {
            DockerProxy::Unix { socket, .. } => Ok(hyperlocal::Uri::new(socket, path).into()),
            DockerProxy::Tcp { base, .. } => format!("{base}{path}").parse::<Uri>(),
        }
    }

    /// Sends a request (its URI from [`DockerProxy::uri`]) to the engine as it is.
    pub async fn send(
        &self,
        request: Request<Body>,
    ) -> Result<Response<hyper::body::Incoming>, hyper_util::client::legacy::Error> {
        match self {
            DockerProxy::Unix { client, .. } => client.request(request).await,
            DockerProxy::Tcp { client, .. } => client.request(request).await,
        }
    }
}

fn strip(headers: &mut HeaderMap) {
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove("keep-alive");
    headers.remove("proxy-connection");
}

/// An error the way the Docker API reports one, so bollard shows its message.
pub fn docker_error(status: StatusCode, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "message": message }).to_string();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

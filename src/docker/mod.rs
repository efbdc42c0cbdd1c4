//! Docker engines seen through bollard: the local socket, a `tcp://` engine, or a remote
//! host's engine reached through `monitor agent`. Every caller gets a plain
//! [`bollard::Docker`], whichever way the engine is reached. Image builds (with the
//! context of a directory), tags and pushes are requested here from plain settings.

mod agent_client;
mod build_context;
mod endpoint;
mod image_build;

use std::sync::Arc;

use bollard::{ClientVersion, Docker};
use secrecy::SecretString;

pub use agent_client::AgentClient;
pub use build_context::{BuildContext, ContextError};
pub use endpoint::Endpoint;
pub use image_build::{BuildSource, ImageBuild, build_image, push_image, tag_image};

use crate::error::{Error, Result};

/// The Docker API version monitor speaks: Engine 20.10 and every later engine accept it.
pub const API_VERSION: ClientVersion = ClientVersion {
    major_version: 1,
    minor_version: 41,
};

/// Idle connections kept to each local engine.
const IDLE_ENGINE_CONNECTIONS: usize = 8;

/// How long a direct Docker call may wait for its response headers.
const CALL_TIMEOUT_SECS: u64 = 60;

/// A server's engine, and its agent when it has one (for host samples and commands).
#[derive(Clone)]
pub struct Engine {
    pub docker: Docker,
    pub agent: Option<AgentClient>,
}

impl Engine {
    /// Builds the clients; nothing is contacted until the first call.
    pub fn connect(endpoint: &Endpoint, agent_token: Option<&SecretString>) -> Result<Engine> {
        let internal = |e: bollard::errors::Error| {
            Error::Internal(anyhow::Error::new(e).context("building a Docker client"))
        };
        match endpoint {
            Endpoint::Unix(path) => Ok(Engine {
                docker: unix_socket(path.clone()).map_err(internal)?,
                agent: None,
            }),
            Endpoint::Tcp { host, port } => {
                let docker = Docker::connect_with_http(
                    &format!("tcp://{host}:{port}"),
                    CALL_TIMEOUT_SECS,
                    &API_VERSION,
                )
                .map_err(internal)?;
                Ok(Engine {
                    docker,
                    agent: None,
                })
            }
            Endpoint::Agent { host, port, tls } => {
                let token = agent_token.ok_or_else(|| {
                    Error::bad_input(
                        &["input", "agentToken"],
                        "an agent endpoint needs the agent's token",
                    )
                })?;
                let agent = AgentClient::new(host, *port, *tls, token, agent_tls_config())?;
                Ok(Engine {
                    docker: agent.docker()?,
                    agent: Some(agent),
                })
            }
        }
    }
}

/// A client for an engine's unix socket. Unlike bollard's own, it does not require the
/// socket to exist yet: an engine that is down when monitor starts (or when the server
/// is added) is found by the supervisor's next check once it is up.
fn unix_socket(socket: std::path::PathBuf) -> std::result::Result<Docker, bollard::errors::Error> {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    // A few idle connections serve the steady calls; a burst (a thousand log viewers
    // opening at once) must not leave a thousand open connections and their buffers.
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(IDLE_ENGINE_CONNECTIONS)
        .build(hyperlocal::UnixConnector);
    let transport = move |request: bollard::BollardRequest| {
        let (client, socket) = (client.clone(), socket.clone());
        async move {
            let (mut parts, body) = request.into_parts();
            let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
            parts.uri = hyperlocal::Uri::new(&socket, path).into();
            client
                .request(hyper::Request::from_parts(parts, body))
                .await
                .map_err(|e| bollard::errors::Error::IOError {
                    // hyper's error names only its category ("Connect"); the cause
                    // chain says what happened.
                    err: std::io::Error::new(
                        std::io::ErrorKind::ConnectionRefused,
                        format!("{:#}", anyhow::Error::new(e)),
                    ),
                })
        }
    };
    Docker::connect_with_custom_transport(
        transport,
        Some("unix://localhost"),
        CALL_TIMEOUT_SECS,
        &API_VERSION,
    )
}

/// Agents over HTTPS are trusted by the Mozilla root set, plus the CA in
/// `MONITOR_AGENT_CA_FILE` for agents with certificates from a private CA.
fn agent_tls_config() -> rustls::ClientConfig {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(file) = std::env::var_os("MONITOR_AGENT_CA_FILE") {
        match CertificateDer::pem_file_iter(&file) {
            Ok(certs) => {
                for cert in certs.flatten() {
                    if let Err(error) = roots.add(cert) {
                        tracing::warn!(%error, "skipped a certificate of MONITOR_AGENT_CA_FILE");
                    }
                }
            }
            Err(error) => {
                tracing::error!(%error, file = ?file, "cannot read MONITOR_AGENT_CA_FILE")
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    match rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
    {
        Ok(builder) => builder.with_root_certificates(roots).with_no_client_auth(),
        Err(error) => {
            tracing::error!(%error, "the TLS provider offers no safe protocol version");
            rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        }
    }
}

/// What a failed Docker call means to a client: the daemon's own refusals keep their
/// meaning (not found, conflict, bad request); anything else says the engine of this
/// server cannot be reached.
pub fn call_error(
    server: &str,
    what: &'static str,
    id: &str,
    error: bollard::errors::Error,
) -> Error {
    use bollard::errors::Error as Docker;
    match error {
        Docker::DockerResponseServerError {
            status_code: 404,
            message,
        } if message.contains("No such") || message.contains("not found") => Error::NotFound {
            what,
            id: id.to_string(),
        },
        Docker::DockerResponseServerError {
            status_code: 409,
            message,
        } => Error::Conflict(format!("server {server}: {message}")),
        Docker::DockerResponseServerError {
            status_code: 304, ..
        } => Error::Conflict(format!(
            "server {server}: {what} {id} is already in that state"
        )),
        // A redirect means the request named another route than the one meant (the
        // engine redirects cleaned paths): the request was wrong, not the engine.
        Docker::DockerResponseServerError {
            status_code: 300..=499,
            message,
        } => Error::bad_input(&[], format!("server {server}: Docker refused: {message}")),
        Docker::DockerResponseServerError {
            status_code,
            message,
        } => Error::Unavailable {
            component: "docker",
            message: format!(
                "server {server}: the Docker engine failed ({status_code}): {message}"
            ),
        },
        other => unreachable_engine(server, &other),
    }
}

/// The engine of `server` could not be reached or did not answer.
pub fn unreachable_engine(server: &str, error: &dyn std::fmt::Display) -> Error {
    Error::Unavailable {
        component: "docker",
        message: format!("server {server}: cannot reach its Docker engine: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status_code: u16) -> bollard::errors::Error {
        bollard::errors::Error::DockerResponseServerError {
            status_code,
            message: "refused".into(),
        }
    }

    #[test]
    fn an_engine_refusing_a_request_is_the_request_at_fault_not_the_engine() {
        for status in [301, 307, 400, 422] {
            assert_eq!(
                call_error("s", "container", "x", refused(status)).code(),
                "BAD_USER_INPUT"
            );
        }
        assert_eq!(
            call_error("s", "container", "x", refused(500)).code(),
            "UNAVAILABLE"
        );
    }
}

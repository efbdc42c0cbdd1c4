//! The agent's HTTP server: token check, routes, plain or TLS listener.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, middleware};
use futures::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::AgentArgs;
use super::proxy::DockerProxy;
use crate::host::protocol::CommandRequest;

#[derive(Clone)]
struct AgentState {
    token: Arc<[u8]>,
    docker: DockerProxy,
    /// The engine as `--docker-host` names it, handed to commands as `DOCKER_HOST`.
    docker_host: Arc<str>,
}

impl axum::extract::FromRef<AgentState> for DockerProxy {
    fn from_ref(state: &AgentState) -> DockerProxy {
        state.docker.clone()
    }
}

/// Runs the agent until `shutdown` resolves.
pub async fn run(
    args: AgentArgs,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let token = std::fs::read_to_string(&args.token_file).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the token file {}: {e}",
            args.token_file.display()
        )
    })?;
    let token = token.trim();
    anyhow::ensure!(
        token.len() >= 16,
        "the token in {} is too short: use at least 16 characters (e.g. `openssl rand -hex 32`)",
        args.token_file.display()
    );
    let state = AgentState {
        token: token.as_bytes().into(),
        docker: DockerProxy::new(&args.docker_host)?,
        docker_host: args.docker_host.as_str().into(),
    };
    let router = Router::new()
        .route("/v1/ping", get(ping))
        .route("/v1/host", get(host))
        .route("/v1/commands", post(commands))
        .route("/v1/exec/{id}", post(super::exec::attach))
        .route("/docker/{*path}", any(docker))
        .layer(middleware::from_fn_with_state(state.clone(), authorize))
        .with_state(state);
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
    let address = listener.local_addr()?;
    match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let acceptor = tls_acceptor(cert, key)?;
            tracing::info!(%address, docker = %args.docker_host, tls = true, "listening");
            serve_tls(listener, acceptor, router, shutdown).await
        }
        _ => {
            tracing::info!(%address, docker = %args.docker_host, tls = false, "listening");
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await?;
            Ok(())
        }
    }
}

/// Refuses any request without the agent's token; compares in constant time.
async fn authorize(State(state): State<AgentState>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if bool::from(presented.as_bytes().ct_eq(&state.token)) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a request with a wrong or missing token");
        (StatusCode::UNAUTHORIZED, "wrong or missing agent token").into_response()
    }
}

async fn ping() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "version": env!("CARGO_PKG_VERSION") }))
}

async fn host() -> Json<crate::host::protocol::HostSample> {
    Json(crate::host::sample::sample())
}

/// Runs a command on this host, with `DOCKER_HOST` naming the engine this agent serves.
async fn commands(
    State(state): State<AgentState>,
    Json(request): Json<CommandRequest>,
) -> Response {
    tracing::info!(command = %request.command, "running a command");
    let frames = crate::host::command::run(request, Some(state.docker_host.to_string()))
        .map(|frame| Ok::<_, std::io::Error>(frame.to_line()));
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(frames),
    )
        .into_response()
}

async fn docker(State(state): State<AgentState>, request: Request) -> Response {
    match super::directory_build::with_directory_context(request) {
        Ok(request) => state.docker.forward(request).await,
        // Refused as the engine refuses a bad build, so monitor reports the reason.
        Err(reason) => super::proxy::docker_error(StatusCode::BAD_REQUEST, &reason),
    }
}

fn tls_acceptor(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> anyhow::Result<tokio_rustls::TlsAcceptor> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow::anyhow!("cannot read the certificate {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow::anyhow!("cannot read the key {}: {e}", key.display()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

async fn serve_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let stopping = CancellationToken::new();
    let stop = stopping.clone();
    tokio::spawn(async move {
        shutdown.await;
        stop.cancel();
    });
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = stopping.cancelled() => return Ok(()),
        };
        let (acceptor, router, stopping) = (acceptor.clone(), router.clone(), stopping.clone());
        tokio::spawn(async move {
            let tls = match acceptor.accept(stream).await {
                Ok(tls) => tls,
                Err(error) => {
                    tracing::warn!(%peer, %error, "TLS handshake failed");
                    return;
                }
            };
            let service = TowerToHyperService::new(router);
            let builder = auto::Builder::new(TokioExecutor::new());
            let connection = builder.serve_connection(TokioIo::new(tls), service);
            tokio::select! {
                result = connection => if let Err(error) = result {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                },
                _ = stopping.cancelled() => {}
            }
        });
    }
}

//! The monitor side of the agent protocol (see `crate::agent` for the protocol itself).
//!
//! One HTTP/2 connection per agent carries every call: Docker API requests forwarded
//! verbatim under `/docker`, host samples, and command streams. HTTP/2 keepalive pings
//! notice an agent that stops answering, so a hung host fails its own calls quickly
//! instead of holding them forever.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bollard::{BollardRequest, Docker};
use bytes::Bytes;
use futures::Stream;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use secrecy::{ExposeSecret, SecretString};

use super::API_VERSION;
use crate::error::{Error, Result};
use crate::host::protocol::{CommandFrame, CommandRequest, HostSample};

/// The request body type bollard sends; our own calls use the same so one client serves both.
type Body = http_body_util::Either<
    Full<Bytes>,
    StreamBody<
        Pin<Box<dyn Stream<Item = std::result::Result<Frame<Bytes>, std::io::Error>> + Send>>,
    >,
>;
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// How often an idle agent connection is pinged, and how long a ping may go unanswered.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a Docker call may wait for its response headers (a stop waits for the
/// container's own grace period first).
const DOCKER_CALL_TIMEOUT_SECS: u64 = 60;

/// A connection to one agent.
#[derive(Clone)]
pub struct AgentClient {
    /// `http://host:port` or `https://host:port`.
    base: Arc<str>,
    authorization: HeaderValue,
    client: Client<Connector, Body>,
}

impl AgentClient {
    pub fn new(
        host: &str,
        port: u16,
        tls: bool,
        token: &SecretString,
        tls_config: rustls::ClientConfig,
    ) -> Result<AgentClient> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        http.set_nodelay(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls_config)
            .https_or_http()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .http2_only(true)
            .http2_keep_alive_interval(KEEPALIVE_INTERVAL)
            .http2_keep_alive_timeout(KEEPALIVE_TIMEOUT)
            .http2_keep_alive_while_idle(true)
            .build(connector);
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {}", token.expose_secret().trim())).map_err(
                |_| {
                    Error::bad_input(
                        &["input", "agentToken"],
                        "the agent token must be printable ASCII",
                    )
                },
            )?;
        authorization.set_sensitive(true);
        let scheme = if tls { "https" } else { "http" };
        Ok(AgentClient {
            base: format!("{scheme}://{host}:{port}").into(),
            authorization,
            client,
        })
    }

    /// A bollard client whose every request goes to the agent's `/docker` proxy.
    pub fn docker(&self) -> Result<Docker> {
        let agent = self.clone();
        let transport = move |request: BollardRequest| {
            let agent = agent.clone();
            async move {
                let (mut parts, body) = request.into_parts();
                let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
                parts.uri = format!("{}/docker{path}", agent.base)
                    .parse::<Uri>()
                    .map_err(|e| bollard::errors::Error::IOError {
                        err: std::io::Error::new(std::io::ErrorKind::InvalidInput, e),
                    })?;
                parts
                    .headers
                    .insert(AUTHORIZATION, agent.authorization.clone());
                agent
                    .client
                    .request(Request::from_parts(parts, body))
                    .await
                    .map_err(|e| bollard::errors::Error::IOError {
                        err: std::io::Error::new(std::io::ErrorKind::ConnectionAborted, e),
                    })
            }
        };
        Docker::connect_with_custom_transport(
            transport,
            Some(self.base.to_string()),
            DOCKER_CALL_TIMEOUT_SECS,
            &API_VERSION,
        )
        .map_err(|e| Error::Internal(anyhow::Error::new(e).context("building the agent transport")))
    }

    /// CPU and memory counters of the agent's host.
    pub async fn host_sample(&self) -> anyhow::Result<HostSample> {
        let response = self.call(Method::GET, "/v1/host", Bytes::new()).await?;
        let body = response.into_body().collect().await?.to_bytes();
        Ok(serde_json::from_slice(&body)?)
    }

    /// A GET on the host's engine through the agent's `/docker` proxy, the body read
    /// whole: for engine answers bollard's models do not read.
    pub async fn docker_get(&self, path: &str) -> anyhow::Result<Bytes> {
        let response = self
            .call(Method::GET, &format!("/docker{path}"), Bytes::new())
            .await?;
        Ok(response.into_body().collect().await?.to_bytes())
    }

    /// Attaches to a shell's exec on the agent's host (`POST /v1/exec/…`): what
    /// `input` yields goes to the terminal as it comes, and the stream is what the
    /// terminal writes. Dropping the stream (or `input`'s sender) ends the exchange,
    /// and the agent then hangs up the exec's process.
    pub async fn exec(
        &self,
        exec_id: &str,
        session_id: &str,
        input: tokio::sync::mpsc::Receiver<Bytes>,
    ) -> anyhow::Result<impl Stream<Item = anyhow::Result<Bytes>> + Send + use<>> {
        use futures::StreamExt;
        let frames = tokio_stream::wrappers::ReceiverStream::new(input)
            .map(|chunk| Ok::<_, std::io::Error>(Frame::data(chunk)));
        let body = Body::Right(StreamBody::new(Box::pin(frames)));
        let path = format!("/v1/exec/{exec_id}?session={session_id}");
        let response = self
            .send(Method::POST, &path, "application/octet-stream", body)
            .await?;
        Ok(response
            .into_body()
            .into_data_stream()
            .map(|chunk| chunk.map_err(anyhow::Error::new)))
    }

    /// Runs a command on the agent's host; the stream ends after the exit frame.
    /// Dropping the stream closes the request, and the agent then kills the command.
    pub async fn run_command(
        &self,
        request: &CommandRequest,
    ) -> anyhow::Result<impl Stream<Item = anyhow::Result<CommandFrame>> + Send + use<>> {
        let body = Bytes::from(serde_json::to_vec(request)?);
        let response = self.call(Method::POST, "/v1/commands", body).await?;
        let chunks = response.into_body().into_data_stream();
        Ok(crate::host::protocol::frames(chunks))
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
    ) -> anyhow::Result<hyper::Response<hyper::body::Incoming>> {
        self.send(
            method,
            path,
            "application/json",
            Body::Left(Full::new(body)),
        )
        .await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: &'static str,
        body: Body,
    ) -> anyhow::Result<hyper::Response<hyper::body::Incoming>> {
        let request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, content_type)
            .body(body)?;
        let response = tokio::time::timeout(
            Duration::from_secs(DOCKER_CALL_TIMEOUT_SECS),
            self.client.request(request),
        )
        .await
        .map_err(|_| {
            anyhow::anyhow!("the agent did not answer within {DOCKER_CALL_TIMEOUT_SECS} s")
        })??;
        match response.status() {
            StatusCode::OK => Ok(response),
            StatusCode::UNAUTHORIZED => {
                anyhow::bail!("the agent refused the token (401): check the server's agent token")
            }
            status => {
                let body = response.into_body().collect().await?.to_bytes();
                anyhow::bail!(
                    "the agent answered {status}: {}",
                    String::from_utf8_lossy(&body).trim()
                )
            }
        }
    }
}

//! HTTP: one request over HTTP/1.1 with hyper, each phase timed on the way (name
//! resolution, TCP connect, TLS handshake, first byte, end), at most 10 KB of the body
//! read, and the status compared with the expected one.
//!
//! The connection is made here rather than by a pooled client: a measurement wants a
//! fresh connection every time and the time each phase took, which is what a timing
//! connector gives and a pooled client hides.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::tls::{RecordingVerifier, info};
use super::{millis, resolve};
use crate::probes::input::{HttpParams, MAX_BODY_BYTES, Target};
use crate::probes::protocol::{HttpResult, HttpTimings, MAX_RESULT_HEADERS, MeasurementResult};

/// Fetches the URL of `params` from `target` as `params` say.
pub async fn http(params: &HttpParams, target: &Target) -> Result<MeasurementResult, String> {
    let url = params
        .parsed_url(&["params"])
        .map_err(|error| error.to_string())?;
    let timeout = Duration::from_secs(params.timeout_seconds.into());
    tokio::time::timeout(timeout, fetch(params, &url, target))
        .await
        .map_err(|_| format!("no complete answer within {} s", timeout.as_secs()))?
}

async fn fetch(
    params: &HttpParams,
    url: &url::Url,
    target: &Target,
) -> Result<MeasurementResult, String> {
    let started = Instant::now();
    let since_start = || millis(started.elapsed());
    let port = url.port_or_known_default().unwrap_or(80);
    let (ip, dns_ms) = match target {
        Target::Ip(ip) => (*ip, None),
        Target::Host(_) => (resolve(target).await?.ip(), Some(since_start())),
    };
    let address = SocketAddr::new(ip, port);
    let tcp = TcpStream::connect(address)
        .await
        .map_err(|error| format!("cannot connect to {address}: {error}"))?;
    let connect_ms = since_start();
    let mut timings = HttpTimings {
        dns_ms,
        connect_ms,
        ..HttpTimings::default()
    };
    let (exchange, tls) = if url.scheme() == "https" {
        let (stream, tls) = handshake(url, tcp).await?;
        timings.tls_ms = Some(since_start());
        (exchange(stream, params, url).await?, Some(tls))
    } else {
        (exchange(tcp, params, url).await?, None)
    };
    timings.first_byte_ms = millis(exchange.first_byte.duration_since(started));
    timings.total_ms = since_start();
    let status = exchange.status;
    Ok(MeasurementResult::Http(HttpResult {
        url: url.to_string(),
        address,
        method: params.method,
        status,
        status_matches: params.expected_status.map(|expected| expected == status),
        http_version: exchange.version,
        headers: exchange.headers,
        body: String::from_utf8_lossy(&exchange.body).into_owned(),
        body_bytes: exchange.body.len() as u32,
        truncated: exchange.truncated,
        timings,
        tls,
    }))
}

async fn handshake(
    url: &url::Url,
    tcp: TcpStream,
) -> Result<
    (
        tokio_rustls::client::TlsStream<TcpStream>,
        crate::probes::protocol::TlsInfo,
    ),
    String,
> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = RecordingVerifier::new(provider.clone())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("cannot configure TLS: {error}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let host = url.host_str().unwrap_or_default();
    let name = ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|error| format!("{host} cannot be a TLS server name: {error}"))?;
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|error| format!("TLS handshake failed: {error}"))?;
    let tls = info(stream.get_ref().1, &verifier)?;
    Ok((stream, tls))
}

/// What came back, read as far as the limit.
struct Exchange {
    status: u16,
    version: String,
    headers: Vec<(String, String)>,
    first_byte: Instant,
    body: Vec<u8>,
    truncated: bool,
}

async fn exchange<S>(stream: S, params: &HttpParams, url: &url::Url) -> Result<Exchange, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake failed: {error}"))?;
    // The connection ends when the response is dropped and the sender with it.
    tokio::spawn(connection);
    let mut request = http::Request::builder()
        .method(params.method.as_str())
        .uri(&url[url::Position::BeforePath..url::Position::AfterQuery])
        .header(
            http::header::HOST,
            &url[url::Position::BeforeHost..url::Position::AfterPort],
        )
        .header(
            http::header::USER_AGENT,
            concat!("monitor-probe/", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in &params.headers {
        request = request.header(name, value);
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|error| format!("cannot build the request: {error}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| format!("the request failed: {error}"))?;
    let first_byte = Instant::now();
    let status = response.status().as_u16();
    let version = format!("{:?}", response.version());
    let headers = response
        .headers()
        .iter()
        .take(MAX_RESULT_HEADERS)
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = response.into_body();
    let mut read = Vec::new();
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| format!("reading the body failed: {error}"))?;
        if let Ok(data) = frame.into_data() {
            let room = MAX_BODY_BYTES - read.len();
            read.extend_from_slice(&data[..data.len().min(room)]);
            if data.len() > room {
                truncated = true;
                break;
            }
        }
    }
    Ok(Exchange {
        status,
        version,
        headers,
        first_byte,
        body: read,
        truncated,
    })
}

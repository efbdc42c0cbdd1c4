//! HTTP measurements against servers the test runs on 127.0.0.1: plain HTTP, and
//! HTTPS with a self-signed certificate made for the test.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use monitor::probe::measure::measure;
use monitor::probes::input::{HttpMethod, HttpParams, MeasurementParams, Target};
use monitor::probes::protocol::{HttpResult, MeasurementResult};

fn site() -> Router {
    Router::new()
        .route("/", get(|| async { "hello" }))
        .route("/big", get(|| async { "x".repeat(20 * 1024) }))
        .route("/missing", get(|| async { (StatusCode::NOT_FOUND, "no") }))
}

async fn serve_http() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, site()).await });
    address
}

/// An HTTPS server whose certificate names `localhost`, expiring at the start of 2031.
async fn serve_https() -> SocketAddr {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "monitor test site");
    params.not_after = rcgen::date_time_ymd(2031, 1, 1);
    let key = rcgen::KeyPair::generate().unwrap();
    let certificate = params.self_signed(&key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![certificate.der().clone()],
        rustls_pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    let service = TowerToHyperService::new(site());
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                }
            });
        }
    });
    address
}

async fn fetch(url: String, expected_status: Option<u16>) -> HttpResult {
    let params = MeasurementParams::Http(HttpParams {
        url,
        method: HttpMethod::Get,
        headers: vec![("x-probe-test".into(), "1".into())],
        timeout_seconds: 10,
        expected_status,
    });
    match measure(&params, &Target::parse("127.0.0.1").unwrap()).await {
        Ok(MeasurementResult::Http(result)) => result,
        other => panic!("expected an HTTP result, got {other:?}"),
    }
}

#[tokio::test]
async fn a_get_reports_the_status_body_headers_and_timings_in_order() {
    let address = serve_http().await;
    let result = fetch(format!("http://{address}/"), Some(200)).await;
    assert_eq!((result.status, result.status_matches), (200, Some(true)));
    assert_eq!((result.body.as_str(), result.truncated), ("hello", false));
    assert_eq!(result.address, address);
    assert!(
        result
            .headers
            .iter()
            .any(|(name, value)| name == "content-length" && value == "5"),
        "{result:?}"
    );
    let timings = &result.timings;
    assert_eq!(
        (timings.dns_ms, timings.tls_ms),
        (None, None),
        "an address target, no TLS"
    );
    assert!(
        0.0 < timings.connect_ms
            && timings.connect_ms <= timings.first_byte_ms
            && timings.first_byte_ms <= timings.total_ms,
        "{timings:?}"
    );
    assert!(result.tls.is_none());
}

#[tokio::test]
async fn a_body_past_10_kb_is_cut_and_an_unexpected_status_is_reported() {
    let address = serve_http().await;
    let big = fetch(format!("http://{address}/big"), None).await;
    assert_eq!((big.body_bytes, big.truncated), (10 * 1024, true));
    assert_eq!(big.body.len(), 10 * 1024);
    assert_eq!(big.status_matches, None, "no status was expected");

    let missing = fetch(format!("http://{address}/missing"), Some(200)).await;
    assert_eq!((missing.status, missing.status_matches), (404, Some(false)));
}

#[tokio::test]
async fn an_https_get_reports_the_certificate_and_why_it_is_not_trusted() {
    let address = serve_https().await;
    let result = fetch(format!("https://localhost:{}/", address.port()), Some(200)).await;
    assert_eq!((result.status, result.body.as_str()), (200, "hello"));
    let tls = result.tls.as_ref().expect("TLS details");
    assert_eq!(tls.subject, "CN=monitor test site");
    assert_eq!(tls.issuer, "CN=monitor test site", "self-signed");
    assert_eq!(tls.expires.to_rfc3339(), "2031-01-01T00:00:00+00:00");
    assert!(!tls.authorized, "a self-signed certificate is not trusted");
    assert!(tls.error.as_deref().is_some_and(|error| !error.is_empty()));
    let timings = &result.timings;
    let tls_ms = timings.tls_ms.expect("a TLS phase");
    assert!(
        timings.connect_ms <= tls_ms
            && tls_ms <= timings.first_byte_ms
            && timings.first_byte_ms <= timings.total_ms,
        "{timings:?}"
    );
}

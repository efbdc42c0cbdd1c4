//! TLS for HTTP measurements: rustls checks the chain against Mozilla's roots and the
//! outcome is recorded rather than enforced, so a measurement of a site with a bad
//! certificate still reports its timings and says why it is not trusted (as
//! Globalping does); the certificate's subject, issuer and expiry come from
//! `x509-parser`.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rustls::DigitallySignedStruct;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::probes::protocol::TlsInfo;

/// A verifier that asks webpki and remembers its verdict instead of failing on it.
#[derive(Debug)]
pub struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    verdict: Mutex<Option<Result<(), String>>>,
}

impl RecordingVerifier {
    pub fn new(provider: Arc<rustls::crypto::CryptoProvider>) -> Result<Arc<Self>, String> {
        let roots =
            rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|error| format!("cannot build the certificate verifier: {error}"))?;
        Ok(Arc::new(RecordingVerifier {
            inner,
            verdict: Mutex::new(None),
        }))
    }

    /// The verdict on the chain the server presented: trusted, or why not.
    pub fn verdict(&self) -> Result<(), String> {
        self.verdict
            .lock()
            .map(|verdict| verdict.clone())
            .unwrap_or(None)
            .unwrap_or_else(|| Err("no certificate was checked".into()))
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ())
            .map_err(|error| error.to_string());
        if let Ok(mut slot) = self.verdict.lock() {
            *slot = Some(verdict);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// What a finished handshake says about the connection and the server's certificate.
pub fn info(
    connection: &rustls::ClientConnection,
    verifier: &RecordingVerifier,
) -> Result<TlsInfo, String> {
    let certificate = connection
        .peer_certificates()
        .and_then(|chain| chain.first())
        .ok_or("the server sent no certificate")?;
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate)
        .map_err(|error| format!("cannot parse the server's certificate: {error}"))?;
    let time = |time: x509_parser::time::ASN1Time| {
        DateTime::<Utc>::from_timestamp(time.timestamp(), 0).unwrap_or_default()
    };
    let verdict = verifier.verdict();
    Ok(TlsInfo {
        protocol: connection
            .protocol_version()
            .map(|version| format!("{version:?}"))
            .unwrap_or_default(),
        cipher: connection
            .negotiated_cipher_suite()
            .map(|suite| format!("{:?}", suite.suite()))
            .unwrap_or_default(),
        authorized: verdict.is_ok(),
        error: verdict.err(),
        subject: parsed.subject().to_string(),
        issuer: parsed.issuer().to_string(),
        not_before: time(parsed.validity().not_before),
        expires: time(parsed.validity().not_after),
    })
}

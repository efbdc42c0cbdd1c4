//! Reading from a service in the cluster through the API server's service proxy
//! (`/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/…`), read-only, as monitor
//! reads the files of an app's flows.
//!
//! Two voices answer through the proxy: the API server, when it cannot reach the service
//! (a `Status` body: no such service, nothing listening), and the service itself. The
//! first is a [`ClusterError`] with the API's message; the second is the service's own
//! answer, whatever its status, for the caller to read as that service speaks.

use http_body_util::BodyExt;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;

use super::cluster::Cluster;
use super::error::ClusterError;

/// Characters escaped in one path segment of a proxied path.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A port of a service in the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    pub namespace: String,
    pub name: String,
    /// The port's number or name.
    pub port: String,
}

/// What the service itself answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAnswer {
    /// The service's HTTP status.
    pub code: u16,
    /// The body, up to the most the caller would read.
    pub body: Vec<u8>,
    /// Whether the body went on past that.
    pub truncated: bool,
}

impl ProxyAnswer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

impl Cluster {
    /// GETs `path` (its segments, each escaped; `.`, `..` and empty ones refused) with
    /// `query` from `service`, reading at most `max_bytes` of its answer.
    pub async fn proxy_get(
        &self,
        service: &ServicePort,
        path: &[&str],
        query: &[(&str, &str)],
        max_bytes: usize,
    ) -> Result<ProxyAnswer, ClusterError> {
        if let Some(segment) = path
            .iter()
            .find(|segment| matches!(**segment, "" | "." | ".."))
        {
            return Err(ClusterError::unanswered(format!(
                "refused to proxy a path with the segment `{segment}`"
            )));
        }
        let encoded: Vec<String> = path
            .iter()
            .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
            .collect();
        let mut uri = format!(
            "/api/v1/namespaces/{}/services/{}:{}/proxy/{}",
            utf8_percent_encode(&service.namespace, SEGMENT),
            utf8_percent_encode(&service.name, SEGMENT),
            utf8_percent_encode(&service.port, SEGMENT),
            encoded.join("/")
        );
        if !query.is_empty() {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(query)
                .finish();
            uri = format!("{uri}?{query}");
        }
        let request = http::Request::get(uri)
            .body(kube::client::Body::from(Vec::new()))
            .map_err(|error| ClusterError::unanswered(error.to_string()))?;
        let read = async {
            let response = self.proxy_client.send(request).await?;
            let code = response.status().as_u16();
            let mut body = response.into_body();
            let mut bytes = Vec::new();
            let mut truncated = false;
            while let Some(frame) = body.frame().await {
                let Ok(data) = frame?.into_data() else {
                    continue;
                };
                let room = max_bytes - bytes.len();
                if data.len() > room {
                    bytes.extend_from_slice(&data[..room]);
                    truncated = true;
                    break;
                }
                bytes.extend_from_slice(&data);
            }
            Ok((code, bytes, truncated))
        };
        let (code, body, truncated) = self.bounded(read).await?;
        if !(200..300).contains(&code)
            && let Some(status) = api_status(&body)
        {
            return Err(ClusterError {
                code: Some(code),
                reason: status.reason,
                message: status.message,
            });
        }
        Ok(ProxyAnswer {
            code,
            body,
            truncated,
        })
    }
}

/// The API server's own `Status`, when the body is one.
fn api_status(body: &[u8]) -> Option<kube::core::Status> {
    let value: Value = serde_json::from_slice(body).ok()?;
    if value.get("kind")?.as_str()? != "Status" || value.get("apiVersion")?.as_str()? != "v1" {
        return None;
    }
    serde_json::from_value(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_v1_status_body_is_the_api_servers_own_answer() {
        let status = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"services \"x\" not found","reason":"NotFound","code":404}"#;
        let service = br#"{"detail":"File not found"}"#;

        let read = api_status(status).expect("a Status");

        assert_eq!(read.reason, "NotFound");
        assert_eq!(read.message, "services \"x\" not found");
        assert!(api_status(service).is_none());
        assert!(api_status(b"not json").is_none());
    }
}

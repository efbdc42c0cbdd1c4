//! Volume sizes from the engine's disk-usage report, `GET /system/df`.
//!
//! Engines compute a volume's size only there (walking its files, so it may take a
//! while), and the report changed shape with API 1.52: Engine 20.10 to 28 send
//! `Volumes: [{Name, UsageData: {Size}}]`, later ones `VolumeUsage: {Items: […]}`.
//! bollard models only the newer shape, so the report is read here as raw JSON over
//! the server's own transport: its unix socket, its TCP address, or its agent's
//! `/docker` proxy. A report that fails or takes too long leaves sizes unknown; it
//! never fails the list.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

use crate::docker::Endpoint;
use crate::servers::ServerConnection;

/// How long the report may take before sizes are left unknown.
const REPORT_TIMEOUT: Duration = Duration::from_secs(10);
const PATH: &str = "/system/df";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Report {
    volumes: Option<Vec<VolumeUsage>>,
    volume_usage: Option<Items>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Items {
    items: Option<Vec<VolumeUsage>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VolumeUsage {
    name: String,
    usage_data: Option<UsageData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UsageData {
    size: i64,
}

/// Volume name → bytes, for the volumes whose size the engine reports; empty when the
/// report cannot be had.
pub async fn volume_sizes(server: &ServerConnection) -> HashMap<String, i64> {
    let report = match tokio::time::timeout(REPORT_TIMEOUT, read_report(server)).await {
        Ok(Ok(body)) => body,
        Ok(Err(error)) => {
            tracing::debug!(server = %server.name, error = format!("{error:#}"), "no disk-usage report");
            return HashMap::new();
        }
        Err(_) => {
            tracing::debug!(server = %server.name, "the disk-usage report took too long");
            return HashMap::new();
        }
    };
    sizes(&report)
}

fn sizes(report: &[u8]) -> HashMap<String, i64> {
    let Ok(report) = serde_json::from_slice::<Report>(report) else {
        return HashMap::new();
    };
    let volumes = report
        .volumes
        .or_else(|| report.volume_usage.and_then(|usage| usage.items))
        .unwrap_or_default();
    volumes
        .into_iter()
        .filter_map(|volume| {
            let size = volume.usage_data?.size;
            (size >= 0).then_some((volume.name, size))
        })
        .collect()
}

async fn read_report(server: &ServerConnection) -> anyhow::Result<Bytes> {
    let response = match &server.endpoint {
        Endpoint::Agent { .. } => {
            let agent = server
                .engine
                .agent
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("the agent's client is missing"))?;
            return agent.docker_get(PATH).await;
        }
        Endpoint::Unix(socket) => {
            let client: Client<_, Empty<Bytes>> =
                Client::builder(TokioExecutor::new()).build(hyperlocal::UnixConnector);
            client
                .get(hyperlocal::Uri::new(socket, PATH).into())
                .await?
        }
        Endpoint::Tcp { host, port } => {
            let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
            client
                .get(format!("http://{host}:{port}{PATH}").parse()?)
                .await?
        }
    };
    anyhow::ensure!(
        response.status().is_success(),
        "the engine answered {}",
        response.status()
    );
    Ok(response.into_body().collect().await?.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_of_the_report_give_the_sizes_engines_computed() {
        let legacy = br#"{"LayersSize": 1, "Volumes": [
            {"Name": "data", "UsageData": {"Size": 4096, "RefCount": 1}},
            {"Name": "unmeasured", "UsageData": {"Size": -1, "RefCount": 0}},
            {"Name": "plain"}
        ]}"#;
        assert_eq!(sizes(legacy), HashMap::from([("data".to_string(), 4096)]));
        let current = br#"{"VolumeUsage": {"TotalSize": 10, "Items": [
            {"Name": "cache", "UsageData": {"Size": 10, "RefCount": 0}}
        ]}}"#;
        assert_eq!(sizes(current), HashMap::from([("cache".to_string(), 10)]));
        assert!(sizes(b"not json").is_empty());
    }
}

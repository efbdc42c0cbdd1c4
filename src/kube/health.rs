//! Whether the cluster answers, checked the way monitor uses it: listing one graph
//! resource proves the address, the credentials, the RBAC grant and the CRD at once.

use std::time::{Duration, Instant};

use super::Kubernetes;

/// How long the probe waits before calling the cluster down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The cluster as a health check sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterHealth {
    NotConfigured,
    Up { latency: Duration },
    Down { reason: String },
}

impl Kubernetes {
    /// Lists one graph resource (in the first watched namespace, or any).
    pub async fn health(&self) -> ClusterHealth {
        let cluster = match self {
            Kubernetes::NotConfigured => return ClusterHealth::NotConfigured,
            Kubernetes::Misconfigured { reason } => {
                return ClusterHealth::Down {
                    reason: reason.to_string(),
                };
            }
            Kubernetes::Configured { cluster, .. } => cluster,
        };
        let namespace = cluster.watched_namespaces().first().map(String::as_str);
        let started = Instant::now();
        match tokio::time::timeout(PROBE_TIMEOUT, cluster.list_page(namespace, 1, None)).await {
            Ok(Ok(_)) => ClusterHealth::Up {
                latency: started.elapsed(),
            },
            Ok(Err(error)) if error.is_not_found() => {
                let resource = cluster.resource();
                ClusterHealth::Down {
                    reason: format!(
                        "{} ({}.{}/{}) is not served by {}: is its CRD installed?",
                        resource.kind,
                        resource.plural,
                        resource.group,
                        resource.version,
                        cluster.server()
                    ),
                }
            }
            Ok(Err(error)) => ClusterHealth::Down {
                reason: error.to_string(),
            },
            Err(_) => ClusterHealth::Down {
                reason: format!(
                    "no answer from {} within {} s",
                    cluster.server(),
                    PROBE_TIMEOUT.as_secs()
                ),
            },
        }
    }
}

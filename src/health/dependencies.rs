//! The optional dependencies: the Kubernetes cluster apps are deployed to and the
//! Grafana their dashboards live in. Each is NOT_CONFIGURED when its settings are
//! absent, UP when it answers, DOWN with the reason when it is misconfigured or does
//! not answer; the cluster is DEGRADED while it answers but the sync's watch fails.

use std::time::Duration;

use chrono::Utc;

use super::{CHECK_TIMEOUT, ComponentHealth, HealthStatus};
use crate::apps::grafana::GrafanaSetup;
use crate::apps::sync::SyncHealth;
use crate::kube::{ClusterHealth, Kubernetes};

/// `kubernetes`: lists one graph resource (address, credentials, RBAC and CRD at once);
/// DEGRADED when it answers but the sync's watch fails (changes made outside monitor
/// then go unseen), with the watch's error.
pub async fn check_kubernetes(kubernetes: &Kubernetes, sync: &SyncHealth) -> ComponentHealth {
    let checked_at = Utc::now();
    let (status, message, latency) = match kubernetes.health().await {
        ClusterHealth::NotConfigured => (
            HealthStatus::NotConfigured,
            Some("no cluster is configured".to_string()),
            None,
        ),
        ClusterHealth::Up { latency } => match sync.trouble() {
            None => (HealthStatus::Up, None, Some(latency)),
            Some(trouble) => (HealthStatus::Degraded, Some(trouble), Some(latency)),
        },
        ClusterHealth::Down { reason } => {
            let reason = match sync.trouble() {
                Some(trouble) => format!("{reason}; {trouble}"),
                None => reason,
            };
            (HealthStatus::Down, Some(reason), None)
        }
    };
    component("kubernetes", status, message, latency, checked_at)
}

/// `grafana`: asks Grafana's `/api/health`, which also checks Grafana's database.
pub async fn check_grafana(grafana: &GrafanaSetup) -> ComponentHealth {
    let checked_at = Utc::now();
    let (status, message, latency) = match grafana {
        GrafanaSetup::NotConfigured => (
            HealthStatus::NotConfigured,
            Some("no Grafana is configured".to_string()),
            None,
        ),
        GrafanaSetup::Misconfigured { reason } => {
            (HealthStatus::Down, Some(reason.to_string()), None)
        }
        GrafanaSetup::Configured(grafana) => {
            match tokio::time::timeout(CHECK_TIMEOUT, grafana.health()).await {
                Ok(Ok(latency)) => (HealthStatus::Up, None, Some(latency)),
                Ok(Err(error)) => (HealthStatus::Down, Some(error.to_string()), None),
                Err(_) => (
                    HealthStatus::Down,
                    Some(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
                    None,
                ),
            }
        }
    };
    component("grafana", status, message, latency, checked_at)
}

fn component(
    name: &str,
    status: HealthStatus,
    message: Option<String>,
    latency: Option<Duration>,
    checked_at: chrono::DateTime<Utc>,
) -> ComponentHealth {
    ComponentHealth {
        name: name.into(),
        status,
        message,
        checked_at,
        latency_ms: latency.map(|latency| latency.as_secs_f64() * 1000.0),
    }
}

//! Health of monitor and everything it depends on, checked when asked, each check
//! bounded in time so that one hung dependency cannot hang the answer.

mod dependencies;
pub mod graphql;

use std::time::Duration;

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};

use crate::servers::{Reachability, ServerState};
use crate::state::AppState;
use crate::store::Store;

/// How long one component may take to answer before it counts as down.
pub(crate) const CHECK_TIMEOUT: Duration = Duration::from_secs(2);
/// Slower than this and a component counts as degraded.
const SLOW: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum HealthStatus {
    Up,
    Degraded,
    Down,
    /// An optional dependency (Kubernetes, Grafana) that is not set up: nothing wrong.
    NotConfigured,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct ComponentHealth {
    /// `store`, `kubernetes`, `grafana`, then `docker:<server name>` per server.
    pub name: String,
    pub status: HealthStatus,
    /// What is wrong, when something is.
    pub message: Option<String>,
    pub checked_at: DateTime<Utc>,
    /// How long the check took, in milliseconds.
    pub latency_ms: Option<f64>,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Health {
    /// The worst status of any component.
    pub status: HealthStatus,
    pub version: String,
    pub started_at: DateTime<Utc>,
    pub components: Vec<ComponentHealth>,
}

/// Checks the store, the cluster and Grafana at once, and reads each server's engine
/// state from its supervisor.
///
/// The overall status is the store's, made no better than DEGRADED while any server,
/// the cluster or Grafana is down: monitor still works then, for everything else, so it
/// must not report itself DOWN (and be restarted or taken out of service) over one part.
pub async fn check_all(state: &AppState) -> Health {
    // Boxed: kube-rs's request futures are deep enough to overflow the compiler's layout
    // query when inlined into every resolver that reaches health.
    let (store, kubernetes, grafana) = tokio::join!(
        check_store(&state.store),
        Box::pin(dependencies::check_kubernetes(
            &state.kubernetes,
            &state.sync
        )),
        Box::pin(dependencies::check_grafana(&state.grafana)),
    );
    let mut servers: Vec<ComponentHealth> = state
        .servers
        .connections()
        .iter()
        .map(|server| server_health(&server.name, &server.state()))
        .collect();
    servers.sort_by(|a, b| a.name.cmp(&b.name));
    let any_part_down = servers
        .iter()
        .chain([&kubernetes, &grafana])
        .any(|s| !matches!(s.status, HealthStatus::Up | HealthStatus::NotConfigured));
    let status = match (store.status, any_part_down) {
        (HealthStatus::Up, true) => HealthStatus::Degraded,
        (status, _) => status,
    };
    let mut components = vec![store, kubernetes, grafana];
    components.extend(servers);
    Health {
        status,
        version: env!("CARGO_PKG_VERSION").to_string(),
        started_at: state.started_at,
        components,
    }
}

impl Health {
    /// The store's own status: what readiness depends on.
    pub fn store_status(&self) -> HealthStatus {
        self.components
            .iter()
            .find(|component| component.name == "store")
            .map_or(HealthStatus::Down, |component| component.status)
    }
}

/// A server's engine, as its supervisor last saw it: `docker:<server name>`.
fn server_health(name: &str, state: &ServerState) -> ComponentHealth {
    let (status, message) = match state.reachability {
        Reachability::Reachable => (HealthStatus::Up, None),
        Reachability::Connecting => (HealthStatus::Degraded, Some("not checked yet".to_string())),
        Reachability::Unreachable => (HealthStatus::Down, state.last_error.clone()),
    };
    ComponentHealth {
        name: format!("docker:{name}"),
        status,
        message,
        checked_at: state.checked_at.unwrap_or_else(Utc::now),
        latency_ms: None,
    }
}

async fn check_store(store: &Store) -> ComponentHealth {
    let checked_at = Utc::now();
    let (status, message, latency) = match tokio::time::timeout(CHECK_TIMEOUT, store.ping()).await {
        Ok(Ok(latency)) if latency > SLOW => (
            HealthStatus::Degraded,
            Some(format!(
                "the store answered slowly ({} ms)",
                latency.as_millis()
            )),
            Some(latency),
        ),
        Ok(Ok(latency)) => (HealthStatus::Up, None, Some(latency)),
        Ok(Err(error)) => (HealthStatus::Down, Some(error.to_string()), None),
        Err(_) => (
            HealthStatus::Down,
            Some(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
            None,
        ),
    };
    ComponentHealth {
        name: "store".into(),
        status,
        message,
        checked_at,
        latency_ms: latency.map(|latency| latency.as_secs_f64() * 1000.0),
    }
}

//! Health of monitor and everything it depends on, checked when asked, each check
//! bounded in time so that one hung dependency cannot hang the answer.

use std::time::Duration;

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::graphql::context::ContextExt;
use crate::store::Store;

/// How long one component may take to answer before it counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);
/// Slower than this and a component counts as degraded.
const SLOW: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Enum)]
pub enum HealthStatus {
    Up,
    Degraded,
    Down,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct ComponentHealth {
    /// `store` now; `docker`, `kubernetes`, `grafana` and agents as they are configured.
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

/// Checks every component.
pub async fn check_all(store: &Store, started_at: DateTime<Utc>) -> Health {
    let components = vec![check_store(store).await];
    let status = components
        .iter()
        .map(|component| component.status)
        .max()
        .unwrap_or(HealthStatus::Up);
    Health {
        status,
        version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        components,
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

#[derive(Default)]
pub struct HealthQuery;

#[Object]
impl HealthQuery {
    /// Overall status and one entry per component. Needs no token, so that monitoring
    /// can watch monitor.
    async fn health(&self, ctx: &Context<'_>) -> Health {
        let state = ctx.state();
        check_all(&state.store, state.started_at).await
    }
}

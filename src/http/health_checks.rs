//! Endpoints for orchestrators and scrapers: liveness, readiness, metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::health::{HealthStatus, check_all};
use crate::state::AppState;

/// `/healthz`: the process serves HTTP. Deliberately checks nothing else, so a broken
/// dependency never makes an orchestrator restart monitor in a loop.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `/readyz`: 200 when monitor can do its work (the store answers), 503 otherwise. A
/// server that is down is listed but does not make monitor unready.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let health = check_all(&state).await;
    let status = if health.store_status() == HealthStatus::Down {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let lines: String = health
        .components
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {}\n",
                c.name,
                c.status,
                c.message.clone().unwrap_or_default()
            )
        })
        .collect();
    (status, lines).into_response()
}

/// `/metrics`: Prometheus text exposition.
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

//! The HTTP surface: `/graphql` (HTTP and websocket), `/graphiql`, `/backup`,
//! `/hooks/git/{stackId}`, `/probes/connect` (probes' websockets),
//! `/probes/measurements/{id}/results.ndjson`, `/healthz`, `/readyz`, `/metrics`, and
//! the web client for every other path.

mod assets;
pub mod graphql;
mod health_checks;
mod serve;
mod websocket;

pub use serve::serve;

use axum::Router;
use axum::extract::FromRef;
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::graphql::guard::GuardedSchema;
use crate::stacks::Stacks;
use crate::state::AppState;

/// What the router's handlers can extract: the app state, and the schema built over it.
#[derive(Clone)]
pub struct RouterState {
    pub app: AppState,
    pub schema: GuardedSchema,
}

impl FromRef<RouterState> for AppState {
    fn from_ref(state: &RouterState) -> AppState {
        state.app.clone()
    }
}

/// The push webhook needs the stacks service only.
impl FromRef<RouterState> for Stacks {
    fn from_ref(state: &RouterState) -> Stacks {
        state.app.stacks.clone()
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: RouterState) -> Router {
    let app = state.app.clone();
    Router::new()
        .route(
            "/graphql",
            get(graphql::get).post(graphql::post).fallback(graphql::other_method),
        )
        .route("/graphiql", get(assets::graphiql))
        .route("/backup", get(crate::backup::http::download_backup))
        .route(
            "/hooks/git/{stack_id}",
            axum::routing::post(crate::stacks::webhook::git_push),
        )
        .route(
            crate::probes::protocol::SESSION_PATH,
            get(crate::probes::session::connect),
        )
        .route(
            "/probes/measurements/{id}/results.ndjson",
            get(crate::probes::results::download::download),
        )
        .route("/healthz", get(health_checks::healthz))
        .route("/readyz", get(health_checks::readyz))
        .route("/metrics", get(health_checks::metrics))
        .fallback(get(assets::spa).fallback(|| async { StatusCode::METHOD_NOT_ALLOWED }))
        .layer(axum::middleware::from_fn_with_state(
            app.metrics.clone(),
            crate::metrics::track,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let request_id = request
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

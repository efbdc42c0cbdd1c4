//! The HTTP surface: `/graphql` (HTTP and websocket), `/graphiql`, `/backup`,
//! `/hooks/git/{stackId}`, `/healthz`, `/readyz`, `/metrics`, and the web client for
//! every other path.

mod assets;
pub mod graphql;
mod probes;
mod serve;
mod websocket;

pub use serve::serve;

use axum::Router;
use axum::extract::FromRef;
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::app::AppState;
use crate::graphql::guard::GuardedSchema;

/// What handlers can extract: the app state, and the schema built over it.
#[derive(Clone)]
pub struct ServerState {
    pub app: AppState,
    pub schema: GuardedSchema,
}

impl FromRef<ServerState> for AppState {
    fn from_ref(state: &ServerState) -> AppState {
        state.app.clone()
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: ServerState) -> Router {
    let app = state.app.clone();
    Router::new()
        .route(
            "/graphql",
            get(graphql::get).post(graphql::post).fallback(graphql::other_method),
        )
        .route("/graphiql", get(assets::graphiql))
        .route("/backup", get(crate::backup::download_backup))
        .route(
            "/hooks/git/{stack_id}",
            axum::routing::post(crate::stacks::hooks::git_push),
        )
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz))
        .route("/metrics", get(probes::metrics))
        .fallback(get(assets::spa).fallback(|| async { StatusCode::METHOD_NOT_ALLOWED }))
        .layer(axum::middleware::from_fn_with_state(app, crate::metrics::track))
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

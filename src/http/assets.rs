//! The web client and GraphiQL, embedded in the binary from `client/dist` (built by
//! `npm run build` in `client/`), with the SPA fallback: unknown paths get `index.html`
//! so client-side routes survive a reload.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "client/dist"]
struct ClientAssets;

fn file(path: &str, cache: &'static str) -> Option<Response> {
    let asset = ClientAssets::get(path)?;
    let mime = asset.metadata.mimetype().to_string();
    Some(
        (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, cache.to_string()),
            ],
            asset.data.into_owned(),
        )
            .into_response(),
    )
}

fn not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The web client is not built into this binary: run `npm ci && npm run build` in client/ and rebuild monitor.\n",
    )
        .into_response()
}

/// `/graphiql`.
pub async fn graphiql() -> Response {
    file("graphiql.html", "no-cache").unwrap_or_else(not_built)
}

/// Any other GET: a built asset, or the SPA's `index.html`.
pub async fn spa(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("assets/") {
        // File names under assets/ carry a content hash, so they never change.
        return file(path, "public, max-age=31536000, immutable")
            .unwrap_or_else(|| (StatusCode::NOT_FOUND, "no such asset\n").into_response());
    }
    if !path.is_empty()
        && let Some(response) = file(path, "no-cache")
    {
        return response;
    }
    file("index.html", "no-cache").unwrap_or_else(not_built)
}

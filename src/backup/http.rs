//! `GET /backup`: the download itself, for an ADMIN token or a download ticket.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use serde::Deserialize;

use crate::audit::{AuditKind, AuditSubjectType};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::users::Role;

#[derive(Deserialize)]
pub struct DownloadParams {
    ticket: Option<String>,
}

/// Streams a full backup; memory use does not grow with the store.
#[tracing::instrument(skip_all, fields(actor = tracing::field::Empty))]
pub async fn download_backup(
    State(state): State<AppState>,
    Query(params): Query<DownloadParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let principal = match &params.ticket {
        Some(ticket) => state
            .backup_tickets
            .redeem(ticket)
            .ok_or(Error::Unauthenticated(
                "the download link is invalid, used or expired",
            ))?,
        None => authorised_admin(&state, &headers).await?,
    };
    tracing::Span::current().record("actor", principal.username.as_str());
    let event = state
        .audit
        .event(
            AuditKind::BackupDownloaded,
            &principal.actor(),
            format!("{} downloaded a backup", principal.username),
        )
        .about(AuditSubjectType::Backup, None, None);
    state.audit.append(event).await?;
    let filename = format!(
        "monitor-backup-{}.ndjson",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
    );
    // A failure mid-stream can only cut the download short (the status is sent); the
    // missing trailer tells the client, and the log tells the operator why.
    let stream = super::export::stream(state.store.clone()).inspect_err(|error| {
        tracing::error!(error = %error.client_message(), cause = %error, "the backup stream failed");
    });
    let body = Body::from_stream(stream);
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

async fn authorised_admin(state: &AppState, headers: &HeaderMap) -> Result<Principal> {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let authentication = state.auth.authenticate(header).await?;
    crate::auth::require(Some(&authentication), Role::Admin).cloned()
}

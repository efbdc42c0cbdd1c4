//! `GET /probes/measurements/{id}/results.ndjson`: every result of a measurement, one
//! JSON object per line, streamed page by page, for a Viewer's token.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::ResultRow;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::users::Role;

/// Results read from the store per page of the download.
const PAGE: usize = 500;

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let authentication = state.auth.authenticate(header).await?;
    crate::auth::require(Some(&authentication), Role::Viewer)?;
    if state.measurements.get(&id).await?.is_none() {
        return Err(crate::probes::measurements::not_found(&id));
    }
    // The id names a stored measurement (a ULID), so it is safe in a header.
    let filename = format!("measurement-{id}-results.ndjson");
    let results = state.results.clone();
    let stream = futures::stream::try_unfold(Some(String::new()), move |after| {
        let (results, id) = (results.clone(), id.clone());
        async move {
            let Some(after) = after else {
                return Ok::<_, Error>(None);
            };
            let after = (!after.is_empty()).then_some(after);
            let rows = results.rows(&id, after.as_deref(), PAGE).await?;
            let next = (rows.len() == PAGE)
                .then(|| rows.last().map(|row| row.key.clone()))
                .flatten();
            let mut lines = Vec::new();
            for row in &rows {
                serde_json::to_writer(&mut lines, &line_of(row))
                    .map_err(|error| Error::Internal(error.into()))?;
                lines.push(b'\n');
            }
            Ok(Some((Bytes::from(lines), next)))
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// One line: the result's fields, with the probe's payload as it sent it.
fn line_of(row: &ResultRow) -> serde_json::Value {
    serde_json::json!({
        "id": row.key,
        "measurementId": row.measurement_id,
        "probeId": row.probe_id,
        "target": row.target,
        "run": row.run,
        "kind": row.kind,
        "measuredAt": row.measured_at,
        "probeTime": row.probe_time,
        "clockOffsetMicros": row.offset_micros,
        "receivedAt": row.received_at,
        "rttMs": row.rtt_ms,
        "error": row.error,
        "result": row.payload(),
    })
}

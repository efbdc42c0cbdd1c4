//! `POST /hooks/git/{stackId}`: git hosts announce pushes here, and a push to the
//! stack's branch runs its pipeline.
//!
//! Answers: 401 for a missing or wrong signature (audited, nothing run), 400 for a
//! malformed body, 200 for a ping, 202 for a push that was ignored (another branch, a
//! tag, a repeated delivery) or that started a run (its operation id in the body).
//!
//! The whole webhook is this folder: the route here, the signature checks and the
//! reading of a delivery in `verify.rs`, the record of handled deliveries in the stack's
//! store code (`record_delivery`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

mod verify;

use super::{Stacks, store};
use crate::audit::{Actor, ActorKind, AuditKind};
use crate::operations::OperationTrigger;
use crate::state::AppState;
use verify::{DeliveryKind, WebhookError};

pub async fn git_push(
    State(state): State<AppState>,
    Path(stack_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state.stacks, &stack_id, &headers, &body).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(stack = %stack_id, %error, "cannot handle a webhook");
            answer(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

async fn handle(
    stacks: &Stacks,
    stack_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> crate::error::Result<Response> {
    let Some(row) = store::find(&stacks.store, stack_id).await? else {
        return Ok(answer(StatusCode::NOT_FOUND, "no such stack"));
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    let delivery = match verify::verify(&header, body, &row.webhook_secret) {
        Ok(delivery) => delivery,
        Err(WebhookError::MalformedBody(why)) => {
            return Ok(answer(StatusCode::BAD_REQUEST, &why));
        }
        Err(refusal) => {
            let actor = webhook_actor("unverified webhook");
            let event = stacks.event(
                AuditKind::WebhookRejected,
                &actor,
                &row,
                format!("refused a webhook for stack {}: {refusal}", row.name),
            );
            stacks.audit.append(event).await?;
            return Ok(answer(StatusCode::UNAUTHORIZED, &refusal.to_string()));
        }
    };
    let (branch, commit) = match delivery.kind {
        DeliveryKind::Ping => {
            return Ok((StatusCode::OK, Json(json!({ "message": "pong" }))).into_response());
        }
        DeliveryKind::Other => {
            let message = format!("{} events are not acted on", delivery.event);
            return Ok(answer(StatusCode::ACCEPTED, &message));
        }
        DeliveryKind::Push { branch, commit } => (branch, commit),
    };
    let wanted = row.repo.as_ref().map(|repo| repo.branch.as_str());
    if branch.is_none() || branch.as_deref() != wanted {
        let message = format!(
            "ignored: the push is to {}, the stack follows {}",
            branch.as_deref().unwrap_or("a ref that is not a branch"),
            wanted.unwrap_or("no branch")
        );
        return Ok(answer(StatusCode::ACCEPTED, &message));
    }
    if let Some(id) = &delivery.id
        && !store::record_delivery(&stacks.store, stack_id, id).await?
    {
        return Ok(answer(
            StatusCode::ACCEPTED,
            "ignored: this delivery was already handled",
        ));
    }
    let actor = webhook_actor(&format!("{} push", delivery.provider));
    let reason = format!(
        "{} push to {} at {}",
        delivery.provider,
        branch.unwrap_or_default(),
        commit.as_deref().unwrap_or("an unknown commit")
    );
    match stacks
        .run_pipeline(&actor, stack_id, OperationTrigger::Webhook, &reason)
        .await
    {
        Ok(launched) => Ok((
            StatusCode::ACCEPTED,
            Json(json!({ "operationId": launched.operation.key() })),
        )
            .into_response()),
        Err(crate::error::Error::BadInput { message, .. }) => {
            Ok(answer(StatusCode::CONFLICT, &message))
        }
        Err(error) => Err(error),
    }
}

fn webhook_actor(name: &str) -> Actor {
    Actor {
        kind: ActorKind::Webhook,
        name: name.to_string(),
        user_id: None,
    }
}

fn answer(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "message": message }))).into_response()
}

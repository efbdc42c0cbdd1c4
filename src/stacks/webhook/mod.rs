//! `POST /hooks/git/{stackId}`: git hosts announce pushes here, and a push to the
//! stack's branch runs its pipeline.
//!
//! Answers: 401 for a missing or wrong signature, and for a stack that does not exist
//! (checked against a secret nobody has, so both answers are the same), 429 once a
//! stack id has had [`refusals::BUDGET`] refusals in a minute (see [`refusals`] for how
//! they are audited), 400 for a malformed body, 200 for a ping, 202 for a push that was
//! ignored (another branch, a tag, a delivery already handled) or that started a run
//! (its operation id in the body). A delivery is handled once: a replay of its signed
//! body, under any delivery id, is answered as already handled.
//!
//! The whole webhook is this folder: the route here, the signature checks and the
//! reading of a delivery in `verify.rs`, the budget of refusals in `refusals.rs`, the
//! record of handled deliveries in the stack's store code (`record_delivery`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

pub(super) mod refusals;
mod verify;

use super::{StackRow, Stacks, store};
use crate::audit::{Actor, ActorKind, AuditKind};
use crate::operations::OperationTrigger;
use refusals::Refusal;
use verify::{DeliveryKind, WebhookError};

pub async fn git_push(
    State(stacks): State<Stacks>,
    Path(stack_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&stacks, &stack_id, &headers, &body).await {
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
    let row = store::find(&stacks.store, stack_id).await?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    let secret = row.as_ref().map_or(&*stacks.unknown_stack_secret, |row| {
        row.webhook_secret.as_str()
    });
    let delivery = match verify::verify(&header, body, secret) {
        Ok(delivery) => delivery,
        Err(WebhookError::MalformedBody(why)) => {
            return Ok(answer(StatusCode::BAD_REQUEST, &why));
        }
        Err(refusal) => return refuse(stacks, stack_id, row, refusal).await,
    };
    let Some(row) = row else {
        return refuse(stacks, stack_id, None, WebhookError::BadSignature).await;
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
    // What is signed is the body (with the ref and the commit in it): a replay of it
    // is the same delivery, whatever its delivery id says.
    let signed = hex::encode(Sha256::digest(body));
    if !store::record_delivery(&stacks.store, stack_id, &signed).await? {
        tracing::info!(stack = %row.name, delivery = ?delivery.id, "a delivery already handled was sent again; nothing runs");
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

/// Answers a delivery whose signature failed: 401, or 429 past the budget; audits the
/// first refusal of a minute for a stack that exists, and the rest as one summary.
async fn refuse(
    stacks: &Stacks,
    stack_id: &str,
    row: Option<StackRow>,
    refusal: WebhookError,
) -> crate::error::Result<Response> {
    let verdict = stacks.webhook_refusals.refuse(stack_id);
    if let (Refusal::First, Some(row)) = (verdict, row) {
        let actor = webhook_actor("unverified webhook");
        let event = stacks.event(
            AuditKind::WebhookRejected,
            &actor,
            &row,
            format!("refused a webhook for stack {}: {refusal}", row.name),
        );
        stacks.audit.append(event).await?;
        tokio::spawn(summarise(stacks.clone(), row));
    }
    if verdict == Refusal::Limited {
        let retry = refusals::WINDOW.as_secs().to_string();
        let mut response = answer(
            StatusCode::TOO_MANY_REQUESTS,
            "too many refused deliveries for this stack; try again later",
        );
        if let Ok(value) = retry.parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    Ok(answer(StatusCode::UNAUTHORIZED, &refusal.to_string()))
}

/// At the end of a stack's minute of refusals, audits how many came after the first.
async fn summarise(stacks: Stacks, row: StackRow) {
    tokio::time::sleep(refusals::WINDOW).await;
    let more = stacks.webhook_refusals.close(&row.key());
    if more == 0 {
        return;
    }
    let actor = webhook_actor("unverified webhook");
    let event = stacks.event(
        AuditKind::WebhookRejected,
        &actor,
        &row,
        format!(
            "refused {more} more webhooks for stack {} in the minute after the first",
            row.name
        ),
    );
    if let Err(error) = stacks.audit.append(event).await {
        tracing::error!(stack = %row.name, %error, "cannot audit refused webhooks");
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

//! Verifying git push webhooks from GitHub, GitLab and Gitea, and reading
//! which branch and commit a push names (the HTTP route is in `mod.rs`).
//!
//! The provider is told by the credential header it sends:
//! - Gitea (and Forgejo, which sends Gitea's headers too):
//!   `X-Gitea-Signature: <hex HMAC-SHA256 of the body>`, with `X-Gitea-Event`
//!   and `X-Gitea-Delivery`. Looked for first, because Gitea also sends
//!   GitHub's `X-Hub-Signature-256`, `X-GitHub-Event` and `X-GitHub-Delivery`
//!   for compatibility and would otherwise pass for GitHub.
//! - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`, with
//!   `X-GitHub-Event` and `X-GitHub-Delivery` (kept across redeliveries).
//! - GitLab: `X-Gitlab-Token: <the secret itself>`, with `X-Gitlab-Event`.
//!   GitLab signs nothing, so only the sender is authenticated, not the body.
//!   Its delivery id is `Idempotency-Key` (GitLab 17.4+, kept across retries),
//!   else `X-Gitlab-Event-UUID` (one per triggering event), else
//!   `X-Gitlab-Webhook-UUID` (new on every attempt). GitLab has no ping event.
//!
//! Once a header has chosen the provider only that credential is checked: a
//! bad Gitea signature is not rescued by a good GitHub one. The credential is
//! checked before the body is parsed, so unauthenticated bytes never reach
//! the JSON parser. No provider signs a timestamp, so a captured delivery can
//! be replayed: callers drop repeats by [`Delivery::id`].

use std::fmt;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Who sent a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    GitHub,
    GitLab,
    Gitea,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::GitHub => "GitHub",
            Provider::GitLab => "GitLab",
            Provider::Gitea => "Gitea",
        })
    }
}

/// A webhook whose credential held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub provider: Provider,
    /// The provider's event name (`push`, `Push Hook`, `ping`, …); empty if
    /// the event header was missing.
    pub event: String,
    /// The provider's delivery id, for dropping repeats.
    pub id: Option<String>,
    pub kind: DeliveryKind,
}

/// What a delivery asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryKind {
    /// A hook was set up or tested; nothing to do but answer.
    Ping,
    /// Commits were pushed. `branch` is `None` for a tag or any other ref
    /// outside `refs/heads/`; `commit` is `None` when the ref was deleted.
    Push {
        branch: Option<String>,
        commit: Option<String>,
    },
    /// Any other event.
    Other,
}

/// Why a webhook was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// No header of a known provider carried a credential (401).
    #[error("no webhook signature or token header")]
    MissingSignature,
    /// The signature or token does not match the secret (401).
    #[error("webhook signature does not match")]
    BadSignature,
    /// Authenticated, but the body is not what the event promises (400).
    #[error("malformed webhook body: {0}")]
    MalformedBody(String),
}

/// Verifies a webhook against `secret`, then reads what it asks for.
///
/// `headers` looks a header up by name and must ignore case, as
/// `http::HeaderMap::get` does. An empty secret matches nothing, so a
/// misconfigured hook cannot be forged by anyone who guesses that.
pub fn verify(
    headers: &impl Fn(&str) -> Option<String>,
    body: &[u8],
    secret: &str,
) -> Result<Delivery, WebhookError> {
    // Gitea sends its signature headers empty (`X-Hub-Signature-256:
    // sha256=`) when the hook has no secret: that is a missing credential.
    let credential = |name: &str| {
        headers(name)
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty() && value != "sha256=")
    };
    let (provider, authentic) = if let Some(signature) = credential("X-Gitea-Signature") {
        (Provider::Gitea, hmac_matches(secret, body, &signature))
    } else if let Some(signature) = credential("X-Hub-Signature-256") {
        let authentic = signature
            .strip_prefix("sha256=")
            .is_some_and(|hex| hmac_matches(secret, body, hex));
        (Provider::GitHub, authentic)
    } else if let Some(token) = credential("X-Gitlab-Token") {
        (Provider::GitLab, token_matches(secret, &token))
    } else {
        return Err(WebhookError::MissingSignature);
    };
    if !authentic {
        return Err(WebhookError::BadSignature);
    }

    let (event, id) = match provider {
        Provider::GitHub => (headers("X-GitHub-Event"), headers("X-GitHub-Delivery")),
        Provider::Gitea => (headers("X-Gitea-Event"), headers("X-Gitea-Delivery")),
        Provider::GitLab => (
            headers("X-Gitlab-Event"),
            headers("Idempotency-Key")
                .or_else(|| headers("X-Gitlab-Event-UUID"))
                .or_else(|| headers("X-Gitlab-Webhook-UUID")),
        ),
    };
    let event = event.map(|e| e.trim().to_string()).unwrap_or_default();
    let id = id
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty());
    let kind = kind_of(provider, &event, body)?;
    Ok(Delivery {
        provider,
        event,
        id,
        kind,
    })
}

/// The `X-Hub-Signature-256` value GitHub would send for `body`.
#[cfg(test)]
pub fn sign_github(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hmac_hex(secret, body))
}

#[cfg(test)]
fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = hmac_for(secret);
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn hmac_for(secret: &str) -> HmacSha256 {
    // HMAC takes a key of any length, so this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
}

/// Constant-time check of a hex HMAC-SHA256 of `body`.
fn hmac_matches(secret: &str, body: &[u8], signature: &str) -> bool {
    let Ok(signature) = hex::decode(signature.trim()) else {
        return false;
    };
    if secret.is_empty() {
        return false;
    }
    let mut mac = hmac_for(secret);
    mac.update(body);
    mac.verify_slice(&signature).is_ok()
}

/// Constant-time token check. Both sides are hashed first so the comparison
/// runs over equal lengths and leaks nothing about the secret's length.
fn token_matches(secret: &str, token: &str) -> bool {
    let expected = Sha256::digest(secret.as_bytes());
    let given = Sha256::digest(token.trim().as_bytes());
    !secret.is_empty() && bool::from(expected.as_slice().ct_eq(given.as_slice()))
}

/// The parts of a push payload we read; the three providers share them.
#[derive(Deserialize)]
struct PushPayload {
    #[serde(rename = "ref")]
    reference: Option<String>,
    after: Option<String>,
    /// GitLab only: the head of the pushed ref (null when it was deleted).
    checkout_sha: Option<String>,
}

fn kind_of(provider: Provider, event: &str, body: &[u8]) -> Result<DeliveryKind, WebhookError> {
    let payload: serde_json::Value = serde_json::from_slice(body)
        .map_err(|err| WebhookError::MalformedBody(format!("not JSON: {err}")))?;
    let is_push = match (provider, event) {
        (_, "ping") => return Ok(DeliveryKind::Ping),
        (Provider::GitHub | Provider::Gitea, "push") => true,
        (Provider::GitLab, "Push Hook" | "Tag Push Hook") => true,
        // Instance-wide hooks send pushes under this one event name.
        (Provider::GitLab, "System Hook") => matches!(
            payload.get("event_name").and_then(|name| name.as_str()),
            Some("push" | "tag_push")
        ),
        _ => false,
    };
    if !is_push {
        return Ok(DeliveryKind::Other);
    }
    let push = PushPayload::deserialize(&payload)
        .map_err(|err| WebhookError::MalformedBody(format!("push payload: {err}")))?;
    let reference = push
        .reference
        .ok_or_else(|| WebhookError::MalformedBody("push payload has no `ref`".to_string()))?;
    let branch = reference
        .strip_prefix("refs/heads/")
        .filter(|branch| !branch.is_empty())
        .map(str::to_string);
    let commit = match provider {
        Provider::GitLab => push.checkout_sha.or(push.after),
        Provider::GitHub | Provider::Gitea => push.after,
    };
    // An all-zero id is how every provider says the ref was deleted.
    let commit = commit.filter(|sha| !sha.is_empty() && !sha.bytes().all(|b| b == b'0'));
    Ok(DeliveryKind::Push { branch, commit })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cret";
    const SHA: &str = "bffeb74224043ba2feb48d137756c8a9331c449a";

    /// A header accessor over fixed pairs, ignoring case like `HeaderMap`.
    fn headers(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        }
    }

    fn push_body(reference: &str) -> Vec<u8> {
        format!(r#"{{"ref":"{reference}","before":"0","after":"{SHA}","commits":[]}}"#).into_bytes()
    }

    fn github(event: &str, body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
        let signature = sign_github(secret, body);
        let headers = headers(&[
            ("x-hub-signature-256", &signature),
            ("X-GitHub-Event", event),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ]);
        verify(&headers, body, SECRET)
    }

    #[test]
    fn a_valid_github_push_names_its_branch_and_commit() {
        let delivery = github("push", &push_body("refs/heads/feature/x"), SECRET).expect("valid");
        assert_eq!(
            delivery,
            Delivery {
                provider: Provider::GitHub,
                event: "push".to_string(),
                id: Some("72d3162e-cc78-11e3-81ab-4c9367dc0958".to_string()),
                kind: DeliveryKind::Push {
                    branch: Some("feature/x".to_string()),
                    commit: Some(SHA.to_string()),
                },
            }
        );
    }

    #[test]
    fn a_tampered_body_is_rejected() {
        let body = push_body("refs/heads/main");
        let signature = sign_github(SECRET, &body);
        let tampered = push_body("refs/heads/evil");
        let headers = headers(&[
            ("X-Hub-Signature-256", &signature),
            ("X-GitHub-Event", "push"),
        ]);
        let err = verify(&headers, &tampered, SECRET).expect_err("tampered");
        assert!(matches!(err, WebhookError::BadSignature));
    }

    #[test]
    fn a_signature_made_with_another_secret_is_rejected() {
        let err = github("push", &push_body("refs/heads/main"), "other").expect_err("wrong secret");
        assert!(matches!(err, WebhookError::BadSignature));
    }

    #[test]
    fn garbage_signatures_and_an_empty_secret_are_rejected() {
        let body = push_body("refs/heads/main");
        for signature in ["sha256=zz", "sha256=00", "deadbeef", "sha1=00"] {
            let headers = headers(&[("X-Hub-Signature-256", signature)]);
            let err = verify(&headers, &body, SECRET).expect_err(signature);
            assert!(matches!(err, WebhookError::BadSignature), "{signature}");
        }
        let headers = headers(&[("X-Hub-Signature-256", &sign_github("", &body))]);
        let err = verify(&headers, &body, "").expect_err("empty secret");
        assert!(matches!(err, WebhookError::BadSignature));
    }

    #[test]
    fn a_request_without_a_credential_header_is_rejected() {
        let body = push_body("refs/heads/main");
        let legacy_sha1_only =
            headers(&[("X-GitHub-Event", "push"), ("X-Hub-Signature", "sha1=00")]);
        // What Gitea sends for a hook that has no secret.
        let gitea_without_secret = headers(&[
            ("X-Gitea-Signature", ""),
            ("X-Hub-Signature-256", "sha256="),
            ("X-Gitea-Event", "push"),
        ]);
        for headers in [
            &legacy_sha1_only as &dyn Fn(&str) -> Option<String>,
            &gitea_without_secret,
        ] {
            let err = verify(&headers, &body, SECRET).expect_err("missing");
            assert!(matches!(err, WebhookError::MissingSignature), "{err}");
        }
    }

    #[test]
    fn a_github_ping_is_a_ping() {
        let body = br#"{"zen":"Design for failure.","hook_id":1}"#;
        let delivery = github("ping", body, SECRET).expect("valid");
        assert_eq!(delivery.kind, DeliveryKind::Ping);
    }

    #[test]
    fn an_event_that_is_neither_push_nor_ping_is_other() {
        let delivery = github("issues", br#"{"action":"opened"}"#, SECRET).expect("valid");
        assert_eq!(delivery.kind, DeliveryKind::Other);
    }

    #[test]
    fn a_tag_push_names_no_branch() {
        let delivery = github("push", &push_body("refs/tags/v1.2.0"), SECRET).expect("valid");
        assert_eq!(
            delivery.kind,
            DeliveryKind::Push {
                branch: None,
                commit: Some(SHA.to_string())
            }
        );
    }

    #[test]
    fn a_deleted_branch_names_no_commit() {
        let body =
            br#"{"ref":"refs/heads/old","after":"0000000000000000000000000000000000000000"}"#;
        let delivery = github("push", body, SECRET).expect("valid");
        assert_eq!(
            delivery.kind,
            DeliveryKind::Push {
                branch: Some("old".to_string()),
                commit: None
            }
        );
    }

    #[test]
    fn a_signed_body_that_is_not_a_push_payload_is_malformed() {
        for body in [&b"{not json"[..], br#"{"ref":5}"#, br#"{"after":"abc"}"#] {
            let err = github("push", body, SECRET).expect_err("malformed");
            assert!(matches!(err, WebhookError::MalformedBody(_)), "{err}");
        }
    }

    #[test]
    fn a_gitlab_token_is_checked_and_its_idempotency_key_is_the_id() {
        let body = br#"{"object_kind":"push","ref":"refs/heads/main","after":"1111111111111111111111111111111111111111","checkout_sha":"2222222222222222222222222222222222222222"}"#;
        let gitlab = |token: &str| {
            headers(&[
                ("X-Gitlab-Token", token),
                ("X-Gitlab-Event", "Push Hook"),
                ("X-Gitlab-Event-UUID", "event-uuid"),
                ("Idempotency-Key", "retry-stable"),
            ])
        };

        let delivery = verify(&gitlab(SECRET), body, SECRET).expect("right token");
        assert_eq!(delivery.provider, Provider::GitLab);
        assert_eq!(delivery.id.as_deref(), Some("retry-stable"));
        assert_eq!(
            delivery.kind,
            DeliveryKind::Push {
                branch: Some("main".to_string()),
                commit: Some("2".repeat(40)),
            }
        );

        for wrong in ["s3cre", "s3cret!", "S3CRET"] {
            let err = verify(&gitlab(wrong), body, SECRET).expect_err(wrong);
            assert!(matches!(err, WebhookError::BadSignature), "{wrong:?}");
        }
    }

    #[test]
    fn a_gitlab_system_hook_push_is_a_push() {
        let body = br#"{"event_name":"tag_push","ref":"refs/tags/v1","checkout_sha":null,"after":"3333333333333333333333333333333333333333"}"#;
        let headers = headers(&[
            ("X-Gitlab-Token", SECRET),
            ("X-Gitlab-Event", "System Hook"),
            ("X-Gitlab-Webhook-UUID", "webhook-uuid"),
        ]);
        let delivery = verify(&headers, body, SECRET).expect("valid");
        assert_eq!(delivery.id.as_deref(), Some("webhook-uuid"));
        assert_eq!(
            delivery.kind,
            DeliveryKind::Push {
                branch: None,
                commit: Some("3".repeat(40))
            }
        );
    }

    #[test]
    fn a_gitea_signature_is_checked_before_the_github_one_it_also_sends() {
        let body = push_body("refs/heads/main");
        let gitea = |signature: &str| {
            headers(&[
                ("X-Gitea-Signature", signature),
                ("X-Gitea-Event", "push"),
                ("X-Gitea-Delivery", "f6266f16"),
                ("X-Hub-Signature-256", &sign_github(SECRET, &body)),
                ("X-GitHub-Event", "push"),
            ])
        };

        let delivery = verify(&gitea(&hmac_hex(SECRET, &body)), &body, SECRET).expect("valid");
        assert_eq!(delivery.provider, Provider::Gitea);
        assert_eq!(delivery.id.as_deref(), Some("f6266f16"));
        assert_eq!(
            delivery.kind,
            DeliveryKind::Push {
                branch: Some("main".to_string()),
                commit: Some(SHA.to_string())
            }
        );

        let wrong = hmac_hex("other", &body);
        let err = verify(&gitea(&wrong), &body, SECRET).expect_err("wrong secret");
        assert!(matches!(err, WebhookError::BadSignature));
    }
}

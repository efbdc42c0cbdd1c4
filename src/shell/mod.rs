//! Shells into containers: an engine exec with a TTY, driven through GraphQL.
//!
//! `startContainerShell` creates the exec and returns a session; `shellOutput` streams
//! what the terminal writes; `sendShellInput` and `resizeShell` feed it keystrokes and
//! its size; `closeShell` ends it. Why GraphQL rather than a websocket route of its
//! own: the client already holds one authenticated websocket whose token is re-checked
//! at every ping (a revoked token ends the shell with everything else), the input is
//! checked and the errors coded like every other field, and a script can drive a shell
//! with any GraphQL client. Keystrokes are small and rare next to output, so a mutation
//! per keystroke (over the same websocket, as graphql-ws allows) costs little.
//!
//! Rules: OPERATOR and up; only the user who opened a session can read, type into,
//! resize or close it; at most [`MAX_SESSIONS_PER_USER`] each; the session ends when
//! its `shellOutput` subscription ends (the websocket closed, the view completed it),
//! when nobody subscribes within [`ATTACH_TIMEOUT`], after [`IDLE_TIMEOUT`] without
//! input or output, or when the command exits. Ending a session closes the exec's
//! connection and hangs up its process (see `hangup.rs` for how, and where monitor
//! cannot). Opening and ending are audited, the end with its reason.
//!
//! On a server behind `monitor agent`, the exec's connection (an HTTP/1.1 hijack, which
//! the agent's HTTP/2 proxy cannot forward) is made by the agent and carried as one
//! HTTP/2 stream (see `attach.rs`).

mod attach;
mod graphql;
pub mod hangup;
mod input;
mod session;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use graphql::{ShellMutation, ShellSubscription};
pub use session::{ShellOutput, ShellSession};

use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::auth::Principal;
use crate::error::{Error, Result};
use session::Session;

/// Shells one user may have open at once.
pub const MAX_SESSIONS_PER_USER: usize = 4;
/// How long a new session waits for its `shellOutput` subscriber.
pub const ATTACH_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a session may see neither input nor output.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The open shell sessions.
#[derive(Clone)]
pub struct Shells {
    audit: AuditLog,
    sessions: Arc<Mutex<HashMap<String, Arc<Session>>>>,
}

impl Shells {
    pub fn new(audit: AuditLog) -> Shells {
        Shells {
            audit,
            sessions: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The caller's own session; another user's is `NOT_FOUND` too, so session ids
    /// cannot be probed.
    fn owned(&self, principal: &Principal, id: &str) -> Result<Arc<Session>> {
        self.lock()
            .get(id)
            .filter(|session| {
                session.owner.user_id.as_ref().map(|id| id.as_str())
                    == Some(principal.user_id.as_str())
            })
            .cloned()
            .ok_or_else(|| Error::NotFound {
                what: "shell session",
                id: id.to_string(),
            })
    }

    /// `CONFLICT` when `owner` has as many shells open as one user may.
    fn check_room(&self, owner: &Actor) -> Result<()> {
        room_for(&self.lock(), owner)
    }

    /// Registers a started session, unless its owner has too many already (checked
    /// again, under the same lock as the insert: two starts may have raced).
    fn admit(&self, session: &Arc<Session>) -> Result<()> {
        let mut sessions = self.lock();
        room_for(&sessions, &session.owner)?;
        sessions.insert(session.id.clone(), session.clone());
        Ok(())
    }

    /// Ends a session (once, whoever asks first) and records why.
    fn end(&self, id: &str, reason: String) {
        let Some(session) = self.lock().remove(id) else {
            return;
        };
        session.stop(&reason);
        // Called from drops too, which may run as the runtime itself goes away.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let shells = self.clone();
        runtime.spawn(async move {
            let summary = format!(
                "closed a shell into {} on {} after {}: {reason}",
                session.container_name,
                session.server.name,
                session.age()
            );
            let detail = serde_json::json!({ "sessionId": session.id, "reason": reason });
            let recorded = shells
                .record(
                    AuditKind::ContainerShellClosed,
                    &session.owner,
                    &session,
                    summary,
                    detail,
                )
                .await;
            if let Err(error) = recorded {
                tracing::error!(error = %error.client_message(), "cannot record a shell's end");
            }
        });
    }

    async fn record_open(&self, actor: &Actor, session: &Session) -> Result<()> {
        let summary = format!(
            "opened a shell into {} on {}: {}",
            session.container_name,
            session.server.name,
            session.command.join(" ")
        );
        let detail = serde_json::json!({ "sessionId": session.id, "command": session.command });
        self.record(
            AuditKind::ContainerShellOpened,
            actor,
            session,
            summary,
            detail,
        )
        .await
    }

    async fn record(
        &self,
        kind: AuditKind,
        actor: &Actor,
        session: &Session,
        summary: String,
        detail: serde_json::Value,
    ) -> Result<()> {
        let event = self
            .audit
            .event(kind, actor, summary)
            .about(
                AuditSubjectType::Container,
                Some(&session.container_id),
                Some(&session.container_name),
            )
            .on_server(&session.server.id, Some(&session.server.name))
            .with_diff(None, Some(detail));
        self.audit.append(event).await
    }
}

fn room_for(sessions: &HashMap<String, Arc<Session>>, owner: &Actor) -> Result<()> {
    let mine = sessions
        .values()
        .filter(|open| open.owner.user_id == owner.user_id)
        .count();
    if mine >= MAX_SESSIONS_PER_USER {
        return Err(Error::Conflict(format!(
            "{} has {mine} shells open, the most one user may have; close one first",
            owner.name
        )));
    }
    Ok(())
}

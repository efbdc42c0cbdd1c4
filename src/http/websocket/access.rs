//! Who a socket acts for: checked at `connection_init`, again for every operation it
//! starts (the gate re-authenticates its [`SocketCredentials`]), and again whenever that
//! user's access changes or a ping is due, which closes the socket once the token no
//! longer authenticates (4401) or the user's role was lowered (4403).

use std::sync::{Arc, Mutex};

use async_graphql::Data;
use axum::extract::ws::Message;

use super::{FORBIDDEN, RouterState, close};
use crate::auth::{Authentication, OpenSocket, SocketCredentials, require};
use crate::graphql::context::ClientAddress;
use crate::users::Role;

/// The user a socket was accepted for, and the role it had when last checked.
struct Accepted {
    header: String,
    user_id: String,
    role: Role,
    _open: OpenSocket,
}

/// What the handshake accepted; empty until then.
#[derive(Clone, Default)]
pub struct Access(Arc<Mutex<Option<Accepted>>>);

/// Why a socket is closed, and with which code.
pub struct Refusal {
    code: u16,
    reason: String,
}

impl Refusal {
    /// The messages that end the connection: a close frame, after a `connection_error`
    /// in the legacy protocol, whose clients read no close codes.
    pub fn messages(self, legacy: bool) -> Vec<Message> {
        let mut messages = Vec::with_capacity(2);
        if legacy {
            let error = serde_json::json!({ "type": "connection_error", "payload": { "message": self.reason } });
            messages.push(Message::Text(error.to_string().into()));
        }
        messages.push(close(self.code, &self.reason));
        messages
    }
}

impl Access {
    /// Authenticates the handshake's token: the data every operation of the socket
    /// starts from, or the refusal (a 4403 close) as async-graphql expects it.
    pub async fn accept(
        &self,
        state: &RouterState,
        header: Option<String>,
        client: ClientAddress,
    ) -> async_graphql::Result<Data> {
        let forbidden =
            |message: String| async_graphql::Error::new(format!("{FORBIDDEN}{message}"));
        let (authentication, generation) = state.app.auth.check_live(header.as_deref()).await;
        let principal = require(Some(&authentication), Role::Viewer)
            .map_err(|error| forbidden(error.to_string()))?;
        let most = state.app.settings.limits.websocket_connections_per_user;
        let open = state
            .app
            .auth
            .live()
            .open(&principal.user_id, most)
            .map_err(|open| {
                forbidden(format!(
                    "{} already has {open} connections open, the most allowed: close one first",
                    principal.username
                ))
            })?;
        let header = header.unwrap_or_default();
        let accepted = Accepted {
            header: header.clone(),
            user_id: principal.user_id.clone(),
            role: principal.role,
            _open: open,
        };
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(accepted);
        }
        let mut data = Data::default();
        data.insert(SocketCredentials::new(
            &state.app.auth,
            header,
            (authentication, generation),
        ));
        data.insert(client);
        Ok(data)
    }

    /// Whether a change of this user's access concerns this socket.
    pub fn is_for(&self, user_id: &str) -> bool {
        self.0
            .lock()
            .ok()
            .and_then(|slot| slot.as_ref().map(|accepted| accepted.user_id == user_id))
            .unwrap_or(false)
    }

    /// Checks the token again; the refusal that closes the socket, if it must close.
    /// A raised role is only noted: operations are authorized as they start.
    pub async fn recheck(&self, state: &RouterState) -> Option<Refusal> {
        let (header, role) = {
            let slot = self.0.lock().ok()?;
            let accepted = slot.as_ref()?;
            (accepted.header.clone(), accepted.role)
        };
        match state.app.auth.check(Some(&header)).await {
            Authentication::Rejected(reason) => Some(Refusal {
                code: 4401,
                reason: reason.to_string(),
            }),
            Authentication::Authenticated(principal) if principal.role < role => Some(Refusal {
                code: 4403,
                reason: format!(
                    "{}'s role changed from {} to {}; reconnect to go on as {}",
                    principal.username,
                    role.as_str(),
                    principal.role.as_str(),
                    principal.role.as_str()
                ),
            }),
            Authentication::Authenticated(principal) => {
                if let Ok(mut slot) = self.0.lock()
                    && let Some(accepted) = slot.as_mut()
                {
                    accepted.role = principal.role;
                }
                None
            }
            // A store that cannot answer says nothing about the token.
            Authentication::Anonymous | Authentication::Unavailable(_) => None,
        }
    }
}

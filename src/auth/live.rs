//! Open websockets per user, and word when a user's access changes.
//!
//! A websocket is authenticated at `connection_init` and may then stay open for hours.
//! So that a revoked token, a password change, a removed user or a changed role reaches
//! open sockets at once instead of at their next ping, whatever changes a user's access
//! publishes the user's id here, and each socket of that user checks its token again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::sync::broadcast;

use super::{Auth, Authentication};

/// Changes published at once that a socket may fall behind on; a socket that does is
/// told it lagged and checks its token anyway.
const CHANGES_BUFFER: usize = 256;

/// What the websocket endpoint and the services that change access share.
pub struct LiveSessions {
    changes: broadcast::Sender<String>,
    /// Counts changes of anyone's access: a socket's last check is current while this
    /// has not moved since it.
    generation: AtomicU64,
    open: Mutex<HashMap<String, usize>>,
}

impl Default for LiveSessions {
    fn default() -> Self {
        LiveSessions {
            changes: broadcast::channel(CHANGES_BUFFER).0,
            generation: AtomicU64::new(0),
            open: Mutex::default(),
        }
    }
}

impl LiveSessions {
    /// Says that the access of this user changed: a token revoked, sessions ended, the
    /// role or the user itself changed or removed. Called once the change is stored and
    /// before its mutation answers, so an operation sent after that answer is checked
    /// against the store again.
    pub fn changed(&self, user_id: &str) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        // No receiver means no open socket: nothing to tell.
        let _ = self.changes.send(user_id.to_string());
    }

    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The ids of users whose access changes from now on.
    pub fn changes(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    /// Counts one more open socket for the user, unless `most` are open already; the
    /// slot is given back when the returned guard is dropped.
    pub fn open(self: &Arc<Self>, user_id: &str, most: usize) -> Result<OpenSocket, usize> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(user_id.to_string()).or_default();
        if *count >= most {
            return Err(*count);
        }
        *count += 1;
        Ok(OpenSocket {
            sessions: self.clone(),
            user_id: user_id.to_string(),
        })
    }
}

/// One open socket of a user, counted until dropped.
pub struct OpenSocket {
    sessions: Arc<LiveSessions>,
    user_id: String,
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        let mut open = self.sessions.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}

/// The credentials a websocket was opened with, and the outcome of their last check.
/// Each operation the socket starts is authorized as they are then: with the last
/// outcome while no one's access changed and the token has not expired since, after
/// a fresh check otherwise.
#[derive(Clone)]
pub struct SocketCredentials {
    auth: Auth,
    /// The `Authorization` value the handshake accepted.
    header: String,
    last: Arc<Mutex<Option<Checked>>>,
}

struct Checked {
    authentication: Authentication,
    generation: u64,
}

impl SocketCredentials {
    /// Credentials just checked by the handshake, at `generation`.
    pub fn new(auth: &Auth, header: String, checked: (Authentication, u64)) -> SocketCredentials {
        let credentials = SocketCredentials {
            auth: auth.clone(),
            header,
            last: Arc::default(),
        };
        credentials.remember(checked);
        credentials
    }

    /// The authentication as it is now, if nothing could have changed it since the
    /// last check.
    pub fn current(&self) -> Option<Authentication> {
        let last = self.last.lock().ok()?;
        let checked = last.as_ref()?;
        let Authentication::Authenticated(principal) = &checked.authentication else {
            return None;
        };
        let unexpired = principal.expires_at.is_none_or(|at| at > Utc::now());
        (unexpired && checked.generation == self.auth.live().generation())
            .then(|| checked.authentication.clone())
    }

    /// Checks the credentials against the store, and remembers the outcome.
    pub async fn check(&self) -> Authentication {
        let checked = self.auth.check_live(Some(&self.header)).await;
        let authentication = checked.0.clone();
        self.remember(checked);
        authentication
    }

    fn remember(&self, (authentication, generation): (Authentication, u64)) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(Checked {
                authentication,
                generation,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_may_hold_only_so_many_sockets_and_closing_one_frees_its_slot() {
        let sessions = Arc::new(LiveSessions::default());
        let first = sessions.open("alice", 2).expect("first");
        let _second = sessions.open("alice", 2).expect("second");
        assert_eq!(sessions.open("alice", 2).err(), Some(2));
        sessions
            .open("bob", 2)
            .expect("another user has their own count");
        drop(first);
        sessions.open("alice", 2).expect("a slot was freed");
    }

    #[test]
    fn a_change_reaches_every_watcher() {
        let sessions = LiveSessions::default();
        let mut watcher = sessions.changes();
        sessions.changed("alice");
        assert_eq!(watcher.try_recv().ok().as_deref(), Some("alice"));
    }
}

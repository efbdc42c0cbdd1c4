//! The probes connected now: one [`Connected`] per session, with its outbox and what it
//! holds, so the registry can say who is connected and how loaded, dispatch can send
//! an assignment, and revocation can cut a probe off at once.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::probes::protocol::ServerMessage;

/// Messages waiting to be written to one probe; past this, the probe is too slow and
/// its session ends (it reconnects and is sent what it holds again).
pub const OUTBOX: usize = 1024;

/// One connected probe.
pub struct Connected {
    pub probe_id: String,
    /// How many assignments it runs at once, as it said in `hello`.
    pub capacity: u32,
    pub connected_at: DateTime<Utc>,
    /// Boxed: a channel allocates its first block of 32 slots when it is made, so an idle
    /// probe holds 32 pointers rather than 32 messages.
    outbox: mpsc::Sender<Box<ServerMessage>>,
    /// Cancelled to end the session: revoked, deleted, replaced by a newer session.
    pub cut: CancellationToken,
    /// Assignments sent to it and not finished.
    held: Mutex<HashSet<String>>,
}

impl Connected {
    pub fn new(
        probe_id: String,
        capacity: u32,
        outbox: mpsc::Sender<Box<ServerMessage>>,
    ) -> Arc<Connected> {
        Arc::new(Connected {
            probe_id,
            capacity,
            connected_at: Utc::now(),
            outbox,
            cut: CancellationToken::new(),
            held: Mutex::new(HashSet::new()),
        })
    }

    /// Queues a message; a probe whose outbox is full is cut off.
    pub fn send(&self, message: ServerMessage) -> bool {
        if self.outbox.try_send(Box::new(message)).is_err() {
            tracing::warn!(probe = %self.probe_id, "a probe's outbox is full; ending its session");
            self.cut.cancel();
            return false;
        }
        true
    }

    /// Takes an assignment if a slot is free (or it already holds it).
    pub fn take(&self, assignment_id: &str) -> bool {
        let mut held = self.lock();
        if held.contains(assignment_id) {
            return false;
        }
        if held.len() >= self.capacity as usize {
            return false;
        }
        held.insert(assignment_id.to_string());
        true
    }

    pub fn release(&self, assignment_id: &str) -> bool {
        self.lock().remove(assignment_id)
    }

    pub fn holds(&self, assignment_id: &str) -> bool {
        self.lock().contains(assignment_id)
    }

    pub fn in_use(&self) -> u32 {
        self.lock().len() as u32
    }

    pub fn has_room(&self) -> bool {
        self.in_use() < self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // Each change is one insert or remove: a poisoned lock holds a whole set.
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Every connected probe, by id; cheap to clone.
#[derive(Clone, Default)]
pub struct LiveProbes {
    sessions: Arc<RwLock<HashMap<String, Arc<Connected>>>>,
}

impl LiveProbes {
    /// Records a new session, cutting off an older one of the same probe.
    pub fn join(&self, connected: Arc<Connected>) {
        let previous = self.write().insert(connected.probe_id.clone(), connected);
        if let Some(previous) = previous {
            previous.cut.cancel();
        }
    }

    /// Forgets a session, unless a newer one of the same probe replaced it.
    pub fn leave(&self, connected: &Arc<Connected>) {
        let mut sessions = self.write();
        if sessions
            .get(&connected.probe_id)
            .is_some_and(|current| Arc::ptr_eq(current, connected))
        {
            sessions.remove(&connected.probe_id);
        }
    }

    pub fn get(&self, probe_id: &str) -> Option<Arc<Connected>> {
        self.read().get(probe_id).cloned()
    }

    /// Ends a probe's session now, if it has one.
    pub fn cut(&self, probe_id: &str) {
        if let Some(connected) = self.get(probe_id) {
            connected.cut.cancel();
        }
    }

    pub fn ids(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    pub fn count(&self) -> usize {
        self.read().len()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<Connected>>> {
        // Each change is one insert or remove: a poisoned lock holds a whole map.
        self.sessions.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<Connected>>> {
        self.sessions.write().unwrap_or_else(|e| e.into_inner())
    }
}

//! Each server's kept container list ([`LiveList`]), fed by what the server's
//! supervisor learns of its engine, and the engine's events turned into
//! [`ContainerEvent`]s on the bus.
//!
//! The lists and the events are the containers domain's: the servers domain below
//! only tells an [`EngineListener`] what its supervisors learn, in the engine's terms
//! (`servers::listener` says why it tells rather than publishes). This is that
//! listener.
//!
//! A list belongs to the connection it was made for. When a server is changed, its new
//! connection gets a new, empty list and news of the old connection is ignored, so a
//! list taken from an old endpoint is never answered for the new one; when a server is
//! removed, its list goes with its connection.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

use bollard::models::EventMessage;

use super::{Container, ContainerEvent, Listing, LiveList};
use crate::bus::Bus;
use crate::error::Result;
use crate::servers::{EngineListener, ServerConnection};

/// Every server's kept list, by server id, and where container events go.
pub struct KeptLists {
    lists: RwLock<HashMap<String, Kept>>,
    bus: Bus,
}

/// The list of one server connection.
struct Kept {
    /// Which connection the list is for; compared by address only, so the list never
    /// keeps a stopped connection's clients alive.
    connection: Weak<ServerConnection>,
    list: Arc<LiveList>,
}

impl Kept {
    fn is_for(&self, connection: &ServerConnection) -> bool {
        std::ptr::eq(self.connection.as_ptr(), connection)
    }
}

impl KeptLists {
    pub fn new(bus: Bus) -> KeptLists {
        KeptLists {
            lists: RwLock::default(),
            bus,
        }
    }

    /// The server's kept list if it is current, or the one `list` takes from the
    /// engine. A connection that is not (or no longer) the server's own keeps nothing.
    pub async fn get_or_list<F>(
        &self,
        connection: &ServerConnection,
        list: impl FnOnce() -> F,
    ) -> Result<Arc<Listing>>
    where
        F: Future<Output = Result<Vec<Container>>>,
    {
        match self.of(connection) {
            Some(kept) => kept.get_or_list(list).await,
            None => Ok(Arc::new(Listing::new(list().await?))),
        }
    }

    /// The server's kept list if it is current now (see [`LiveList::current`]).
    pub fn current(&self, connection: &ServerConnection) -> Option<Arc<Listing>> {
        self.of(connection)?.current()
    }

    /// Runs a change to the server's containers; whatever its outcome, the server's
    /// kept list is marked old before the caller hears back, so the caller sees its
    /// own change at once instead of when the engine's event arrives.
    pub async fn changing<T>(
        &self,
        connection: &ServerConnection,
        change: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let result = change.await;
        self.changed(connection);
        result
    }

    /// The connection's list, while it is the server's current connection.
    fn of(&self, connection: &ServerConnection) -> Option<Arc<LiveList>> {
        self.read()
            .get(&connection.id)
            .filter(|kept| kept.is_for(connection))
            .map(|kept| kept.list.clone())
    }

    // Each change to the map is one insert or remove: a panic elsewhere cannot leave
    // it half-done, so a poisoned lock is still safe to use.
    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Kept>> {
        self.lists.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, Kept>> {
        self.lists.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl EngineListener for KeptLists {
    fn connected(&self, connection: &Arc<ServerConnection>) {
        let kept = Kept {
            connection: Arc::downgrade(connection),
            list: Arc::default(),
        };
        self.write().insert(connection.id.clone(), kept);
    }

    fn following(&self, connection: &ServerConnection, following: bool) {
        if let Some(list) = self.of(connection) {
            list.follow(following);
        }
    }

    fn changed(&self, connection: &ServerConnection) {
        if let Some(list) = self.of(connection) {
            list.changed();
        }
    }

    fn event(&self, connection: &ServerConnection, message: EventMessage) {
        // Marked before it is published: whoever hears of the change and then lists
        // the containers sees it.
        self.changed(connection);
        if let Some(event) = ContainerEvent::from_docker(&connection.id, message) {
            self.bus.publish(event);
        }
    }

    fn disconnected(&self, connection: &ServerConnection) {
        let mut lists = self.write();
        if lists
            .get(&connection.id)
            .is_some_and(|kept| kept.is_for(connection))
        {
            lists.remove(&connection.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::bus::Received;

    /// A list that counts how often the engine was asked.
    async fn listed(asked: &AtomicUsize) -> Result<Vec<Container>> {
        asked.fetch_add(1, Ordering::SeqCst);
        Ok(Vec::new())
    }

    /// How often the engine is asked for two lists in a row.
    async fn asked_for_two(kept: &KeptLists, connection: &ServerConnection) -> usize {
        let asked = AtomicUsize::new(0);
        for _ in 0..2 {
            kept.get_or_list(connection, || listed(&asked))
                .await
                .expect("a list");
        }
        asked.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_changed_server_keeps_nothing_until_its_new_connection_follows_events() {
        let kept = Arc::new(KeptLists::new(Bus::new()));
        let old = ServerConnection::unsupervised("server", kept.clone());
        kept.following(&old, true);
        assert_eq!(asked_for_two(&kept, &old).await, 1, "followed: kept");

        let new = ServerConnection::unsupervised("server", kept.clone());
        kept.following(&old, true);
        assert_eq!(
            asked_for_two(&kept, &new).await,
            2,
            "the old news is ignored"
        );
        assert_eq!(
            asked_for_two(&kept, &old).await,
            2,
            "the old connection keeps nothing"
        );

        kept.following(&new, true);
        assert_eq!(
            asked_for_two(&kept, &new).await,
            1,
            "the new one follows: kept"
        );
        kept.disconnected(&old);
        assert_eq!(
            asked_for_two(&kept, &new).await,
            0,
            "the old one's end leaves the new one's list kept"
        );
    }

    #[tokio::test]
    async fn a_disconnected_server_forgets_its_list() {
        let kept = Arc::new(KeptLists::new(Bus::new()));
        let connection = ServerConnection::unsupervised("server", kept.clone());
        kept.following(&connection, true);
        assert_eq!(asked_for_two(&kept, &connection).await, 1);

        kept.disconnected(&connection);

        assert!(kept.read().is_empty());
        assert_eq!(asked_for_two(&kept, &connection).await, 2);
    }

    #[tokio::test]
    async fn an_engine_event_makes_the_list_old_before_it_is_published() {
        let bus = Bus::new();
        let kept = Arc::new(KeptLists::new(bus.clone()));
        let connection = ServerConnection::unsupervised("server", kept.clone());
        kept.following(&connection, true);
        let mut events = bus.subscribe::<ContainerEvent>();
        let asked = AtomicUsize::new(0);
        kept.get_or_list(&connection, || listed(&asked))
            .await
            .expect("a list");

        let message: EventMessage = serde_json::from_value(serde_json::json!({
            "Type": "container",
            "Action": "start",
            "Actor": { "ID": "abc123", "Attributes": { "name": "web" } },
            "timeNano": 1_700_000_000_000_000_000_i64,
        }))
        .expect("an engine event");
        kept.event(&connection, message);

        let Some(Received::Message(event)) = events.recv().await else {
            panic!("no container event");
        };
        assert_eq!(
            (event.server_id.as_str(), event.container_id.as_str()),
            ("server", "abc123")
        );
        assert_eq!(event.container_name.as_deref(), Some("web"));
        assert_eq!(event.status, Some(super::super::ContainerStatus::Running));
        kept.get_or_list(&connection, || listed(&asked))
            .await
            .expect("a list");
        assert_eq!(
            asked.load(Ordering::SeqCst),
            2,
            "the event's change is seen"
        );
    }
}

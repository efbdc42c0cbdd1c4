//! What a server's supervisor tells of the engine it follows, as it learns it: the
//! connection is new, its container events are followed or no longer, one arrived,
//! something changed that no event tells of, the connection is stopped.
//!
//! The servers domain sits below the domains that keep what they derive from an engine
//! (the containers domain keeps each server's list and turns the engine's events into
//! its own): it names what it learns in the engine's terms ([`EventMessage`]) and hands
//! it to one [`EngineListener`] that the wiring gives it, knowing nothing of what the
//! listener keeps.
//!
//! The listener is called on the supervisor's own task, in the order things happen,
//! rather than through the bus: a kept list may be answered only while it is known
//! current, so "the events are followed from now on" must be heard before any event
//! they bring, and a change must mark the list old before anyone can hear of it. A
//! bounded topic that a slow subscriber may lag on could lose one of those, and a
//! list kept from then on would be wrong until the next change.

use std::sync::Arc;

use bollard::models::EventMessage;

use super::ServerConnection;

/// Hears what servers' supervisors learn of their engines. Each call is quick and
/// never waits: the supervisor makes it between reads of the engine.
pub trait EngineListener: Send + Sync {
    /// A new connection to the server of `connection.id`: from now on it alone speaks
    /// for that server, and news of an older one for the same server is stale.
    fn connected(&self, connection: &Arc<ServerConnection>);

    /// The engine's container events are followed from now on (from a moment before
    /// any event they will deliver), or no longer: until the next `true`, a change on
    /// the engine may go unheard.
    fn following(&self, connection: &ServerConnection, following: bool);

    /// Something on the engine may have changed that no event will tell of: a check
    /// ran (the engine's words for a container's age move on), or a call failed to
    /// reach it.
    fn changed(&self, connection: &ServerConnection);

    /// One container event from the engine's stream; it is a change too.
    fn event(&self, connection: &ServerConnection, message: EventMessage);

    /// The connection's supervisor ended (the server was changed or removed, or
    /// monitor is shutting down): nothing more will be heard of this connection.
    fn disconnected(&self, connection: &ServerConnection);
}

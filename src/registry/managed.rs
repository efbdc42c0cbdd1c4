//! monitor's own registry. With no `registry.url` configured, monitor runs the CNCF
//! distribution registry as the `registry` stack (owned by monitor itself) on the first
//! local server whose engine has `registry.managed_image`, and pushes there.
//!
//! The container uses the host network and listens on `registry.managed_listen`
//! (127.0.0.1:5000 by default, so it is reachable only from that host: for servers
//! elsewhere, configure `registry.url` with an address they all reach). Its data is the
//! `monitor-registry` volume, and it restarts with the engine. A later start adopts the
//! stack instead of creating another.

use crate::config::RegistrySettings;

use super::Registry;

/// The stack that runs the managed registry.
pub const STACK_NAME: &str = "registry";
/// Where the managed registry keeps its images: a named volume, so they outlive the
/// container.
pub const VOLUME: &str = "monitor-registry:/var/lib/registry";

/// The registry monitor manages itself, as monitor reaches it (on the host it runs on,
/// so a wildcard listen address is dialled on loopback); `None` when management is off.
/// A malformed address stops monitor at start.
pub fn managed_registry(settings: &RegistrySettings) -> anyhow::Result<Option<Registry>> {
    if !settings.managed {
        return Ok(None);
    }
    let listen = settings.managed_listen.replace("0.0.0.0", "127.0.0.1");
    Registry::at(&format!("http://{listen}"), None, None).map(Some)
}

//! Backups: a full export of the store at any time (`GET /backup`), backups taken on a
//! schedule (`backup.every`), restore into an empty store, and nuking a store that is
//! broken or no longer wanted.
//!
//! A browser cannot attach a bearer header to a download link, so the client asks for a
//! single-use download ticket (`createBackupDownload`) and follows its URL.

mod cli;
mod export;
mod format;
pub mod graphql;
pub mod http;
mod restore;
pub mod scheduled;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use cli::{BackupArgs, RestoreArgs, download, nuke, restore_file};

use crate::auth::Principal;

/// How long a download ticket stays valid.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(60);

/// Outstanding single-use download tickets, and who asked for each.
#[derive(Clone, Default)]
pub struct DownloadTickets {
    tickets: Arc<Mutex<HashMap<String, (Instant, Principal)>>>,
}

impl DownloadTickets {
    /// A new ticket for `principal`, valid for [`TICKET_LIFETIME`].
    #[tracing::instrument(skip_all, fields(actor = %principal.username))]
    pub fn issue(&self, principal: &Principal) -> String {
        let ticket = crate::secret::random_secret(24);
        if let Ok(mut tickets) = self.tickets.lock() {
            tickets.retain(|_, (expires, _)| *expires > Instant::now());
            tickets.insert(
                ticket.clone(),
                (Instant::now() + TICKET_LIFETIME, principal.clone()),
            );
        }
        ticket
    }

    /// Takes a ticket, once; the principal that asked for it if it is still valid.
    pub fn redeem(&self, ticket: &str) -> Option<Principal> {
        let mut tickets = self.tickets.lock().ok()?;
        let (expires, principal) = tickets.remove(ticket)?;
        (expires > Instant::now()).then_some(principal)
    }
}

//! Backups: a full export of the store at any time (`GET /backup`), restore into an
//! empty store, and nuking a store that is broken or no longer wanted.
//!
//! A browser cannot attach a bearer header to a download link, so the client asks for a
//! single-use download ticket (`createBackupDownload`) and follows its URL.

mod cli;
mod export;
mod format;
mod http;
mod restore;
pub mod scheduled;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

pub use cli::{download, nuke, restore_file};
pub use http::download_backup;

use crate::auth::Principal;
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::users::Role;

/// How long a download ticket stays valid.
const TICKET_LIFETIME: Duration = Duration::from_secs(60);

/// Outstanding single-use download tickets, and who asked for each.
#[derive(Clone, Default)]
pub struct DownloadTickets {
    tickets: Arc<Mutex<HashMap<String, (Instant, Principal)>>>,
}

impl DownloadTickets {
    fn issue(&self, principal: &Principal) -> String {
        let ticket = crate::auth::random_secret(24);
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

#[derive(SimpleObject)]
pub struct BackupDownload {
    /// Fetch this path with GET, without any header, within a minute; it works once.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// The scheduled backups, and where and how often they are taken.
#[derive(SimpleObject)]
pub struct ScheduledBackups {
    /// The directory backups are written to.
    pub directory: String,
    /// How often a backup is taken (`backup.every`); none when scheduling is off.
    pub every: Option<String>,
    /// How many are kept (`backup.keep`).
    pub keep: i32,
    /// The backups in the directory, newest first.
    pub backups: Vec<scheduled::StoredBackup>,
}

#[derive(Default)]
pub struct BackupQuery;

#[Object]
impl BackupQuery {
    /// The backups monitor took by itself, newest first, ready for `monitor restore`.
    async fn scheduled_backups(&self, ctx: &Context<'_>) -> Result<ScheduledBackups> {
        ctx.require(Role::Admin)?;
        let settings = &ctx.state().settings;
        let directory = settings.backup_dir();
        let backups = scheduled::list(&directory)?;
        Ok(ScheduledBackups {
            directory: directory.display().to_string(),
            every: settings
                .backup
                .every
                .clone()
                .filter(|every| !every.trim().is_empty()),
            keep: i32::try_from(settings.backup.keep).unwrap_or(i32::MAX),
            backups,
        })
    }
}

#[derive(Default)]
pub struct BackupMutation;

#[Object]
impl BackupMutation {
    /// A single-use link to download a full backup (for browsers; scripts can send
    /// their token to `GET /backup` directly).
    async fn create_backup_download(&self, ctx: &Context<'_>) -> Result<BackupDownload> {
        let principal = ctx.require(Role::Admin)?;
        let ticket = ctx.state().backup_tickets.issue(principal);
        Ok(BackupDownload {
            url: format!("/backup?ticket={ticket}"),
            expires_at: Utc::now() + TICKET_LIFETIME,
        })
    }
}

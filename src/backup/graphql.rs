//! Backups in GraphQL: a single-use download link for browsers, and the scheduled
//! backups.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::{TICKET_LIFETIME, scheduled};
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::users::Role;

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

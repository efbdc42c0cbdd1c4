//! Backups in GraphQL: a single-use download link for browsers.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::TICKET_LIFETIME;
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::users::Role;

#[derive(SimpleObject)]
pub struct BackupDownload {
    /// Fetch this path with GET, without any header, within a minute; it works once.
    pub url: String,
    pub expires_at: DateTime<Utc>,
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

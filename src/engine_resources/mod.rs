//! Images, volumes and networks of a server's engine: listed with the space they take,
//! inspected, removed one by one (with force where the engine offers it) and pruned.
//! Like containers, nothing here is stored: the engine is the truth, and every removal
//! and prune is written to the audit log with its server.
//!
//! One folder, one file per resource (`images.rs`, `volumes.rs`, `networks.rs`): the three
//! share their rules (VIEWER reads, OPERATOR changes, names checked before the engine
//! sees them, one audit event per change) but not their engine calls or fields, so a
//! reader looking for "how are volumes removed" opens `volumes.rs` and finds all of it,
//! while the shared rules sit here once.

mod disk_usage;
mod graphql;
mod images;
mod input;
mod networks;
mod volumes;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{ID, SimpleObject};

pub use graphql::{EngineResourcesMutation, EngineResourcesQuery};
pub use images::{Image, ImageDetails};
pub use networks::{Network, NetworkDetails};
pub use volumes::Volume;

use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::docker::{call_error, unreachable_engine};
use crate::error::{Error, Result};
use crate::servers::ServerConnection;

/// Engine calls must answer quickly; a prune may walk every layer, so it gets longer.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const PRUNE_TIMEOUT: Duration = Duration::from_secs(120);

/// What a prune removed, and the disk space it gave back.
#[derive(Debug, Clone, SimpleObject)]
pub struct PruneResult {
    pub server_id: ID,
    /// The ids (images, networks) or names (volumes) of what was removed.
    pub removed: Vec<String>,
    /// Bytes the engine reports as freed (networks take none).
    pub space_reclaimed_bytes: f64,
}

/// One engine call with a deadline; a failure to reach the engine is reported to the
/// server's state so that other calls fail fast until its next check.
async fn call<T>(
    server: &ServerConnection,
    what: &'static str,
    id: &str,
    timeout: Duration,
    request: impl std::future::Future<Output = std::result::Result<T, bollard::errors::Error>>,
) -> Result<T> {
    server.ensure_reachable()?;
    let error = match tokio::time::timeout(timeout, request).await {
        Ok(Ok(value)) => return Ok(value),
        // Engines word a missing volume or network in lower case ("no such volume").
        Ok(Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        })) => {
            return Err(Error::NotFound {
                what,
                id: id.to_string(),
            });
        }
        Ok(Err(error)) => call_error(&server.name, what, id, error),
        Err(_) => unreachable_engine(
            &server.name,
            &format!("no answer within {} s", timeout.as_secs()),
        ),
    };
    server.report_failure(&error);
    Err(error)
}

/// A change about to be made: by whom (an OPERATOR), on which server, recorded where.
pub(super) struct Change {
    pub audit: AuditLog,
    pub actor: Actor,
    pub server: Arc<ServerConnection>,
}

impl Change {
    /// Runs the engine's removal of `name` and records who removed what, on which
    /// server. The engine's refusal of a checked name (in use, has dependents, has
    /// active endpoints) is about the thing's state: a `CONFLICT`.
    async fn remove<T>(
        &self,
        kind: AuditKind,
        subject: (AuditSubjectType, &str),
        force: bool,
        removal: impl std::future::Future<Output = std::result::Result<T, bollard::errors::Error>>,
    ) -> Result<T> {
        let (subject_type, name) = subject;
        let what = match subject_type {
            AuditSubjectType::Image => "image",
            AuditSubjectType::Volume => "volume",
            _ => "network",
        };
        let removed = call(&self.server, what, name, READ_TIMEOUT, removal)
            .await
            .map_err(|error| match error {
                Error::BadInput { message, .. } => Error::Conflict(message),
                other => other,
            })?;
        let forced = if force { " (forced)" } else { "" };
        let summary = format!("removed {what} {name} on {}{forced}", self.server.name);
        let event = self
            .audit
            .event(kind, &self.actor, summary)
            .about(subject_type, Some(name), Some(name))
            .on_server(&self.server.id, Some(&self.server.name));
        self.audit.append(event).await?;
        Ok(removed)
    }

    /// Records a prune and says what it removed and freed.
    async fn pruned(
        &self,
        kind: AuditKind,
        what: &str,
        removed: Vec<String>,
        reclaimed: Option<i64>,
    ) -> Result<PruneResult> {
        let reclaimed = reclaimed.and_then(size).unwrap_or(0.0);
        let summary = format!(
            "pruned {} {what} on {}, reclaiming {}",
            removed.len(),
            self.server.name,
            human_bytes(reclaimed)
        );
        let event = self
            .audit
            .event(kind, &self.actor, summary)
            .on_server(&self.server.id, Some(&self.server.name))
            .with_diff(None, Some(serde_json::json!({ "removed": removed })));
        self.audit.append(event).await?;
        Ok(PruneResult {
            server_id: ID(self.server.id.clone()),
            removed,
            space_reclaimed_bytes: reclaimed,
        })
    }
}

/// An engine's RFC 3339 time; the zero time engines send for "never" is no time.
fn time_of(raw: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    raw.and_then(|raw| chrono::DateTime::parse_from_rfc3339(raw).ok())
        .map(|at| at.with_timezone(&chrono::Utc))
        .filter(|at| at.timestamp() > 0)
}

/// A byte count engines report, `-1` meaning "not computed".
fn size(bytes: i64) -> Option<f64> {
    (bytes >= 0).then_some(bytes as f64)
}

/// `12.3 MB`, for audit summaries a person reads.
fn human_bytes(bytes: f64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit < units.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value} {}", units[unit])
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

//! The storage format version, stamped in the store and checked on every start.
//!
//! Bump [`CURRENT_FORMAT`] whenever a change to tables or records means an older
//! monitor could misread the store. Backups carry the format they were taken from.

use surrealdb::types::SurrealValue;

use super::Store;
use crate::error::{Error, Result};

/// The format this build of monitor reads and writes.
pub const CURRENT_FORMAT: u32 = 1;

/// The table holding the format stamp.
pub const META_TABLE: &str = "meta";

#[derive(Debug, SurrealValue)]
struct FormatStamp {
    format: u32,
    created_by: String,
}

/// What the format check found.
#[derive(Debug, PartialEq, Eq)]
pub enum FormatCheck {
    /// The store was empty and is now stamped with the current format.
    Fresh,
    /// The store is in the current format.
    Current,
    /// The store is in another format (0: data without a stamp).
    Incompatible { found: u32 },
}

impl FormatCheck {
    /// Turns an incompatible store into an error that says how to get going again.
    pub fn into_result(self) -> Result<()> {
        match self {
            FormatCheck::Fresh | FormatCheck::Current => Ok(()),
            FormatCheck::Incompatible { found } => Err(Error::Unavailable {
                component: "store",
                message: format!(
                    "the store is in format {found}, and this monitor ({}) reads format \
                     {CURRENT_FORMAT}. Take a backup with the monitor version that wrote it \
                     (`monitor backup --server URL --token T --out FILE`), then \
                     `monitor db nuke --data-dir DIR` and `monitor restore --data-dir DIR FILE` \
                     with a monitor that reads the backup's format",
                    env!("CARGO_PKG_VERSION")
                ),
            }),
        }
    }
}

/// Reads the stamp; stamps a store that holds nothing yet.
pub async fn check(store: &Store) -> Result<FormatCheck> {
    let stamp: Option<FormatStamp> = if store.tables().await?.iter().any(|t| t == META_TABLE) {
        let mut response = store
            .db()
            .query("SELECT format, created_by FROM meta:store")
            .await?;
        let mut stamps: Vec<FormatStamp> = response.take(0)?;
        stamps.pop()
    } else {
        None
    };
    match stamp {
        Some(stamp) if stamp.format == CURRENT_FORMAT => Ok(FormatCheck::Current),
        Some(stamp) => Ok(FormatCheck::Incompatible {
            found: stamp.format,
        }),
        None if store.is_empty().await? => {
            stamp_current(store).await?;
            Ok(FormatCheck::Fresh)
        }
        None => Ok(FormatCheck::Incompatible { found: 0 }),
    }
}

/// Writes the current format stamp.
pub async fn stamp_current(store: &Store) -> Result<()> {
    let stamp = FormatStamp {
        format: CURRENT_FORMAT,
        created_by: format!("monitor {}", env!("CARGO_PKG_VERSION")),
    };
    store
        .db()
        .query("UPSERT meta:store CONTENT $stamp")
        .bind(("stamp", stamp))
        .await?
        .check()?;
    Ok(())
}

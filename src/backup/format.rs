//! The backup file: newline-delimited JSON, one record a line, between a header and a
//! trailer. Streaming both ways keeps memory constant at any size, and the trailer's
//! record count tells a complete backup from a truncated download.
//!
//! ```text
//! {"monitor_backup":1,"store_format":1,"monitor_version":"0.1.0","created_at":"…"}
//! {"table":"user","record":{…}}
//! {"end":{"records":42}}
//! ```
//!
//! Records are SurrealDB values in their tagged serde form, so datetimes, record links
//! and numbers come back exactly as they were.

use serde::{Deserialize, Serialize};
use surrealdb::types::Value;

/// The version of this file layout.
pub const BACKUP_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    pub monitor_backup: u32,
    pub store_format: u32,
    pub monitor_version: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RecordLine {
    pub table: String,
    pub record: Value,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Trailer {
    pub end: TrailerCounts,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TrailerCounts {
    pub records: u64,
}

/// Any line after the header.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum BodyLine {
    Record(RecordLine),
    Trailer(Trailer),
}

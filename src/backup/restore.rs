//! Reads a backup file back into an empty store.
//!
//! The file is read twice: once to check that it is whole (header, format, trailer,
//! count), then to write. A truncated or foreign file is refused before anything is
//! written.

use std::path::Path;

use surrealdb::types::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::format::{BACKUP_VERSION, BodyLine, Header};
use crate::error::{Error, Result};
use crate::store::{CURRENT_FORMAT, Store};

/// Records written per store round trip.
const BATCH: usize = 500;

/// What a check of a backup file found.
#[derive(Debug)]
pub struct Verified {
    pub header: Header,
    pub records: u64,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::bad_input(&["file"], message)
}

async fn lines(path: &Path) -> Result<tokio::io::Lines<BufReader<tokio::fs::File>>> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| invalid(format!("cannot open {}: {e}", path.display())))?;
    Ok(BufReader::new(file).lines())
}

async fn next_line(
    lines: &mut tokio::io::Lines<BufReader<tokio::fs::File>>,
) -> Result<Option<String>> {
    lines
        .next_line()
        .await
        .map_err(|e| invalid(format!("cannot read the backup: {e}")))
}

/// Checks the header, the format and the trailer without writing anything.
pub async fn verify(path: &Path) -> Result<Verified> {
    let mut lines = lines(path).await?;
    let first = next_line(&mut lines)
        .await?
        .ok_or_else(|| invalid("the file is empty"))?;
    let header: Header = serde_json::from_str(&first).map_err(|_| {
        invalid("this is not a monitor backup (its first line is not a backup header)")
    })?;
    if header.monitor_backup != BACKUP_VERSION {
        return Err(invalid(format!(
            "backup layout {} is not supported (this monitor reads layout {BACKUP_VERSION})",
            header.monitor_backup
        )));
    }
    if header.store_format != CURRENT_FORMAT {
        return Err(invalid(format!(
            "the backup holds store format {}, and this monitor reads format {CURRENT_FORMAT}: \
             restore it with monitor {} or a version that reads its format",
            header.store_format, header.monitor_version
        )));
    }
    let mut records = 0u64;
    while let Some(line) = next_line(&mut lines).await? {
        match serde_json::from_str::<BodyLine>(&line) {
            Ok(BodyLine::Record(_)) => records += 1,
            Ok(BodyLine::Trailer(trailer)) if trailer.end.records == records => {
                return Ok(Verified { header, records });
            }
            Ok(BodyLine::Trailer(trailer)) => {
                return Err(invalid(format!(
                    "the backup says it holds {} records but {records} were read",
                    trailer.end.records
                )));
            }
            Err(e) => return Err(invalid(format!("line {} is malformed: {e}", records + 2))),
        }
    }
    Err(invalid("the backup is truncated: it has no end line"))
}

/// Writes every record of a verified backup into `store`, which must be prepared and
/// empty. Calls `progress` with the records written so far.
pub async fn load(store: &Store, path: &Path, mut progress: impl FnMut(u64)) -> Result<u64> {
    let mut lines = lines(path).await?;
    next_line(&mut lines).await?;
    let mut batch: Vec<Value> = Vec::with_capacity(BATCH);
    let mut written = 0u64;
    while let Some(line) = next_line(&mut lines).await? {
        let BodyLine::Record(record) = serde_json::from_str::<BodyLine>(&line)
            .map_err(|e| invalid(format!("a line is malformed: {e}")))?
        else {
            break;
        };
        batch.push(record.record);
        if batch.len() == BATCH {
            written += write_batch(store, std::mem::take(&mut batch)).await?;
            progress(written);
        }
    }
    written += write_batch(store, batch).await?;
    progress(written);
    Ok(written)
}

async fn write_batch(store: &Store, records: Vec<Value>) -> Result<u64> {
    let count = records.len() as u64;
    if count == 0 {
        return Ok(0);
    }
    store.create_records(records).await?;
    Ok(count)
}

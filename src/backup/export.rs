//! Streams the whole store out as a backup file, one page of records at a time.

use bytes::Bytes;
use futures::Stream;
use surrealdb::types::{RecordId, Value};

use super::format::{BACKUP_VERSION, Header, RecordLine, Trailer, TrailerCounts};
use crate::error::{Context, Error, Result};
use crate::store::{CURRENT_FORMAT, META_TABLE, Store};

/// Records read per store round trip.
const PAGE: i64 = 500;

/// The backup as a byte stream: header, every record of every table, trailer.
pub fn stream(store: Store) -> impl Stream<Item = Result<Bytes>> {
    async_stream::try_stream! {
        let header = Header {
            monitor_backup: BACKUP_VERSION,
            store_format: CURRENT_FORMAT,
            monitor_version: env!("CARGO_PKG_VERSION").to_string(),
            created_at: chrono::Utc::now(),
        };
        yield line(&header)?;
        let mut records = 0u64;
        for table in store.tables().await? {
            if table == META_TABLE {
                continue;
            }
            let mut after: Option<RecordId> = None;
            loop {
                let page = store.read_records(&table, after.as_ref(), PAGE).await?;
                let full = page.len() as i64 == PAGE;
                let mut chunk = Vec::new();
                for record in page {
                    after = Some(record_id(&record).ok_or_else(|| missing_id(&table))?);
                    let record_line = RecordLine { table: table.clone(), record };
                    serde_json::to_writer(&mut chunk, &record_line).context("while encoding a record")?;
                    chunk.push(b'\n');
                    records += 1;
                }
                yield Bytes::from(chunk);
                if !full {
                    break;
                }
            }
        }
        yield line(&Trailer { end: TrailerCounts { records } })?;
    }
}

fn line<T: serde::Serialize>(value: &T) -> Result<Bytes> {
    let mut bytes = serde_json::to_vec(value).context("while encoding a backup line")?;
    bytes.push(b'\n');
    Ok(Bytes::from(bytes))
}

fn record_id(record: &Value) -> Option<RecordId> {
    match record {
        Value::Object(object) => match object.get("id") {
            Some(Value::RecordId(id)) => Some(id.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A record without an id cannot be paged past; it would mean a broken store.
fn missing_id(table: &str) -> Error {
    Error::Internal(anyhow::anyhow!("a record in table {table} has no id"))
}

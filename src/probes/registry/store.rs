//! The probe table.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::model::ProbeRow;
use crate::error::Result;
use crate::store::Store;

pub const TABLE: &str = "probe";

pub fn record_id(key: &str) -> RecordId {
    RecordId::new(TABLE, key.to_string())
}

pub const CREATE: &str = "CREATE ONLY $probe_id CONTENT $probe_row";
pub const REVOKE: &str =
    "UPDATE ONLY $probe_id SET revoked_at = $revoked_at WHERE revoked_at = NONE RETURN AFTER";
pub const DELETE: &str = "DELETE ONLY $probe_id RETURN BEFORE";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<ProbeRow>> {
    store.find(record_id(key)).await
}

#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn find_many(store: &Store, keys: &[String]) -> Result<Vec<ProbeRow>> {
    store
        .find_many(keys.iter().map(|key| record_id(key)).collect())
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_hash(store: &Store, hash: &str) -> Result<Option<ProbeRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM probe WHERE token_hash = $hash LIMIT 1")
        .bind(("hash", hash.to_string()))
        .await?;
    let mut rows: Vec<ProbeRow> = response.take(0)?;
    Ok(rows.pop())
}

/// What a list asks of the store.
pub struct ListQuery {
    pub after: Option<String>,
    pub limit: usize,
    pub tags: Vec<String>,
    pub owner_id: Option<String>,
    pub include_revoked: bool,
    /// Only these probes (`Some(true)`) or all but these (`Some(false)`).
    pub connected: Option<(bool, Vec<String>)>,
}

/// Probes in registration order, after the given id.
#[tracing::instrument(level = "debug", skip_all, fields(limit = query.limit))]
pub async fn list(store: &Store, query: ListQuery) -> Result<Vec<ProbeRow>> {
    let mut conditions = vec!["id > $after"];
    if !query.tags.is_empty() {
        conditions.push("tags CONTAINSALL $tags");
    }
    if query.owner_id.is_some() {
        conditions.push("owner_id = $owner");
    }
    if !query.include_revoked {
        conditions.push("revoked_at = NONE");
    }
    match &query.connected {
        Some((true, _)) => conditions.push("id IN $connected"),
        Some((false, _)) => conditions.push("id NOT IN $connected"),
        None => {}
    }
    let statement = format!(
        "SELECT * FROM probe WHERE {} ORDER BY id LIMIT $limit",
        conditions.join(" AND ")
    );
    let connected: Vec<RecordId> = query
        .connected
        .map(|(_, ids)| ids.iter().map(|id| record_id(id)).collect())
        .unwrap_or_default();
    let mut response = store
        .db()
        .query(statement)
        .bind(("after", record_id(query.after.as_deref().unwrap_or(""))))
        .bind(("tags", query.tags))
        .bind(("owner", query.owner_id))
        .bind(("connected", connected))
        .bind(("limit", query.limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// Every probe that is not revoked: the candidates a measurement chooses from.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn active(store: &Store) -> Result<Vec<ProbeRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM probe WHERE revoked_at = NONE ORDER BY id")
        .await?;
    Ok(response.take(0)?)
}

#[derive(Debug, SurrealValue)]
struct Delivered {
    probe_id: String,
    n: i64,
}

/// Results each probe delivered: the sum over its assignments, each of which counts its
/// results once as they are stored. Summed on read rather than kept on the probe, since
/// a counter on the probe was one more write per probe in every batch of results.
#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn results_delivered(store: &Store, keys: &[String]) -> Result<HashMap<String, i64>> {
    let mut response = store
        .db()
        .query(
            "SELECT probe_id, math::sum(results_delivered) AS n FROM assignment \
             WHERE probe_id IN $keys GROUP BY probe_id",
        )
        .bind(("keys", keys.to_vec()))
        .await?;
    let sums: Vec<Delivered> = response.take(0)?;
    Ok(sums.into_iter().map(|sum| (sum.probe_id, sum.n)).collect())
}

/// What a probe said when it connected.
#[derive(Debug, Clone, SurrealValue)]
pub struct Hello {
    pub software_version: String,
    pub capacity: i64,
    pub last_seen_at: DateTime<Utc>,
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn record_hello(store: &Store, key: &str, hello: Hello) -> Result<Option<ProbeRow>> {
    let mut response = store
        .db()
        .query("UPDATE ONLY $id MERGE $hello RETURN AFTER")
        .bind(("id", record_id(key)))
        .bind(("hello", hello))
        .await?;
    Ok(response.take(0)?)
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn record_clock(store: &Store, key: &str, offset_micros: i64) -> Result<()> {
    store
        .db()
        .query("UPDATE ONLY $id SET clock_offset_micros = $offset, last_seen_at = time::now() RETURN NONE")
        .bind(("id", record_id(key)))
        .bind(("offset", offset_micros))
        .await?
        .check()?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn record_seen(store: &Store, key: &str, at: DateTime<Utc>) -> Result<()> {
    store
        .db()
        .query("UPDATE ONLY $id SET last_seen_at = $at RETURN NONE")
        .bind(("id", record_id(key)))
        .bind(("at", at))
        .await?
        .check()?;
    Ok(())
}

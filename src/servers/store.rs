//! The server table.

use surrealdb::types::RecordId;

use super::model::ServerRow;
use crate::error::Result;
use crate::store::Store;

pub const TABLE: &str = "server";

pub fn record_id(key: &str) -> RecordId {
    RecordId::new(TABLE, key.to_string())
}

pub const CREATE: &str = "CREATE ONLY $server_id CONTENT $server_row";
pub const REPLACE: &str = "UPDATE ONLY $server_id CONTENT $server_row RETURN AFTER";
pub const DELETE: &str = "DELETE ONLY $server_id RETURN BEFORE";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<ServerRow>> {
    store.find(record_id(key)).await
}

#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn find_many(store: &Store, keys: &[String]) -> Result<Vec<ServerRow>> {
    store
        .find_many(keys.iter().map(|key| record_id(key)).collect())
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(store: &Store) -> Result<Vec<ServerRow>> {
    let mut response = store.db().query("SELECT * FROM server ORDER BY id").await?;
    Ok(response.take(0)?)
}

/// Servers in creation order, after the given id.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn list(store: &Store, after: Option<&str>, limit: usize) -> Result<Vec<ServerRow>> {
    let statement = match after {
        Some(_) => "SELECT * FROM server WHERE id > $after ORDER BY id LIMIT $limit",
        None => "SELECT * FROM server ORDER BY id LIMIT $limit",
    };
    let mut response = store
        .db()
        .query(statement)
        .bind(("after", after.map(record_id)))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

//! The user table.

use surrealdb::types::{RecordId, SurrealValue};

use super::model::{Role, UserRow};
use crate::error::Result;
use crate::store::Store;

pub const TABLE: &str = "user";

pub fn record_id(key: &str) -> RecordId {
    RecordId::new(TABLE, key.to_string())
}

pub const CREATE: &str = "CREATE ONLY $user_id CONTENT $user_row";
pub const UPDATE: &str = "UPDATE ONLY $user_id MERGE $changes RETURN AFTER";
pub const DELETE: &str = "DELETE ONLY $user_id RETURN BEFORE";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<UserRow>> {
    store.find(record_id(key)).await
}

#[tracing::instrument(level = "debug", skip_all, fields(username = username))]
pub async fn find_by_username(store: &Store, username: &str) -> Result<Option<UserRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM user WHERE username = $username LIMIT 1")
        .bind(("username", username.to_string()))
        .await?;
    let mut rows: Vec<UserRow> = response.take(0)?;
    Ok(rows.pop())
}

#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn find_many(store: &Store, keys: &[String]) -> Result<Vec<UserRow>> {
    store
        .find_many(keys.iter().map(|key| record_id(key)).collect())
        .await
}

/// Users in creation order, after the given id.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn list(store: &Store, after: Option<&str>, limit: usize) -> Result<Vec<UserRow>> {
    let mut response = match after {
        Some(key) => {
            store
                .db()
                .query("SELECT * FROM user WHERE id > $after ORDER BY id LIMIT $limit")
                .bind(("after", record_id(key)))
                .bind(("limit", limit as i64))
                .await?
        }
        None => {
            store
                .db()
                .query("SELECT * FROM user ORDER BY id LIMIT $limit")
                .bind(("limit", limit as i64))
                .await?
        }
    };
    Ok(response.take(0)?)
}

#[derive(SurrealValue)]
struct Count {
    count: i64,
}

#[tracing::instrument(level = "debug", skip_all, fields(role = ?role))]
pub async fn count_with_role(store: &Store, role: Role) -> Result<i64> {
    let mut response = store
        .db()
        .query("SELECT count() FROM user WHERE role = $role GROUP ALL")
        .bind(("role", role))
        .await?;
    let counts: Vec<Count> = response.take(0)?;
    Ok(counts.first().map_or(0, |c| c.count))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_all(store: &Store) -> Result<i64> {
    let mut response = store
        .db()
        .query("SELECT count() FROM user GROUP ALL")
        .await?;
    let counts: Vec<Count> = response.take(0)?;
    Ok(counts.first().map_or(0, |c| c.count))
}

//! The token table.

use chrono::{DateTime, Utc};
use surrealdb::types::RecordId;

use super::tokens::{TABLE, TokenKind, TokenRow, TokenWithOwner};
use crate::error::Result;
use crate::store::Store;

pub fn record_id(key: &str) -> RecordId {
    RecordId::new(TABLE, key.to_string())
}

pub const CREATE: &str = "CREATE ONLY $token_id CONTENT $token_row";
pub const REVOKE: &str = "UPDATE ONLY $token_id SET revoked_at = time::now() RETURN AFTER";

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_hash(store: &Store, hash: &str) -> Result<Option<TokenWithOwner>> {
    let mut response = store
        .db()
        .query(
            "SELECT id, owner, expires_at, last_used_at, revoked_at, \
             owner.username AS owner_username, owner.role AS owner_role \
             FROM token WHERE hash = $hash LIMIT 1",
        )
        .bind(("hash", hash.to_string()))
        .await?;
    let mut rows: Vec<TokenWithOwner> = response.take(0)?;
    Ok(rows.pop())
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<TokenRow>> {
    store.find(record_id(key)).await
}

/// A user's tokens of one kind, in creation order, after the given id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_of(
    store: &Store,
    owner: RecordId,
    kind: TokenKind,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<TokenRow>> {
    let after = after.map_or_else(|| record_id(""), record_id);
    let mut response = store
        .db()
        .query(
            "SELECT * FROM token WHERE owner = $owner AND kind = $kind AND id > $after \
             ORDER BY id LIMIT $limit",
        )
        .bind(("owner", owner))
        .bind(("kind", kind))
        .bind(("after", after))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn touch(store: &Store, id: RecordId, at: DateTime<Utc>) -> Result<()> {
    store
        .db()
        .query("UPDATE $id SET last_used_at = $at RETURN NONE")
        .bind(("id", id))
        .bind(("at", at))
        .await?
        .check()?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
/// Ends every session of `owner` but `keep` (the one asking, when it is one).
pub async fn revoke_sessions_of(
    store: &Store,
    owner: RecordId,
    keep: Option<RecordId>,
) -> Result<()> {
    store
        .db()
        .query(
            "UPDATE token SET revoked_at = time::now() \
             WHERE owner = $owner AND kind = $kind AND revoked_at = NONE AND id != $keep \
             RETURN NONE",
        )
        .bind(("owner", owner))
        .bind(("kind", TokenKind::Session))
        .bind(("keep", keep))
        .await?
        .check()?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_all_of(store: &Store, owner: RecordId) -> Result<()> {
    store
        .db()
        .query("DELETE token WHERE owner = $owner RETURN NONE")
        .bind(("owner", owner))
        .await?
        .check()?;
    Ok(())
}

//! The component_config and component_config_version tables. A version's key is
//! `<config key>-<version>`, so two updates racing for the same version cannot both land.

use surrealdb::types::RecordId;

use super::model::{ComponentConfigRow, ComponentConfigVersionRow};
use crate::error::Result;
use crate::store::Store;

pub const CONFIG: &str = "component_config";
pub const VERSION: &str = "component_config_version";

pub fn config_id(key: &str) -> RecordId {
    RecordId::new(CONFIG, key.to_string())
}

pub fn version_id(config: &str, version: i64) -> RecordId {
    RecordId::new(VERSION, format!("{config}-{version}"))
}

/// A config at its new version, and that version kept beside the earlier ones.
pub const SAVE: &str = "UPSERT ONLY $config_id CONTENT $config_row RETURN AFTER; \
     CREATE ONLY $version_id CONTENT $version_row RETURN NONE";
/// A config with every version of it, returning it as it was.
pub const DELETE: &str = "DELETE ONLY $config_id RETURN BEFORE; \
     DELETE component_config_version WHERE config_id = $config_key RETURN NONE";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<ComponentConfigRow>> {
    store.find(config_id(key)).await
}

/// Configs in creation order after the given id, of one type when given.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn list(
    store: &Store,
    kind: Option<&str>,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<ComponentConfigRow>> {
    let statement = match (kind.is_some(), after.is_some()) {
        (true, true) => {
            "SELECT * FROM component_config WHERE kind = $kind AND id > $after \
             ORDER BY id LIMIT $limit"
        }
        (true, false) => {
            "SELECT * FROM component_config WHERE kind = $kind ORDER BY id LIMIT $limit"
        }
        (false, true) => {
            "SELECT * FROM component_config WHERE id > $after ORDER BY id LIMIT $limit"
        }
        (false, false) => "SELECT * FROM component_config ORDER BY id LIMIT $limit",
    };
    let mut response = store
        .db()
        .query(statement)
        .bind(("kind", kind.map(str::to_string)))
        .bind(("after", after.map(config_id)))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// Every version of a config, newest first.
#[tracing::instrument(level = "debug", skip_all, fields(config = key))]
pub async fn versions(store: &Store, key: &str) -> Result<Vec<ComponentConfigVersionRow>> {
    let mut response = store
        .db()
        .query(
            "SELECT * FROM component_config_version WHERE config_id = $config \
             ORDER BY version DESC",
        )
        .bind(("config", key.to_string()))
        .await?;
    Ok(response.take(0)?)
}

#[tracing::instrument(level = "debug", skip_all, fields(config = key, version))]
pub async fn version(
    store: &Store,
    key: &str,
    version: i64,
) -> Result<Option<ComponentConfigVersionRow>> {
    store.find(version_id(key, version)).await
}

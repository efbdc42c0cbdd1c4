//! What the component catalog keeps: each component config at its current version, and
//! every earlier version of it.

use async_graphql::{ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::Actor;
use crate::store::record_key;

/// A component config as stored, at its current version.
#[derive(Debug, Clone, SurrealValue)]
pub struct ComponentConfigRow {
    pub id: RecordId,
    pub title: String,
    /// The config's JSON text, as saved.
    pub config: String,
    pub kind: String,
    pub node_type: String,
    pub message: String,
    pub version: i64,
    pub author: Actor,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One version of a component config, kept when it is changed.
#[derive(Debug, Clone, SurrealValue)]
pub struct ComponentConfigVersionRow {
    pub id: RecordId,
    pub config_id: String,
    pub version: i64,
    pub title: String,
    pub config: String,
    pub kind: String,
    pub node_type: String,
    pub message: String,
    pub author: Actor,
    pub created_at: DateTime<Utc>,
}

/// A reusable component in the catalog: a title, a component config to start a graph's
/// component from, its type and the node type the editor draws it as.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct ComponentConfig {
    pub id: ID,
    pub title: String,
    pub config: Json<serde_json::Value>,
    #[graphql(name = "type")]
    pub kind: String,
    pub node_type: String,
    /// What the last change was about.
    pub message: String,
    /// Counts from 1; each update adds one and keeps the previous versions readable.
    pub version: i64,
    pub author: Actor,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ComponentConfigRow {
    pub fn key(&self) -> String {
        record_key(&self.id)
    }

    /// The config as recorded in the audit log.
    pub fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({
            "title": self.title,
            "config": serde_json::from_str::<serde_json::Value>(&self.config).unwrap_or_default(),
            "type": self.kind,
            "nodeType": self.node_type,
            "version": self.version,
        })
    }
}

impl From<&ComponentConfigRow> for ComponentConfig {
    fn from(row: &ComponentConfigRow) -> ComponentConfig {
        ComponentConfig {
            id: ID(record_key(&row.id)),
            title: row.title.clone(),
            config: Json(serde_json::from_str(&row.config).unwrap_or_default()),
            kind: row.kind.clone(),
            node_type: row.node_type.clone(),
            message: row.message.clone(),
            version: row.version,
            author: row.author.clone(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A component config as it was at one version.
#[derive(Debug, Clone, SimpleObject)]
pub struct ComponentConfigVersion {
    pub version: i64,
    pub title: String,
    pub config: Json<serde_json::Value>,
    #[graphql(name = "type")]
    pub kind: String,
    pub node_type: String,
    pub message: String,
    pub author: Actor,
    pub created_at: DateTime<Utc>,
}

impl From<&ComponentConfigVersionRow> for ComponentConfigVersion {
    fn from(row: &ComponentConfigVersionRow) -> ComponentConfigVersion {
        ComponentConfigVersion {
            version: row.version,
            title: row.title.clone(),
            config: Json(serde_json::from_str(&row.config).unwrap_or_default()),
            kind: row.kind.clone(),
            node_type: row.node_type.clone(),
            message: row.message.clone(),
            author: row.author.clone(),
            created_at: row.created_at,
        }
    }
}

//! Record keys: the part of a record id the API shows.

use surrealdb::types::{RecordId, RecordIdKey};

/// The string key of a record id (`user:⟨01J…⟩` → `01J…`).
pub fn record_key(id: &RecordId) -> String {
    match &id.key {
        RecordIdKey::String(key) => key.clone(),
        other => surrealdb::types::ToSql::to_sql(other),
    }
}

//! The server table.

use surrealdb::types::RecordId;

use super::model::{Server, ServerRow};
use crate::error::Result;
use crate::store::Store;
use crate::store::kept::Keep;

pub const TABLE: &str = "server";

pub fn record_id(key: &str) -> RecordId {
    RecordId::new(TABLE, key.to_string())
}

impl Keep for ServerRow {
    const TABLE: &'static str = TABLE;
    type Ready = Server;

    fn id(&self) -> &RecordId {
        &self.id
    }

    fn ready(&self) -> Server {
        self.to_server()
    }
}

pub const CREATE: &str = "CREATE ONLY $server_id CONTENT $server_row";
pub const REPLACE: &str = "UPDATE ONLY $server_id CONTENT $server_row RETURN AFTER";
pub const DELETE: &str = "DELETE ONLY $server_id RETURN BEFORE";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<ServerRow>> {
    store.find(record_id(key)).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(store: &Store) -> Result<Vec<ServerRow>> {
    let mut response = store.db().query("SELECT * FROM server ORDER BY id").await?;
    Ok(response.take(0)?)
}

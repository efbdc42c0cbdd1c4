//! The stack table.

use surrealdb::types::{RecordId, SurrealValue};

use super::model::{Stack, StackRow};
use crate::error::Result;
use crate::store::kept::Keep;
use crate::store::{Store, is_duplicate, retry_conflicts};

pub const TABLE: &str = "stack";

pub fn record_id(key: &str) -> RecordId {
    RecordId::new(TABLE, key.to_string())
}

impl Keep for StackRow {
    const TABLE: &'static str = TABLE;
    type Ready = Stack;

    fn id(&self) -> &RecordId {
        &self.id
    }

    fn ready(&self) -> Stack {
        Stack::from(self)
    }
}

pub const CREATE: &str = "CREATE ONLY $stack_id CONTENT $stack_row";
pub const REPLACE: &str = "UPDATE ONLY $stack_id CONTENT $stack_row RETURN AFTER";
pub const DELETE: &str = "DELETE ONLY $stack_id RETURN BEFORE";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<StackRow>> {
    store.find(record_id(key)).await
}

/// The stack of this name that monitor itself owns (its managed registry).
#[tracing::instrument(level = "debug", skip_all, fields(name = name))]
pub async fn find_managed(store: &Store, name: &str) -> Result<Option<StackRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM stack WHERE name = $name AND owner.kind = 'SYSTEM' LIMIT 1")
        .bind(("name", name.to_string()))
        .await?;
    let rows: Vec<StackRow> = response.take(0)?;
    Ok(rows.into_iter().next())
}

/// Stacks in creation order after the given id, optionally on one server only.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn list(
    store: &Store,
    server_id: Option<&str>,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<StackRow>> {
    let mut conditions = Vec::new();
    if server_id.is_some() {
        conditions.push("server_id = $server_id");
    }
    if after.is_some() {
        conditions.push("id > $after");
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let mut response = store
        .db()
        .query(format!(
            "SELECT * FROM stack {where_clause} ORDER BY id LIMIT $limit"
        ))
        .bind(("server_id", server_id.map(str::to_string)))
        .bind(("after", after.map(record_id)))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// Records a webhook delivery by what identifies it (the hash of its signed body);
/// false when it was recorded before (sent again, or replayed).
#[tracing::instrument(level = "debug", skip_all, fields(stack = stack_id))]
pub async fn record_delivery(store: &Store, stack_id: &str, delivery: &str) -> Result<bool> {
    let record = RecordId::new("webhook_delivery", format!("{stack_id}/{delivery}"));
    let result = store
        .db()
        .query("CREATE ONLY $id SET at = time::now() RETURN NONE")
        .bind(("id", record))
        .await?
        .check();
    match result {
        Ok(_) => Ok(true),
        Err(error) if is_duplicate(&error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Records what an action learned (the commit checked out, the image built or run, the
/// operation last started); the stack as it is then, `None` if it is gone. Actions of
/// one stack can record at once (one starts while another ends), so a write that
/// conflicts is run again.
#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn remember(
    store: &Store,
    key: &str,
    facts: impl SurrealValue + Clone,
) -> Result<Option<StackRow>> {
    let mut response = retry_conflicts(|| async {
        store
            .db()
            .query("UPDATE ONLY $id MERGE $facts RETURN AFTER")
            .bind(("id", record_id(key)))
            .bind(("facts", facts.clone()))
            .await?
            .check()
    })
    .await?;
    Ok(response.take(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stacks_restored_from_the_previous_version_learn_their_last_top_level_operation() {
        // A fresh store, then records from a backup of the previous version.
        let store = Store::in_memory().await;
        store
            .db()
            .query(
                "CREATE stack:web SET name = 'web', server_id = 's1';
                 CREATE stack:idle SET name = 'idle', server_id = 's1';
                 CREATE operation:01A SET server_id = 's1', stack_id = 'web';
                 CREATE operation:01B SET server_id = 's1', stack_id = 'web';
                 CREATE operation:01C SET server_id = 's1', stack_id = 'web', parent_id = '01B';",
            )
            .await
            .expect("old rows")
            .check()
            .expect("old rows");

        store
            .migrate_restored()
            .await
            .expect("the restore migrates");

        let mut response = store
            .db()
            .query("SELECT VALUE last_operation_id FROM [stack:web, stack:idle]")
            .await
            .expect("read");
        let last: Vec<Option<String>> = response.take(0).expect("values");
        assert_eq!(last, [Some("01B".to_string()), None]);
    }
}

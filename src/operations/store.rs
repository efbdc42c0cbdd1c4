//! The operation and operation_output tables.

use surrealdb::types::{RecordId, SurrealValue, Value};

use std::collections::BTreeMap;

use super::OperationFilter;
use super::model::{Operation, OutputChunk, OutputLine};
use crate::error::Result;
use crate::store::Store;
use crate::store::page::OrderDirection;

pub const TABLE: &str = "operation";

pub fn record_id(key: &str) -> RecordId {
    RecordId::new(TABLE, key.to_string())
}

pub const CREATE: &str = "CREATE ONLY $operation_id CONTENT $operation_row";

/// Creates an operation no audit event accompanies (a step of a pipeline run).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    bindings: (&'static str, RecordId, &'static str, Operation),
) -> Result<Option<Operation>> {
    let mut response = store.db().query(CREATE).bind(bindings).await?;
    Ok(response.take(0)?)
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<Operation>> {
    store.find(record_id(key)).await
}

#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn find_many(store: &Store, keys: &[String]) -> Result<Vec<Operation>> {
    store
        .find_many(keys.iter().map(|key| record_id(key)).collect())
        .await
}

/// Records how an operation ended (or that it started running).
#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn update(
    store: &Store,
    key: &str,
    changes: impl SurrealValue,
) -> Result<Option<Operation>> {
    let mut response = store
        .db()
        .query("UPDATE ONLY $id MERGE $changes RETURN AFTER")
        .bind(("id", record_id(key)))
        .bind(("changes", changes))
        .await?;
    Ok(response.take(0)?)
}

/// Appends output lines and counts them on the operation, in one transaction.
#[tracing::instrument(level = "debug", skip_all, fields(id = key, lines = lines.len()))]
pub async fn append_output(store: &Store, key: &str, lines: Vec<OutputLine>) -> Result<()> {
    let Some(first) = lines.first() else {
        return Ok(());
    };
    let chunk = OutputChunk {
        operation: key.to_string(),
        first_seq: first.seq,
        lines,
    };
    let count = chunk.lines.len() as i64;
    store
        .db()
        .query(
            "BEGIN TRANSACTION;
             CREATE operation_output CONTENT $chunk RETURN NONE;
             UPDATE ONLY $id SET output_lines += $count RETURN NONE;
             COMMIT TRANSACTION;",
        )
        .bind(("chunk", chunk))
        .bind(("id", record_id(key)))
        .bind(("count", count))
        .await?
        .check()?;
    Ok(())
}

/// Stores an operation's last output lines and how it ended in one transaction, so
/// the end costs one sync to disk, not two; returns the operation as it ended.
#[tracing::instrument(level = "debug", skip_all, fields(id = key, lines = lines.len()))]
pub async fn finish(
    store: &Store,
    key: &str,
    lines: Vec<OutputLine>,
    ending: impl SurrealValue,
) -> Result<Option<Operation>> {
    let count = lines.len() as i64;
    let chunk = lines.first().map(|first| OutputChunk {
        operation: key.to_string(),
        first_seq: first.seq,
        lines: lines.clone(),
    });
    let create = if chunk.is_some() {
        "CREATE operation_output CONTENT $chunk RETURN NONE;"
    } else {
        ""
    };
    store
        .db()
        .query(format!(
            "BEGIN TRANSACTION;
             {create}
             UPDATE ONLY $id SET output_lines += $count RETURN NONE;
             UPDATE ONLY $id MERGE $ending RETURN NONE;
             COMMIT TRANSACTION;"
        ))
        .bind(("chunk", chunk))
        .bind(("id", record_id(key)))
        .bind(("count", count))
        .bind(("ending", ending))
        .await?
        .check()?;
    find(store, key).await
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn output(store: &Store, key: &str) -> Result<Vec<OutputLine>> {
    let mut response = store
        .db()
        .query("SELECT * FROM operation_output WHERE operation = $operation ORDER BY first_seq")
        .bind(("operation", key.to_string()))
        .await?;
    let chunks: Vec<OutputChunk> = response.take(0)?;
    Ok(chunks.into_iter().flat_map(|chunk| chunk.lines).collect())
}

/// Marks operations left queued or running by a previous process as interrupted, and
/// returns them.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn interrupt_leftovers(store: &Store) -> Result<Vec<Operation>> {
    let mut response = store
        .db()
        .query(
            "UPDATE operation SET status = 'INTERRUPTED', finished_at = time::now(),
               error = 'monitor stopped while this operation ran'
             WHERE status IN ['QUEUED', 'RUNNING'] RETURN AFTER",
        )
        .await?;
    Ok(response.take(0)?)
}

/// A list's filter as statement conditions and their bound values. Only fixed field
/// names are formatted in; every value the filter holds is bound.
struct ListQuery {
    conditions: Vec<String>,
    vars: BTreeMap<String, Value>,
}

impl ListQuery {
    fn of(filter: &OperationFilter) -> ListQuery {
        let mut query = ListQuery {
            conditions: Vec::new(),
            vars: BTreeMap::new(),
        };
        if let Some(statuses) = &filter.statuses {
            query.condition("status IN $statuses", "statuses", statuses.clone());
        }
        if let Some(kinds) = &filter.kinds {
            query.condition("kind IN $kinds", "kinds", kinds.clone());
        }
        for (name, id) in filter.subject.wanted() {
            query.condition(format!("subject.{name} = ${name}"), name, id);
        }
        if let Some(parent) = &filter.parent_id {
            query.condition("parent_id = $parent_id", "parent_id", parent.to_string());
        }
        match filter.top_level {
            Some(true) => query.conditions.push("parent_id IS NONE".into()),
            Some(false) => query.conditions.push("parent_id IS NOT NONE".into()),
            None => {}
        }
        query
    }

    fn condition(&mut self, condition: impl Into<String>, name: &str, value: impl SurrealValue) {
        self.conditions.push(condition.into());
        self.vars.insert(name.into(), value.into_value());
    }
}

/// Operations that pass the filter, in creation order (or newest first), after the
/// given id.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn list(
    store: &Store,
    filter: &OperationFilter,
    direction: OrderDirection,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<Operation>> {
    let mut query = ListQuery::of(filter);
    if let Some(after) = after {
        query.conditions.push(match direction {
            OrderDirection::Asc => "id > $after".into(),
            OrderDirection::Desc => "id < $after".into(),
        });
        query
            .vars
            .insert("after".into(), record_id(after).into_value());
    }
    query
        .vars
        .insert("limit".into(), (limit as i64).into_value());
    let where_clause = if query.conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", query.conditions.join(" AND "))
    };
    let statement = format!(
        "SELECT * FROM operation {where_clause} ORDER BY id {} LIMIT $limit",
        direction.keyword()
    );
    let mut response = store.db().query(statement).bind(query.vars).await?;
    Ok(response.take(0)?)
}

#[cfg(test)]
mod tests {
    use async_graphql::ID;

    use super::*;
    use crate::operations::{OperationSubject, SubjectFilter};

    #[test]
    fn filter_values_are_bound_and_only_field_names_are_formatted_in() {
        let filter = OperationFilter {
            subject: SubjectFilter {
                stack_id: Some(ID("x' OR 1=1".into())),
                ..Default::default()
            },
            ..Default::default()
        };

        let query = ListQuery::of(&filter);

        assert_eq!(query.conditions, ["subject.stack_id = $stack_id"]);
        assert_eq!(
            query.vars.get("stack_id"),
            Some(&"x' OR 1=1".to_string().into_value())
        );
    }

    #[tokio::test]
    async fn operations_stored_by_the_previous_version_read_with_their_subject() {
        // A store the previous version wrote: its records, and no mark of this migration.
        let store = Store::in_memory().await;
        store
            .db()
            .query(
                "CREATE operation:command SET kind = 'COMMAND', status = 'SUCCEEDED',
                   trigger = 'MANUAL', server_id = 's1', target = 'true', output_lines = 0,
                   actor = { kind: 'SYSTEM', name: 'system' }, created_at = time::now();
                 CREATE operation:deploy SET kind = 'DEPLOY', status = 'SUCCEEDED',
                   trigger = 'MANUAL', server_id = 's1', stack_id = 'web', target = 'deploy web',
                   output_lines = 0, actor = { kind: 'SYSTEM', name: 'system' },
                   created_at = time::now();",
            )
            .await
            .expect("old rows")
            .check()
            .expect("old rows");
        store
            .db()
            .query("UPDATE meta:migrations SET done -= 'operation_subject'")
            .await
            .expect("unmarked")
            .check()
            .expect("unmarked");

        store.prepare().await.expect("the next start migrates");

        let command = find(&store, "command").await.expect("read").expect("found");
        let deploy = find(&store, "deploy").await.expect("read").expect("found");
        assert_eq!(
            command.subject,
            OperationSubject::Server {
                server_id: "s1".into()
            }
        );
        assert_eq!(
            deploy.subject,
            OperationSubject::Stack {
                stack_id: "web".into(),
                server_id: "s1".into()
            }
        );
        let mut left = store
            .db()
            .query("SELECT VALUE id FROM operation WHERE server_id IS NOT NONE OR stack_id IS NOT NONE")
            .await
            .expect("query");
        let left: Vec<RecordId> = left.take(0).expect("ids");
        assert!(left.is_empty(), "the old fields are gone");
    }
}

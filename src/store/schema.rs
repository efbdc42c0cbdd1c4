//! Table and index definitions, applied idempotently on every start.
//!
//! Tables are schemaless: each domain's store module is the one place that writes its
//! records, and the types there define their shape. Indexes are what make lookups and
//! audit-log pages cost the same at a million records as at ten.

use surrealdb::types::SurrealValue;

use super::Store;
use crate::error::Result;

const DEFINITIONS: &str = r#"
DEFINE TABLE IF NOT EXISTS meta SCHEMALESS;
DEFINE TABLE IF NOT EXISTS user SCHEMALESS;
DEFINE INDEX IF NOT EXISTS user_username ON user FIELDS username UNIQUE;
DEFINE TABLE IF NOT EXISTS token SCHEMALESS;
DEFINE INDEX IF NOT EXISTS token_hash ON token FIELDS hash UNIQUE;
DEFINE INDEX IF NOT EXISTS token_owner ON token FIELDS owner;
DEFINE TABLE IF NOT EXISTS audit_event SCHEMALESS;
REMOVE INDEX IF EXISTS audit_seq ON audit_event;
REMOVE INDEX IF EXISTS audit_rseq ON audit_event;
REMOVE INDEX IF EXISTS audit_rkind ON audit_event;
REMOVE INDEX IF EXISTS audit_rstack ON audit_event;
REMOVE INDEX IF EXISTS audit_rserver ON audit_event;
DEFINE INDEX IF NOT EXISTS audit_log ON audit_event FIELDS log, seq;
DEFINE INDEX IF NOT EXISTS audit_log_newest ON audit_event FIELDS log, rseq;
DEFINE INDEX IF NOT EXISTS audit_log_kind ON audit_event FIELDS log, kind, seq;
DEFINE INDEX IF NOT EXISTS audit_log_rkind ON audit_event FIELDS log, rkind, rseq;
DEFINE INDEX IF NOT EXISTS audit_log_stack ON audit_event FIELDS log, stack_id, seq;
DEFINE INDEX IF NOT EXISTS audit_log_rstack ON audit_event FIELDS log, rstack, rseq;
DEFINE INDEX IF NOT EXISTS audit_log_server ON audit_event FIELDS log, server_id, seq;
DEFINE INDEX IF NOT EXISTS audit_log_rserver ON audit_event FIELDS log, rserver, rseq;
DEFINE INDEX IF NOT EXISTS audit_kind ON audit_event FIELDS kind, seq;
DEFINE INDEX IF NOT EXISTS audit_kind_newest ON audit_event FIELDS kind, rseq;
DEFINE INDEX IF NOT EXISTS audit_actor ON audit_event FIELDS actor.name, seq;
DEFINE INDEX IF NOT EXISTS audit_actor_newest ON audit_event FIELDS actor.name, rseq;
DEFINE INDEX IF NOT EXISTS audit_stack ON audit_event FIELDS stack_id, seq;
DEFINE INDEX IF NOT EXISTS audit_stack_newest ON audit_event FIELDS stack_id, rseq;
DEFINE INDEX IF NOT EXISTS audit_server ON audit_event FIELDS server_id, seq;
DEFINE INDEX IF NOT EXISTS audit_server_newest ON audit_event FIELDS server_id, rseq;
DEFINE INDEX IF NOT EXISTS audit_app ON audit_event FIELDS app_id, seq;
DEFINE INDEX IF NOT EXISTS audit_app_newest ON audit_event FIELDS app_id, rseq;
DEFINE TABLE IF NOT EXISTS server SCHEMALESS;
DEFINE INDEX IF NOT EXISTS server_name ON server FIELDS name UNIQUE;
DEFINE TABLE IF NOT EXISTS operation SCHEMALESS;
DEFINE INDEX IF NOT EXISTS operation_status ON operation FIELDS status;
REMOVE INDEX IF EXISTS operation_server ON operation;
REMOVE INDEX IF EXISTS operation_stack ON operation;
DEFINE INDEX IF NOT EXISTS operation_subject_server ON operation FIELDS subject.server_id;
DEFINE INDEX IF NOT EXISTS operation_subject_stack ON operation FIELDS subject.stack_id;
DEFINE INDEX IF NOT EXISTS operation_parent ON operation FIELDS parent_id;
DEFINE INDEX IF NOT EXISTS operation_subject_app ON operation FIELDS subject.app_id;
DEFINE INDEX IF NOT EXISTS operation_subject_measurement ON operation FIELDS subject.measurement_id;
DEFINE TABLE IF NOT EXISTS probe SCHEMALESS;
DEFINE INDEX IF NOT EXISTS probe_name ON probe FIELDS name UNIQUE;
DEFINE INDEX IF NOT EXISTS probe_token_hash ON probe FIELDS token_hash UNIQUE;
DEFINE TABLE IF NOT EXISTS measurement SCHEMALESS;
DEFINE INDEX IF NOT EXISTS measurement_status ON measurement FIELDS status;
DEFINE TABLE IF NOT EXISTS assignment SCHEMALESS;
DEFINE INDEX IF NOT EXISTS assignment_probe ON assignment FIELDS probe_id, status;
REMOVE INDEX IF EXISTS assignment_measurement ON assignment;
DEFINE INDEX IF NOT EXISTS assignment_measurement_status ON assignment FIELDS measurement_id, status;
DEFINE TABLE IF NOT EXISTS probe_result SCHEMALESS;
REMOVE INDEX IF EXISTS probe_result_key ON probe_result;
REMOVE INDEX IF EXISTS probe_result_measurement ON probe_result;
REMOVE INDEX IF EXISTS probe_result_assignment ON probe_result;
DEFINE TABLE IF NOT EXISTS credit_account SCHEMALESS;
DEFINE TABLE IF NOT EXISTS credit_entry SCHEMALESS;
DEFINE INDEX IF NOT EXISTS credit_entry_user ON credit_entry FIELDS user_id;
DEFINE TABLE IF NOT EXISTS stack SCHEMALESS;
DEFINE INDEX IF NOT EXISTS stack_name ON stack FIELDS server_id, name UNIQUE;
DEFINE TABLE IF NOT EXISTS webhook_delivery SCHEMALESS;
DEFINE TABLE IF NOT EXISTS operation_output SCHEMALESS;
DEFINE INDEX IF NOT EXISTS operation_output_order ON operation_output FIELDS operation, first_seq;
DEFINE TABLE IF NOT EXISTS app SCHEMALESS;
DEFINE INDEX IF NOT EXISTS app_name ON app FIELDS namespace, name UNIQUE;
DEFINE TABLE IF NOT EXISTS app_version SCHEMALESS;
DEFINE INDEX IF NOT EXISTS app_version_number ON app_version FIELDS app, number;
DEFINE INDEX IF NOT EXISTS app_version_hash ON app_version FIELDS app, hash UNIQUE;
DEFINE TABLE IF NOT EXISTS app_deployment SCHEMALESS;
DEFINE INDEX IF NOT EXISTS app_deployment_app ON app_deployment FIELDS app;
DEFINE INDEX IF NOT EXISTS app_deployment_outcome ON app_deployment FIELDS outcome;
DEFINE TABLE IF NOT EXISTS app_dashboard SCHEMALESS;
DEFINE TABLE IF NOT EXISTS component_config SCHEMALESS;
DEFINE TABLE IF NOT EXISTS component_config_version SCHEMALESS;
DEFINE INDEX IF NOT EXISTS component_config_version_of ON component_config_version FIELDS config_id, version UNIQUE;
"#;

/// Record changes older stores need once, each named; `meta:migrations` remembers which
/// ran, so a start costs nothing once they have. Every statement only touches records
/// still in the old shape, so running one again changes nothing: a restore runs them
/// all over what it loaded (see [`migrate_restored`]), since the backup may predate
/// some and does not carry the marks.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "audit_log_prefix",
        "UPDATE audit_event SET log = 1 WHERE log IS NONE RETURN NONE",
    ),
    (
        // Operations had `server_id` and `stack_id` beside their other fields; they now
        // have a subject that says what they are about.
        "operation_subject",
        "UPDATE operation SET
           subject = IF stack_id IS NONE
             THEN { type: 'SERVER', server_id: server_id }
             ELSE { type: 'STACK', stack_id: stack_id, server_id: server_id }
             END,
           server_id = NONE,
           stack_id = NONE
         WHERE subject IS NONE RETURN NONE",
    ),
    (
        // Stacks point at the operation their last action started (`Stack.lastOperation`);
        // older stacks learn theirs once. Runs after `operation_subject`.
        "stack_last_operation",
        "UPDATE stack SET last_operation_id = (
           SELECT VALUE record::id(id) FROM operation
           WHERE subject.stack_id = record::id($parent.id) AND parent_id IS NONE
           ORDER BY id DESC LIMIT 1
         )[0]
         WHERE last_operation_id IS NONE RETURN NONE",
    ),
    (
        // Probe results had a random id and a unique index on `key`; a result's id is
        // now its key, so the record itself says it was stored before, and older ones
        // move to theirs.
        "probe_result_key_ids",
        "INSERT INTO probe_result (
           SELECT *, type::record('probe_result', [assignment_id, run, target]) AS id
           FROM probe_result WHERE type::is_string(record::id(id))
         ) RETURN NONE;
         DELETE probe_result WHERE type::is_string(record::id(id)) RETURN NONE",
    ),
    (
        // A result's id now starts with its measurement, so a measurement's results are
        // one range of ids and need no index on `measurement_id`; results stored at
        // their key alone move under their measurement. Runs after
        // `probe_result_key_ids`.
        "probe_result_measurement_ids",
        "INSERT INTO probe_result (
           SELECT *, type::record('probe_result',
             [measurement_id, assignment_id, run, target]) AS id
           FROM probe_result WHERE array::len(record::id(id)) = 3
         ) RETURN NONE;
         DELETE probe_result WHERE array::len(record::id(id)) = 3 RETURN NONE",
    ),
];

#[derive(SurrealValue)]
struct Done {
    done: Vec<String>,
}

/// Defines every table and index that does not exist yet, then runs what migrations
/// this store has not had.
pub async fn apply(store: &Store) -> Result<()> {
    store.db().query(DEFINITIONS).await?.check()?;
    let mut response = store
        .db()
        .query("SELECT done FROM ONLY meta:migrations")
        .await?;
    let done: Option<Done> = response.take(0)?;
    let done = done.map(|d| d.done).unwrap_or_default();
    for (name, statement) in MIGRATIONS {
        if done.iter().any(|d| d == name) {
            continue;
        }
        tracing::info!(migration = name, "migrating the store (once)");
        migrate(store, name, statement).await?;
    }
    Ok(())
}

/// Runs every migration over records just restored from a backup, whatever the marks
/// say: the store was fresh (so marked as needing none) when they were loaded.
pub async fn migrate_restored(store: &Store) -> Result<()> {
    for (name, statement) in MIGRATIONS {
        migrate(store, name, statement).await?;
    }
    Ok(())
}

async fn migrate(store: &Store, name: &str, statement: &str) -> Result<()> {
    store
        .db()
        .query(format!(
            "BEGIN TRANSACTION; {statement}; \
             UPSERT meta:migrations SET done = array::union(done ?? [], [$name]); \
             COMMIT TRANSACTION;"
        ))
        .bind(("name", name.to_string()))
        .await?
        .check()?;
    Ok(())
}

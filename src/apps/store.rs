//! The app, app_version and app_deployment tables.
//!
//! A version's key is `<app key>-<number>` and `(app, hash)` is unique, so two saves
//! racing for the same number, or for the same graph, cannot both land: the loser is
//! refused as a duplicate and looks again.

use surrealdb::types::{RecordId, SurrealValue};

use super::model::{AppRow, Deployment, DeploymentOutcome, VersionRow};
use crate::error::Result;
use crate::store::{Store, retry_conflicts};

pub const APP: &str = "app";
pub const VERSION: &str = "app_version";
pub const DEPLOYMENT: &str = "app_deployment";

pub fn app_id(key: &str) -> RecordId {
    RecordId::new(APP, key.to_string())
}

pub fn version_key(app: &str, number: i64) -> String {
    format!("{app}-{number}")
}

pub fn version_id(app: &str, number: i64) -> RecordId {
    RecordId::new(VERSION, version_key(app, number))
}

pub fn deployment_id(key: &str) -> RecordId {
    RecordId::new(DEPLOYMENT, key.to_string())
}

/// A new app and its first version.
pub const CREATE_APP: &str = "CREATE ONLY $app_id CONTENT $app_row; \
     CREATE ONLY $version_id CONTENT $version_row RETURN NONE";
/// A new version, counted on its app, which it returns.
pub const ADD_VERSION: &str = "UPDATE ONLY $app_id MERGE $app_facts RETURN AFTER; \
     CREATE ONLY $version_id CONTENT $version_row RETURN NONE";
/// An app's description, labels and auto-revert, replaced whole, returning it.
pub const UPDATE_APP: &str = "UPDATE ONLY $app_id SET description = $description, \
     labels = $labels, auto_revert = $auto_revert, updated_at = $updated_at RETURN AFTER";
/// Changed facts of an app, returning it.
const MERGE_APP: &str = "UPDATE ONLY $app_id MERGE $app_facts RETURN AFTER";
/// An app with its versions and deployments, returning it as it was.
pub const DELETE_APP: &str = "DELETE ONLY $app_id RETURN BEFORE; \
     DELETE app_version WHERE app = $app_key RETURN NONE; \
     DELETE app_deployment WHERE app = $app_key RETURN NONE";
/// A deployment as it starts.
const CREATE_DEPLOYMENT: &str = "CREATE ONLY $deployment_id CONTENT $deployment_row";

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn find(store: &Store, key: &str) -> Result<Option<AppRow>> {
    store.find(app_id(key)).await
}

#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn find_many(store: &Store, keys: &[String]) -> Result<Vec<AppRow>> {
    store
        .find_many(keys.iter().map(|key| app_id(key)).collect())
        .await
}

#[tracing::instrument(level = "debug", skip_all, fields(namespace, name))]
pub async fn find_by_name(store: &Store, namespace: &str, name: &str) -> Result<Option<AppRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM app WHERE namespace = $namespace AND name = $name LIMIT 1")
        .bind(("namespace", namespace.to_string()))
        .bind(("name", name.to_string()))
        .await?;
    let rows: Vec<AppRow> = response.take(0)?;
    Ok(rows.into_iter().next())
}

/// What a list of apps keeps: every field given must match.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub namespace: Option<String>,
    pub name_contains: Option<String>,
    pub label: Option<(String, String)>,
    pub phase: Option<super::model::AppPhase>,
}

/// How a list of apps is sorted, and the cursor after which a page starts.
#[derive(Debug, Clone)]
pub enum ListOrder {
    /// By namespace, then name; the cursor is the last `(namespace, name)`.
    Name {
        descending: bool,
        after: Option<(String, String)>,
    },
    /// By creation (the id's ULID); the cursor is the last id.
    Created {
        descending: bool,
        after: Option<String>,
    },
}

/// One page of apps, `limit` long at most.
#[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
pub async fn list(
    store: &Store,
    filter: &ListFilter,
    order: &ListOrder,
    limit: usize,
) -> Result<Vec<AppRow>> {
    let mut conditions = Vec::new();
    if filter.namespace.is_some() {
        conditions.push("namespace = $namespace");
    }
    if filter.name_contains.is_some() {
        conditions.push("string::contains(name, $name_contains)");
    }
    if filter.label.is_some() {
        conditions.push("labels[$label_key] = $label_value");
    }
    if filter.phase.is_some() {
        conditions.push("status.phase = $phase");
    }
    let (after_name, after_id, sort) = match order {
        ListOrder::Name { descending, after } => {
            if after.is_some() {
                conditions.push(if *descending {
                    "(namespace < $after_namespace OR (namespace = $after_namespace AND name < $after_name))"
                } else {
                    "(namespace > $after_namespace OR (namespace = $after_namespace AND name > $after_name))"
                });
            }
            let direction = if *descending { "DESC" } else { "ASC" };
            (
                after.clone(),
                None,
                format!("namespace {direction}, name {direction}"),
            )
        }
        ListOrder::Created { descending, after } => {
            if after.is_some() {
                conditions.push(if *descending {
                    "id < $after_id"
                } else {
                    "id > $after_id"
                });
            }
            let direction = if *descending { "DESC" } else { "ASC" };
            (
                None,
                after.as_deref().map(app_id),
                format!("id {direction}"),
            )
        }
    };
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let (label_key, label_value) = filter.label.clone().unzip();
    let (after_namespace, after_name) = after_name.unzip();
    let mut response = store
        .db()
        .query(format!(
            "SELECT * FROM app {where_clause} ORDER BY {sort} LIMIT $limit"
        ))
        .bind(("namespace", filter.namespace.clone()))
        .bind(("name_contains", filter.name_contains.clone()))
        .bind(("label_key", label_key))
        .bind(("label_value", label_value))
        .bind(("phase", filter.phase))
        .bind(("after_namespace", after_namespace))
        .bind(("after_name", after_name))
        .bind(("after_id", after_id))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// Changes some facts of an app (its status, its live version…). Facts learned from
/// the cluster and from a deploy can land at once, so a write that conflicts runs again.
#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn merge(
    store: &Store,
    key: &str,
    facts: impl SurrealValue + Clone,
) -> Result<Option<AppRow>> {
    let mut response = retry_conflicts(|| async {
        store
            .db()
            .query(MERGE_APP)
            .bind(("app_id", app_id(key)))
            .bind(("app_facts", facts.clone()))
            .await?
            .check()
    })
    .await?;
    Ok(response.take(0)?)
}

#[tracing::instrument(level = "debug", skip_all, fields(app, number))]
pub async fn find_version(store: &Store, app: &str, number: i64) -> Result<Option<VersionRow>> {
    store.find(version_id(app, number)).await
}

/// The versions with these keys (`<app key>-<number>`) that exist.
#[tracing::instrument(level = "debug", skip_all, fields(ids = keys.len()))]
pub async fn find_versions(store: &Store, keys: &[String]) -> Result<Vec<VersionRow>> {
    let ids = keys
        .iter()
        .map(|key| RecordId::new(VERSION, key.clone()))
        .collect();
    store.find_many(ids).await
}

#[tracing::instrument(level = "debug", skip_all, fields(app))]
pub async fn find_version_by_hash(
    store: &Store,
    app: &str,
    hash: &str,
) -> Result<Option<VersionRow>> {
    let mut response = store
        .db()
        .query("SELECT * FROM app_version WHERE app = $app AND hash = $hash LIMIT 1")
        .bind(("app", app.to_string()))
        .bind(("hash", hash.to_string()))
        .await?;
    let rows: Vec<VersionRow> = response.take(0)?;
    Ok(rows.into_iter().next())
}

/// An app's versions, newest first, numbered below `before` when given.
#[tracing::instrument(level = "debug", skip_all, fields(app, limit))]
pub async fn list_versions(
    store: &Store,
    app: &str,
    before: Option<i64>,
    limit: usize,
) -> Result<Vec<VersionRow>> {
    let statement = match before {
        Some(_) => {
            "SELECT * FROM app_version WHERE app = $app AND number < $before \
             ORDER BY number DESC LIMIT $limit"
        }
        None => "SELECT * FROM app_version WHERE app = $app ORDER BY number DESC LIMIT $limit",
    };
    let mut response = store
        .db()
        .query(statement)
        .bind(("app", app.to_string()))
        .bind(("before", before))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// An app's deployments, newest first, started before the one given when given.
#[tracing::instrument(level = "debug", skip_all, fields(app, limit))]
pub async fn list_deployments(
    store: &Store,
    app: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<Deployment>> {
    let statement = match before {
        Some(_) => {
            "SELECT * FROM app_deployment WHERE app = $app AND id < $before \
             ORDER BY id DESC LIMIT $limit"
        }
        None => "SELECT * FROM app_deployment WHERE app = $app ORDER BY id DESC LIMIT $limit",
    };
    let mut response = store
        .db()
        .query(statement)
        .bind(("app", app.to_string()))
        .bind(("before", before.map(deployment_id)))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// The newest deployment of an app that ended `Deployed` and is not numbered `except`.
#[tracing::instrument(level = "debug", skip_all, fields(app))]
pub async fn last_deployed(store: &Store, app: &str, except: i64) -> Result<Option<Deployment>> {
    let mut response = store
        .db()
        .query(
            "SELECT * FROM app_deployment WHERE app = $app AND outcome = $deployed \
             AND to_version != $except ORDER BY id DESC LIMIT 1",
        )
        .bind(("app", app.to_string()))
        .bind(("deployed", DeploymentOutcome::Deployed))
        .bind(("except", except))
        .await?;
    let rows: Vec<Deployment> = response.take(0)?;
    Ok(rows.into_iter().next())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn create_deployment(store: &Store, row: Deployment) -> Result<()> {
    store
        .db()
        .query(CREATE_DEPLOYMENT)
        .bind(("deployment_id", row.id.clone()))
        .bind(("deployment_row", row))
        .await?
        .check()?;
    Ok(())
}

/// How a deployment ended.
#[derive(Debug, Clone, SurrealValue)]
pub struct DeploymentEnd {
    pub outcome: DeploymentOutcome,
    pub message: Option<String>,
    pub finished_at: chrono::DateTime<chrono::Utc>,
}

#[tracing::instrument(level = "debug", skip_all, fields(id = key))]
pub async fn finish_deployment(store: &Store, key: &str, end: DeploymentEnd) -> Result<()> {
    store
        .db()
        .query("UPDATE ONLY $id MERGE $end RETURN NONE")
        .bind(("id", deployment_id(key)))
        .bind(("end", end))
        .await?
        .check()?;
    Ok(())
}

/// Marks deployments a previous process left running as interrupted; returns their apps.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn interrupt_deployments(store: &Store) -> Result<Vec<String>> {
    let mut response = store
        .db()
        .query(
            "UPDATE app_deployment SET outcome = $interrupted, finished_at = time::now(), \
             message = 'monitor stopped while following this deployment' \
             WHERE outcome = $running RETURN VALUE app",
        )
        .bind(("interrupted", DeploymentOutcome::Interrupted))
        .bind(("running", DeploymentOutcome::Running))
        .await?;
    Ok(response.take(0)?)
}

//! The component catalog: reusable component configs a graph's components start from,
//! each with a version history (an update is a new version; the old ones stay readable).
//!
//! The catalog is monitor's own record and needs no cluster.

pub mod graphql;
pub mod input;
mod model;
mod store;

use chrono::Utc;

pub use model::{ComponentConfig, ComponentConfigVersion};

use crate::audit::{Actor, AuditEvent, AuditKind, AuditLog, AuditSubjectType};
use crate::error::{Error, Result};
use crate::store::Store;
use input::ConfigFields;
use model::{ComponentConfigRow, ComponentConfigVersionRow};

/// Creates, versions and removes component configs.
#[derive(Clone)]
pub struct Catalog {
    store: Store,
    audit: AuditLog,
}

impl Catalog {
    pub fn new(store: Store, audit: AuditLog) -> Catalog {
        Catalog { store, audit }
    }

    pub async fn get(&self, id: &str) -> Result<Option<ComponentConfig>> {
        Ok(store::find(&self.store, id)
            .await?
            .as_ref()
            .map(ComponentConfig::from))
    }

    pub async fn list(
        &self,
        kind: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ComponentConfig>> {
        let rows = store::list(&self.store, kind, after, limit).await?;
        Ok(rows.iter().map(ComponentConfig::from).collect())
    }

    /// Every version of a config, newest first.
    pub async fn versions(&self, id: &str) -> Result<Vec<ComponentConfigVersion>> {
        let rows = store::versions(&self.store, id).await?;
        Ok(rows.iter().map(ComponentConfigVersion::from).collect())
    }

    pub async fn version(&self, id: &str, version: i64) -> Result<Option<ComponentConfigVersion>> {
        Ok(store::version(&self.store, id, version)
            .await?
            .as_ref()
            .map(ComponentConfigVersion::from))
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %fields.title))]
    pub async fn create(&self, actor: &Actor, fields: ConfigFields) -> Result<ComponentConfig> {
        let key = ulid::Ulid::new().to_string();
        let now = Utc::now();
        let row = ComponentConfigRow {
            id: store::config_id(&key),
            title: fields.title,
            config: fields.config.to_string(),
            kind: fields.kind,
            node_type: fields.node_type,
            message: fields.message,
            version: 1,
            author: actor.clone(),
            created_at: now,
            updated_at: now,
        };
        let event = event(&self.audit, AuditKind::ComponentConfigCreated, actor, &row)
            .with_diff(None, Some(row.audit_view()));
        self.save(row, event).await
    }

    /// Saves the changed fields as the config's next version.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id))]
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        change: impl FnOnce(&ComponentConfigRow) -> Result<ConfigFields>,
    ) -> Result<ComponentConfig> {
        let before = self.existing(id).await?;
        let fields = change(&before)?;
        let row = ComponentConfigRow {
            title: fields.title,
            config: fields.config.to_string(),
            kind: fields.kind,
            node_type: fields.node_type,
            message: fields.message,
            version: before.version + 1,
            author: actor.clone(),
            updated_at: Utc::now(),
            ..before.clone()
        };
        let event = event(&self.audit, AuditKind::ComponentConfigUpdated, actor, &row)
            .with_diff(Some(before.audit_view()), Some(row.audit_view()));
        self.save(row, event).await.map_err(|error| match error {
            Error::Conflict(_) => Error::Conflict(format!(
                "component config {id} was changed at the same time; read it again"
            )),
            other => other,
        })
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id))]
    pub async fn delete(&self, actor: &Actor, id: &str) -> Result<ComponentConfig> {
        let row = self.existing(id).await?;
        let event = event(&self.audit, AuditKind::ComponentConfigDeleted, actor, &row)
            .with_diff(Some(row.audit_view()), None);
        let _: Option<ComponentConfigRow> = self
            .audit
            .write(
                store::DELETE,
                ("config_id", row.id.clone(), "config_key", row.key()),
                event,
            )
            .await?;
        Ok(ComponentConfig::from(&row))
    }

    async fn save(&self, row: ComponentConfigRow, event: AuditEvent) -> Result<ComponentConfig> {
        let key = row.key();
        let version = ComponentConfigVersionRow {
            id: store::version_id(&key, row.version),
            config_id: key,
            version: row.version,
            title: row.title.clone(),
            config: row.config.clone(),
            kind: row.kind.clone(),
            node_type: row.node_type.clone(),
            message: row.message.clone(),
            author: row.author.clone(),
            created_at: row.updated_at,
        };
        let stored: Option<ComponentConfigRow> = self
            .audit
            .write(
                store::SAVE,
                (
                    "config_id",
                    row.id.clone(),
                    "config_row",
                    row.clone(),
                    "version_id",
                    version.id.clone(),
                    "version_row",
                    version,
                ),
                event,
            )
            .await?;
        Ok(ComponentConfig::from(&stored.unwrap_or(row)))
    }

    async fn existing(&self, id: &str) -> Result<ComponentConfigRow> {
        store::find(&self.store, id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "component config",
                id: id.to_string(),
            })
    }
}

fn event(audit: &AuditLog, kind: AuditKind, actor: &Actor, row: &ComponentConfigRow) -> AuditEvent {
    let summary = match kind {
        AuditKind::ComponentConfigCreated => format!("added component config {}", row.title),
        AuditKind::ComponentConfigDeleted => format!("removed component config {}", row.title),
        _ => format!(
            "component config {} is at version {}: {}",
            row.title, row.version, row.message
        ),
    };
    audit.event(kind, actor, summary).about(
        AuditSubjectType::ComponentConfig,
        Some(&row.key()),
        Some(&row.title),
    )
}

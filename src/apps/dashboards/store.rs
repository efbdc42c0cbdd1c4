//! The `app_dashboard` table: one record per app (keyed by the app's id) saying which
//! dashboard Grafana holds for it, for which generation of its resource, or why Grafana
//! has not taken it yet.

use surrealdb::types::RecordId;

use super::model::DashboardRow;
use crate::error::Result;
use crate::store::Store;

const TABLE: &str = "app_dashboard";

fn record_id(app: &str) -> RecordId {
    RecordId::new(TABLE, app.to_string())
}

#[tracing::instrument(level = "debug", skip_all, fields(app))]
pub async fn find(store: &Store, app: &str) -> Result<Option<DashboardRow>> {
    store.find(record_id(app)).await
}

/// The records of these apps that exist, in one store round trip.
#[tracing::instrument(level = "debug", skip_all, fields(apps = apps.len()))]
pub async fn find_many(store: &Store, apps: &[String]) -> Result<Vec<DashboardRow>> {
    store
        .find_many(apps.iter().map(|app| record_id(app)).collect())
        .await
}

/// Writes an app's record whole.
#[tracing::instrument(level = "debug", skip_all, fields(app = %row.app))]
pub async fn put(store: &Store, row: DashboardRow) -> Result<()> {
    store
        .db()
        .query("UPSERT ONLY $dashboard_id CONTENT $dashboard_row RETURN NONE")
        .bind(("dashboard_id", record_id(&row.app)))
        .bind(("dashboard_row", row))
        .await?
        .check()?;
    Ok(())
}

//! What monitor keeps about an app's dashboard, and how the API shows it.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

/// One panel of a dashboard, with its own page in Grafana.
#[derive(Debug, Clone, PartialEq, SimpleObject, SurrealValue)]
pub struct DashboardPanel {
    pub title: String,
    pub url: String,
}

/// An app's dashboard as stored: what Grafana last accepted, and the last refusal.
#[derive(Debug, Clone, SurrealValue)]
pub struct DashboardRow {
    /// The app's id.
    pub app: String,
    /// Set once Grafana has saved a dashboard for the app.
    pub saved: Option<SavedRow>,
    /// Why the last save failed; cleared by the next one that succeeds.
    pub last_error: Option<String>,
    pub attempted_at: DateTime<Utc>,
}

/// The dashboard Grafana holds for an app.
#[derive(Debug, Clone, SurrealValue)]
pub struct SavedRow {
    pub uid: String,
    /// Grafana's version of the dashboard.
    pub version: i64,
    pub url: String,
    pub panels: Vec<DashboardPanel>,
    /// The resource generation and component namespaces it was generated for.
    pub generation: Option<i64>,
    pub namespaces: Vec<String>,
    pub saved_at: DateTime<Utc>,
}

/// An app's Grafana dashboard, which monitor creates and keeps up to date.
#[derive(Debug, Clone, SimpleObject)]
pub struct AppDashboard {
    /// The dashboard's uid in Grafana, derived from the app's id.
    pub uid: String,
    /// Grafana's version of the dashboard.
    pub version: i64,
    /// The dashboard's page in Grafana.
    pub url: String,
    pub panels: Vec<DashboardPanel>,
    /// The generation of the app's resource the dashboard was generated for.
    pub generation: Option<i64>,
    pub saved_at: DateTime<Utc>,
    /// Whether it matches the resource as monitor last saw it; while false, monitor
    /// keeps trying, and `pendingReason` says why it has not succeeded.
    pub up_to_date: bool,
    pub pending_reason: Option<String>,
}

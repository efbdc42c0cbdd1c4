//! The application state: every service, built once by [`crate::app`], shared by every
//! request handler and resolver.
//!
//! It sits above the domains (it holds their services) and below everything that serves
//! them (GraphQL resolvers, HTTP handlers, health), so none of those needs the wiring
//! in `app.rs`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio_util::task::TaskTracker;

use crate::apps::Apps;
use crate::apps::dashboards::AppDashboards;
use crate::apps::grafana::GrafanaSetup;
use crate::apps::sync::SyncHealth;
use crate::audit::AuditLog;
use crate::auth::Auth;
use crate::backup::DownloadTickets;
use crate::bus::Bus;
use crate::config::Settings;
use crate::containers::Containers;
use crate::credits::Credits;
use crate::kube::Kubernetes;
use crate::metrics::Metrics;
use crate::operations::Operations;
use crate::probes::measurements::Measurements;
use crate::probes::registry::Probes;
use crate::probes::results::Results;
use crate::runner::Runner;
use crate::servers::Servers;
use crate::shell::Shells;
use crate::stacks::Stacks;
use crate::store::Store;
use crate::users::Users;

/// Everything a request handler or resolver may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Store,
    pub audit: AuditLog,
    pub users: Users,
    pub auth: Auth,
    pub servers: Servers,
    pub containers: Containers,
    pub shells: Shells,
    pub operations: Operations,
    pub stacks: Stacks,
    /// The Kubernetes cluster apps are deployed to, or why there is none.
    pub kubernetes: Kubernetes,
    /// Whether the cluster sync's watches work.
    pub sync: SyncHealth,
    /// Where deployed apps get their dashboards, or why there is none.
    pub grafana: GrafanaSetup,
    /// Each deployed app's dashboard in Grafana.
    pub dashboards: AppDashboards,
    pub apps: Apps,
    pub credits: Credits,
    pub probes: Probes,
    pub measurements: Measurements,
    pub results: Results,
    pub backup_tickets: DownloadTickets,
    pub metrics: Arc<Metrics>,
    pub started_at: DateTime<Utc>,
    /// Where changes are published for subscriptions.
    pub bus: Bus,
    /// Runs the background loops and holds the shutdown token they watch.
    pub runner: Runner,
    /// Upgraded websockets, which the HTTP server no longer tracks: shutdown waits for
    /// them so every client receives its close frame before the process exits.
    pub websockets: TaskTracker,
}

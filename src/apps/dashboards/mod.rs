//! One Grafana dashboard per deployed app, kept up to date by a loop on the runner.
//!
//! Deploys never wait for Grafana: the loop follows `appStatusChanged` and saves the
//! dashboard of each app whose resource is deployed, again whenever the resource's
//! generation grows or the controller reports other component namespaces. While
//! Grafana is down or refusing, the loop keeps the apps it owes a dashboard and tries
//! again with a growing pause; `app.dashboard` answers `UNAVAILABLE` with Grafana's
//! answer until the first save succeeds. A periodic sweep catches anything missed.
//!
//! `app.dashboard` never asks Grafana: it reads what the loop stored, each app's record
//! through a DataLoader, so a list of apps costs one read of them all.

mod model;
mod store;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::dashboard::{DashboardApp, dashboard_json};
use super::grafana::{Grafana, GrafanaError, GrafanaSetup};
use super::{App, AppStatusChanged, Apps, ListFilter, ListOrder};
use crate::bus::{Bus, Received};
use crate::error::{Error, Result};
use crate::runner::Runner;
use crate::store::Store;
use model::SavedRow;
pub use model::{AppDashboard, DashboardPanel, DashboardRow};

/// The first pause after Grafana refused, doubled up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(60);
/// How often every app is checked, for changes the loop could have missed.
const SWEEP: Duration = Duration::from_secs(300);
/// Apps read per page by a sweep.
const PAGE: usize = 200;

/// The dashboards of apps: what is stored about them, and Grafana when configured.
#[derive(Clone)]
pub struct AppDashboards {
    store: Store,
    grafana: GrafanaSetup,
}

/// What a dashboard should be generated for.
#[derive(Debug, PartialEq)]
struct Target {
    generation: Option<i64>,
    namespaces: Vec<String>,
}

/// A deployed app's target; `None` for an app that gets no dashboard.
fn target(app: &App) -> Option<Target> {
    if !(app.active && app.in_cluster) {
        return None;
    }
    let status = app.status.as_ref();
    Some(Target {
        generation: status.and_then(|status| status.generation),
        namespaces: status
            .map(|status| status.component_namespaces.clone())
            .unwrap_or_default(),
    })
}

fn is_current(saved: &SavedRow, target: &Target) -> bool {
    saved.generation >= target.generation && saved.namespaces == target.namespaces
}

impl AppDashboards {
    pub fn new(store: Store, grafana: GrafanaSetup) -> AppDashboards {
        AppDashboards { store, grafana }
    }

    /// Whether `app.dashboard` needs the app's stored record: only for a deployed app
    /// while Grafana is configured; otherwise the answer, without reading anything.
    pub fn needs_record(&self, app: &App) -> Result<bool> {
        if target(app).is_none() {
            return Ok(false);
        }
        self.grafana.grafana()?;
        Ok(true)
    }

    /// The stored records of these apps' dashboards, in one store round trip.
    pub async fn records(&self, apps: &[String]) -> Result<Vec<DashboardRow>> {
        store::find_many(&self.store, apps).await
    }

    /// `app.dashboard` from its stored record: `None` for an app that is not deployed;
    /// `UNAVAILABLE` while Grafana is not configured or has not accepted the app's
    /// first dashboard.
    pub fn of(&self, app: &App, row: Option<DashboardRow>) -> Result<Option<AppDashboard>> {
        let Some(target) = target(app) else {
            return Ok(None);
        };
        self.grafana.grafana()?;
        let last_error = row.as_ref().and_then(|row| row.last_error.clone());
        let Some(saved) = row.and_then(|row| row.saved) else {
            return Err(Error::Unavailable {
                component: "grafana",
                message: last_error
                    .unwrap_or_else(|| "the app's dashboard is being created".into()),
            });
        };
        let up_to_date = is_current(&saved, &target);
        Ok(Some(AppDashboard {
            uid: saved.uid,
            version: saved.version,
            url: saved.url,
            panels: saved.panels,
            generation: saved.generation,
            saved_at: saved.saved_at,
            up_to_date,
            pending_reason: if up_to_date { None } else { last_error },
        }))
    }

    /// Starts the loop that keeps dashboards, when Grafana is configured.
    pub fn start(&self, runner: &Runner, apps: &Apps, bus: &Bus) {
        let GrafanaSetup::Configured(grafana) = &self.grafana else {
            return;
        };
        let keeper = Keeper {
            store: self.store.clone(),
            grafana: grafana.clone(),
            apps: apps.clone(),
        };
        let bus = bus.clone();
        runner.spawn(
            "app_dashboards",
            "grafana",
            runner.task_token(),
            move |stop| keeper.clone().run(bus.clone(), stop),
        );
    }
}

/// The loop's side: saves dashboards in Grafana and records the outcome.
#[derive(Clone)]
struct Keeper {
    store: Store,
    grafana: Grafana,
    apps: Apps,
}

impl Keeper {
    async fn run(self, bus: Bus, stop: CancellationToken) -> anyhow::Result<()> {
        let mut changes = bus.subscribe::<AppStatusChanged>();
        let mut owed: BTreeSet<String> = BTreeSet::new();
        let mut sweep = true;
        let mut retry = FIRST_RETRY;
        // A burst of status changes while Grafana is down must not shorten the pause.
        let mut next_try = Instant::now();
        loop {
            if sweep {
                sweep = false;
                owed.extend(self.deployed_apps().await?);
            }
            if !owed.is_empty() && Instant::now() >= next_try {
                if self.catch_up(&mut owed).await? {
                    retry = FIRST_RETRY;
                } else {
                    next_try = Instant::now() + retry;
                    retry = (retry * 2).min(MAX_RETRY);
                }
            }
            let wake = match owed.is_empty() {
                true => Instant::now() + SWEEP,
                false => next_try,
            };
            tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                received = changes.recv() => match received {
                    Some(Received::Message(AppStatusChanged(app))) => {
                        if target(&app).is_some() {
                            owed.insert(app.id.to_string());
                        }
                    }
                    Some(Received::Lagged(_)) => sweep = true,
                    None => return Ok(()),
                },
                _ = tokio::time::sleep_until(wake) => sweep = owed.is_empty(),
            }
        }
    }

    /// The ids of every deployed app.
    async fn deployed_apps(&self) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        let mut after = None;
        loop {
            let order = ListOrder::Name {
                descending: false,
                after: after.take(),
            };
            let page = self.apps.list(&ListFilter::default(), &order, PAGE).await?;
            ids.extend(
                page.iter()
                    .filter(|app| target(app).is_some())
                    .map(|app| app.id.to_string()),
            );
            match page.last() {
                Some(last) if page.len() == PAGE => {
                    after = Some((last.namespace.clone(), last.name.clone()))
                }
                _ => return Ok(ids),
            }
        }
    }

    /// Brings the owed apps' dashboards up to date, until Grafana refuses one; `false`
    /// when it did (the rest stay owed).
    async fn catch_up(&self, owed: &mut BTreeSet<String>) -> Result<bool> {
        while let Some(id) = owed.first().cloned() {
            if let Some(app) = self.apps.get(&id).await?
                && let Err(error) = self.keep(&app).await?
            {
                tracing::warn!(app = %id, %error, owed = owed.len(), "Grafana did not take an app's dashboard; trying again later");
                return Ok(false);
            }
            owed.remove(&id);
        }
        Ok(true)
    }

    /// Saves `app`'s dashboard unless Grafana holds it for its current generation; the
    /// inner error is Grafana's, recorded on the app.
    async fn keep(&self, app: &App) -> Result<Result<(), GrafanaError>> {
        let Some(target) = target(app) else {
            return Ok(Ok(()));
        };
        let id = app.id.to_string();
        let previous = store::find(&self.store, &id)
            .await?
            .and_then(|row| row.saved);
        if previous
            .as_ref()
            .is_some_and(|saved| is_current(saved, &target))
        {
            return Ok(Ok(()));
        }
        let dashboard = dashboard_json(&DashboardApp {
            id: &id,
            namespace: &app.namespace,
            name: &app.name,
            component_namespaces: &target.namespaces,
        });
        let known_version = previous.as_ref().map(|saved| saved.version);
        let (saved, outcome) = match self.grafana.save(&dashboard, known_version).await {
            Ok(saved) => {
                if saved.replaced_edits {
                    tracing::info!(app = %id, uid = %saved.uid, "replaced edits made in Grafana to an app's dashboard");
                }
                let row = SavedRow {
                    uid: saved.uid,
                    version: saved.version,
                    url: saved.url,
                    panels: saved
                        .panels
                        .into_iter()
                        .map(|(title, url)| DashboardPanel { title, url })
                        .collect(),
                    generation: target.generation,
                    namespaces: target.namespaces,
                    saved_at: Utc::now(),
                };
                (Some(row), Ok(()))
            }
            Err(error) => (previous, Err(error)),
        };
        let row = DashboardRow {
            app: id,
            saved,
            last_error: outcome.as_ref().err().map(ToString::to_string),
            attempted_at: Utc::now(),
        };
        store::put(&self.store, row).await?;
        Ok(outcome)
    }
}

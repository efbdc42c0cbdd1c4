//! Wiring: opens the store, builds every service once, binds the listener, and runs
//! the server until shutdown reaches every task.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::apps::Apps;
use crate::apps::dashboards::AppDashboards;
use crate::apps::grafana::GrafanaSetup;
use crate::audit::AuditLog;
use crate::auth::Auth;
use crate::backup::DownloadTickets;
use crate::bus::Bus;
use crate::config::Settings;
use crate::containers::Containers;
use crate::credits::Credits;
use crate::kube::{Environment, Kubernetes};
use crate::metrics::Metrics;
use crate::operations::Operations;
use crate::probes::measurements::Measurements;
use crate::probes::registry::Probes;
use crate::probes::results::Results;
use crate::registry::Registry;
use crate::runner::Runner;
use crate::servers::{Servers, Supervision};
use crate::shell::Shells;
use crate::stacks::Stacks;
use crate::state::AppState;
use crate::store::{DataDirLock, Store, StoreAddress};
use crate::users::Users;

/// How long in-flight requests get to finish once shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A server that is bound and ready to run.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// Kept until the server stops: no other monitor opens this data directory meanwhile.
    data_dir: DataDirLock,
}

impl Application {
    /// Locks the data directory (refusing one another monitor holds), opens the store
    /// (refusing an incompatible one), creates the first admin on a fresh store, and
    /// binds the listen address.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let data_dir = DataDirLock::acquire(&settings.data_dir)?;
        let mut address = StoreAddress::from_settings(&settings);
        address.newest_backup = crate::backup::scheduled::list(&settings.backup_dir())
            .ok()
            .and_then(|backups| backups.first().map(|backup| backup.path.clone()));
        let store = Store::connect(&address).await?;
        store.prepare().await?;
        tracing::info!(store = store.url(), "store ready");
        let metrics = Arc::new(Metrics::new(store.round_trips()));
        let bus = Bus::new();
        let runner = Runner::new(CancellationToken::new(), metrics.task_restarts.clone());
        let audit = AuditLog::new(store.clone(), bus.clone());
        let users = Users::new(store.clone(), audit.clone());
        if let Some(generated) = users.ensure_first_admin(settings.admin_password()).await? {
            tracing::warn!(
                username = "admin",
                password = %generated,
                "created the first user with a generated password; it is shown only this once"
            );
        }
        let auth = Auth::new(
            store.clone(),
            audit.clone(),
            users.clone(),
            settings.session_ttl_hours,
            settings.limits.login_attempts_per_minute,
        );
        let check_every = Duration::from_secs(settings.server_check_seconds.max(1));
        // The containers domain keeps each server's list from what its supervisor
        // learns, so it exists before the servers start.
        let containers = Containers::new(audit.clone(), bus.clone());
        let supervision = Supervision {
            runner: runner.clone(),
            listener: containers.engine_listener(),
            check_every,
        };
        let servers = Servers::load(store.clone(), audit.clone(), supervision).await?;
        let shells = Shells::new(audit.clone());
        let operations = Operations::recover(store.clone(), audit.clone(), bus.clone()).await?;
        let credits = Credits::new(store.clone(), audit.clone(), bus.clone());
        let probes = Probes::new(store.clone(), audit.clone(), bus.clone());
        let measurements = Measurements::load(
            store.clone(),
            audit.clone(),
            operations.clone(),
            probes.clone(),
            credits.clone(),
            runner.shutdown_token(),
        )
        .await?;
        let results = Results::new(store.clone(), bus.clone(), measurements.clone());
        {
            let measurements = measurements.clone();
            runner.spawn(
                "measurement_schedules",
                "measurements",
                runner.task_token(),
                move |stop| crate::probes::measurements::finish_over(measurements.clone(), stop),
            );
        }
        let configured_registry = Registry::from_settings(&settings.registry)?;
        let managed_registry = match configured_registry {
            Some(_) => None,
            None => crate::registry::managed::managed_registry(&settings.registry)?,
        };
        let stacks = Stacks::new(
            store.clone(),
            audit.clone(),
            servers.clone(),
            containers.clone(),
            operations.clone(),
            configured_registry,
            &settings.data_dir,
        );
        // Neither a missing nor an unreachable cluster or Grafana stops monitor: each
        // becomes a state that health reports and the apps API answers UNAVAILABLE with.
        let kubernetes =
            Kubernetes::from_settings(&settings.kubernetes, &Environment::current()).await;
        let grafana = GrafanaSetup::from_settings(&settings.grafana);
        let apps = Apps::recover(
            store.clone(),
            audit.clone(),
            bus.clone(),
            operations.clone(),
            kubernetes.clone(),
            Duration::from_secs(settings.kubernetes.deploy_timeout_seconds.max(1)),
        )
        .await?;
        let sync = crate::apps::sync::start(&runner, &apps, &kubernetes, &metrics.apps_sync);
        let dashboards = AppDashboards::new(store.clone(), grafana.clone());
        dashboards.start(&runner, &apps, &bus);
        if let Some(registry) = managed_registry {
            let (stacks, settings) = (stacks.clone(), settings.registry.clone());
            runner.spawn(
                "managed_registry",
                "registry",
                runner.task_token(),
                move |stop| {
                    let (stacks, registry, settings) =
                        (stacks.clone(), registry.clone(), settings.clone());
                    stacks.manage_registry(registry, settings, check_every, stop)
                },
            );
        }
        if let Some(every) = crate::backup::scheduled::interval(&settings.backup)? {
            let (store, dir, keep) = (store.clone(), settings.backup_dir(), settings.backup.keep);
            runner.spawn(
                "scheduled_backups",
                "backups",
                runner.task_token(),
                move |stop| {
                    crate::backup::scheduled::run(store.clone(), dir.clone(), keep, every, stop)
                },
            );
        }
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen))?;
        let state = AppState {
            settings: Arc::new(settings),
            store,
            audit,
            users,
            auth,
            servers,
            containers,
            shells,
            operations,
            stacks,
            kubernetes,
            sync,
            grafana,
            dashboards,
            apps,
            credits,
            probes,
            measurements,
            results,
            backup_tickets: DownloadTickets::default(),
            metrics,
            started_at: Utc::now(),
            bus,
            runner,
            websockets: TaskTracker::new(),
        };
        Ok(Application {
            listener,
            state,
            data_dir,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then stops accepting, tells every long-lived
    /// task to finish, and gives in-flight requests a grace period.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let address = self.local_addr()?;
        let schema = crate::graphql::build(self.state.clone());
        let router = crate::http::router(crate::http::RouterState {
            app: self.state.clone(),
            schema,
        });
        let runner = self.state.runner.clone();
        let token = runner.shutdown_token();
        let websockets = self.state.websockets.clone();
        tracing::info!(address = %address, url = %browser_url(address), "listening");
        runner.spawn(
            "return_freed_memory",
            "heap",
            runner.task_token(),
            crate::resident::keep_returning_freed_memory,
        );
        match crate::resident::release_start_up_code() {
            Ok(bytes) => tracing::debug!(mappings_mib = bytes >> 20, "start-up code released"),
            Err(error) => tracing::debug!(%error, "cannot release start-up code"),
        }
        let stopping = token.clone();
        let header_timeout = Duration::from_secs(
            self.state
                .settings
                .limits
                .header_read_timeout_seconds
                .max(1),
        );
        let server = crate::http::serve(self.listener, router, header_timeout, async move {
            shutdown.await;
            tracing::info!("shutting down");
            stopping.cancel();
        });
        let drained = async {
            server.await;
            websockets.close();
            websockets.wait().await;
            runner.stop().await;
            self.state.store.close().await;
            anyhow::Ok(())
        };
        tokio::select! {
            result = drained => result?,
            _ = async {
                token.cancelled().await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => tracing::warn!("in-flight requests or background tasks did not finish within the grace period"),
        }
        tracing::info!("stopped");
        drop(self.data_dir);
        Ok(())
    }
}

/// The address as a link a terminal makes clickable: `http://127.0.0.1:8080/`. A
/// wildcard address (`0.0.0.0`, `::`) is reached on this host through loopback.
fn browser_url(address: SocketAddr) -> String {
    let mut reachable = address;
    if address.ip().is_unspecified() {
        reachable.set_ip(match address {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{reachable}/")
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_url_of_a_wildcard_address_is_on_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().expect("an address");
        let any_v6: SocketAddr = "[::]:8080".parse().expect("an address");
        let given: SocketAddr = "192.0.2.7:9000".parse().expect("an address");
        assert_eq!(browser_url(any), "http://127.0.0.1:8080/");
        assert_eq!(browser_url(any_v6), "http://[::1]:8080/");
        assert_eq!(browser_url(given), "http://192.0.2.7:9000/");
    }
}

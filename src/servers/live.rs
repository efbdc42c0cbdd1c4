//! One background supervisor per server: checks its engine on a timer, keeps
//! [`ServerState`] current, and follows the engine's container events, telling the
//! [`EngineListener`] what it learns (see [`super::listener`] for why it is shaped so).
//!
//! Each server has its own task, clients and timeouts, so a dead daemon or a hung agent
//! only ever delays calls to that server. When an engine comes back, the next check
//! finds it and the event stream is opened again: no restart needed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bollard::query_parameters::EventsOptions;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::listener::EngineListener;
use super::model::{ContainerCounts, HostStats, Reachability, ServerState};
use crate::docker::{Endpoint, Engine, unreachable_engine};
use crate::error::{Error, Result};
use crate::host::protocol::HostSample;
use crate::host::sample::{cpu_percent, sample};
use crate::runner::Runner;

/// How long one check may take before the engine counts as unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// A server's clients and live state, shared by every request that touches it.
pub struct ServerConnection {
    pub id: String,
    pub name: String,
    pub endpoint: Endpoint,
    pub root_directory: Option<String>,
    pub engine: Engine,
    /// Shared, not copied, by each read: a page of stacks reads it once a stack.
    state: watch::Sender<Arc<ServerState>>,
    /// Hears what the supervisor learns of the engine, and every change reported here.
    listener: Arc<dyn EngineListener>,
    stop: CancellationToken,
}

/// What a server's supervisor needs besides the server: where it runs, whom it tells
/// what it learns, and how often it checks.
#[derive(Clone)]
pub struct Supervision {
    pub runner: Runner,
    pub listener: Arc<dyn EngineListener>,
    pub check_every: Duration,
}

impl ServerConnection {
    /// Builds the connection and starts its supervisor on the runner; [`Self::stop`]
    /// (or shutdown) ends it.
    pub fn start(
        id: String,
        name: String,
        endpoint: Endpoint,
        root_directory: Option<String>,
        engine: Engine,
        supervision: &Supervision,
    ) -> Arc<ServerConnection> {
        let stop = supervision.runner.task_token();
        let connection = Arc::new(ServerConnection {
            id,
            name,
            endpoint,
            root_directory,
            engine,
            state: watch::channel(Arc::new(ServerState::connecting())).0,
            listener: supervision.listener.clone(),
            stop: stop.clone(),
        });
        connection.listener.connected(&connection);
        let supervised = connection.clone();
        let check_every = supervision.check_every;
        supervision
            .runner
            .spawn("server", connection.name.clone(), stop, move |stop| {
                supervise(supervised.clone(), check_every, stop)
            });
        connection
    }

    pub fn state(&self) -> Arc<ServerState> {
        self.state.borrow().clone()
    }

    /// Fails fast with `UNAVAILABLE` while the last check found the engine unreachable,
    /// instead of letting every call wait for its own timeout.
    pub fn ensure_reachable(&self) -> Result<()> {
        let state = self.state.borrow();
        match state.reachability {
            Reachability::Unreachable => Err(unreachable_engine(
                &self.name,
                &state
                    .last_error
                    .as_deref()
                    .unwrap_or("the last check failed"),
            )),
            Reachability::Connecting | Reachability::Reachable => Ok(()),
        }
    }

    /// Marks the engine unreachable now (a call failed to reach it), so other callers
    /// fail fast until the next check succeeds.
    pub fn report_failure(&self, error: &Error) {
        if let Error::Unavailable { message, .. } = error {
            self.listener.changed(self);
            self.state.send_modify(|state| {
                let state = Arc::make_mut(state);
                state.reachability = Reachability::Unreachable;
                state.last_error = Some(message.clone());
            });
        }
    }

    pub fn stop(&self) {
        self.stop.cancel();
    }
}

async fn supervise(
    connection: Arc<ServerConnection>,
    check_every: Duration,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let mut previous_sample: Option<HostSample> = None;
    let mut events: Option<tokio::task::JoinHandle<String>> = None;
    loop {
        // The check runs as its own task, so that even a bug that panics in it is
        // reported as this server's error instead of silently ending the supervision.
        let mut checking = tokio::spawn(checked(connection.clone(), previous_sample));
        let joined = tokio::select! {
            joined = &mut checking => joined,
            _ = stop.cancelled() => {
                checking.abort();
                break;
            }
        };
        let checked = match joined {
            Ok((checked, sample)) => {
                previous_sample = sample;
                checked
            }
            Err(error) => Err(format!("the check failed unexpectedly: {error}")),
        };
        let engine_time = checked.as_ref().ok().and_then(|(_, time)| *time);
        let reachable = checked.is_ok();
        // The engine's words for a container's age (`Up 2 hours`) move on without an
        // event: a list kept from before this check is renewed on its next read.
        connection.listener.changed(&connection);
        connection.state.send_modify(|state| {
            let state = Arc::make_mut(state);
            state.checked_at = Some(Utc::now());
            match checked {
                Ok((update, _)) => {
                    *state = ServerState {
                        reachability: Reachability::Reachable,
                        last_contact_at: state.checked_at,
                        last_error: None,
                        checked_at: state.checked_at,
                        ..update
                    }
                }
                Err(error) => {
                    if state.reachability != Reachability::Unreachable {
                        tracing::warn!(server = %connection.name, %error, "server unreachable");
                    }
                    state.reachability = Reachability::Unreachable;
                    state.last_error = Some(error);
                }
            }
        });
        if !reachable && let Some(task) = events.take() {
            // A stream from an engine that stopped answering may hang rather than end;
            // the next reachable check opens a new one.
            task.abort();
            connection.listener.following(&connection, false);
        }
        if reachable && events.as_ref().is_none_or(|task| task.is_finished()) {
            events = Some(tokio::spawn(follow_events(connection.clone(), engine_time)));
        }
        let events_ended = async {
            match events.as_mut() {
                Some(task) if !task.is_finished() => task.await.unwrap_or_else(|e| e.to_string()),
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(check_every) => {}
            reason = events_ended => {
                tracing::info!(server = %connection.name, %reason, "the event stream ended; checking the engine");
                events = None;
            }
        }
    }
    if let Some(task) = events {
        task.abort();
    }
    connection.listener.disconnected(&connection);
    Ok(())
}

/// What one check found: the server's state, and the time on the engine's clock when it
/// answered (if it said).
type Checked = std::result::Result<(ServerState, Option<DateTime<Utc>>), String>;

/// One bounded check; returns the host sample to compare the next one with.
async fn checked(
    connection: Arc<ServerConnection>,
    mut previous_sample: Option<HostSample>,
) -> (Checked, Option<HostSample>) {
    let result = tokio::time::timeout(CHECK_TIMEOUT, check(&connection, &mut previous_sample))
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())));
    (result, previous_sample)
}

/// One check: version, container counts and host figures.
async fn check(connection: &ServerConnection, previous_sample: &mut Option<HostSample>) -> Checked {
    let docker = &connection.engine.docker;
    let started = Instant::now();
    let version = docker.version().await.map_err(describe)?;
    let info = docker.info().await.map_err(describe)?;
    let engine_time = info
        .system_time
        .as_deref()
        .and_then(|time| DateTime::parse_from_rfc3339(time).ok())
        .map(|time| time.with_timezone(&Utc));
    tracing::debug!(server = %connection.name, took = ?started.elapsed(), "checked");
    let count = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
    let containers = ContainerCounts {
        total: count(info.containers),
        running: count(info.containers_running),
        paused: count(info.containers_paused),
        stopped: count(info.containers_stopped),
    };
    let current = match (&connection.endpoint, &connection.engine.agent) {
        (Endpoint::Unix(_), _) => Some(sample()),
        (Endpoint::Agent { .. }, Some(agent)) => {
            Some(agent.host_sample().await.map_err(|e| e.to_string())?)
        }
        _ => None,
    };
    let host = match current {
        Some(current) => {
            let percent = previous_sample
                .as_ref()
                .and_then(|previous| cpu_percent(previous, &current));
            *previous_sample = Some(current);
            Some(HostStats {
                cpus: current.cpus,
                cpu_percent: percent,
                memory_total_bytes: current.memory_total_bytes as f64,
                memory_available_bytes: Some(current.memory_available_bytes as f64),
            })
        }
        None => Some(HostStats {
            cpus: count(info.ncpu),
            cpu_percent: None,
            memory_total_bytes: info.mem_total.unwrap_or(0) as f64,
            memory_available_bytes: None,
        }),
    };
    let state = ServerState {
        reachability: Reachability::Reachable,
        docker_version: version.version,
        docker_api_version: version.api_version,
        operating_system: info.operating_system,
        containers,
        host,
        last_contact_at: None,
        last_error: None,
        checked_at: None,
    };
    Ok((state, engine_time))
}

/// Says what a failed check means; a 401 can only come from an agent.
fn describe(error: bollard::errors::Error) -> String {
    match error {
        bollard::errors::Error::DockerResponseServerError {
            status_code: 401, ..
        } => "the agent refused monitor's token (401): check the server's agentToken".into(),
        other => other.to_string(),
    }
}

/// Hands the engine's container events to the listener until its stream ends; returns
/// why it ended.
///
/// With `since` (the engine's clock at the check before), the engine first replays
/// what happened since then, so no change between that check and the moment the
/// stream is open goes unseen, and the events count as followed from that check on.
/// Without it, that moment is unknown, and they do not.
async fn follow_events(connection: Arc<ServerConnection>, since: Option<DateTime<Utc>>) -> String {
    let options = EventsOptions {
        since: since.map(|at| format!("{}.{:09}", at.timestamp(), at.timestamp_subsec_nanos())),
        filters: Some([("type".to_string(), vec!["container".to_string()])].into()),
        ..Default::default()
    };
    let mut stream = connection.engine.docker.events(Some(options));
    connection.listener.following(&connection, since.is_some());
    let reason = loop {
        match stream.next().await {
            Some(Ok(message)) => connection.listener.event(&connection, message),
            Some(Err(error)) => break error.to_string(),
            None => break "the engine closed the stream".to_string(),
        }
    };
    connection.listener.following(&connection, false);
    reason
}

#[cfg(test)]
impl ServerConnection {
    /// A connection whose engine is never contacted and that has no supervisor: a
    /// test tells the listener what a supervisor would.
    pub fn unsupervised(id: &str, listener: Arc<dyn EngineListener>) -> Arc<ServerConnection> {
        let endpoint = Endpoint::Unix("/nonexistent/docker.sock".into());
        let engine = Engine::connect(&endpoint, None).expect("clients for a socket path");
        let connection = Arc::new(ServerConnection {
            id: id.to_string(),
            name: id.to_string(),
            endpoint,
            root_directory: None,
            engine,
            state: watch::channel(Arc::new(ServerState::connecting())).0,
            listener,
            stop: CancellationToken::new(),
        });
        connection.listener.connected(&connection);
        connection
    }
}

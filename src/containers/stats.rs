//! Live CPU, memory and network use of a container, from the engine's stats stream.
//!
//! One engine stream per followed container, shared by every subscriber through a small
//! broadcast buffer (a subscriber that falls behind loses the oldest samples and is
//! told how many; the engine read never waits). The stream ends for everyone when the
//! container stops (its `die` or `destroy` event: the engine itself keeps sending empty
//! samples for a stopped container) and is dropped once the last subscriber leaves.

use std::sync::Arc;

use async_graphql::{ID, SimpleObject};
use bollard::models::ContainerStatsResponse;
use bollard::query_parameters::StatsOptions;
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast;

use super::ContainerEvent;
use super::feeds::{FeedItem, Feeds, follow};
use crate::bus::{Bus, Received};
use crate::error::{Error, Result};
use crate::servers::ServerConnection;

/// Samples a subscriber may fall behind (the engine sends one a second).
const FEED_BUFFER: usize = 8;
/// Engine stats streams open at once across all servers; each holds a connection.
const MAX_FEEDS: usize = 256;

/// One sample of a container's resource use.
#[derive(Debug, Clone, SimpleObject)]
pub struct ContainerStats {
    pub server_id: ID,
    pub container_id: ID,
    /// When the engine took the sample.
    pub read_at: DateTime<Utc>,
    /// CPU use since the previous sample, where 100 is one CPU fully used (as
    /// `docker stats` shows it); absent on the first sample.
    pub cpu_percent: Option<f64>,
    /// CPUs the container may use.
    pub online_cpus: Option<i32>,
    /// Memory in use, page cache that could be dropped left out (as `docker stats`).
    pub memory_used_bytes: Option<f64>,
    /// The container's memory limit, or the host's memory when it has none.
    pub memory_limit_bytes: Option<f64>,
    /// Bytes received and sent on all the container's interfaces since it started;
    /// absent for a container on the host's network, which has none of its own.
    pub network_received_bytes: Option<f64>,
    pub network_sent_bytes: Option<f64>,
    /// Processes and threads in the container.
    pub pids: Option<i64>,
}

impl ContainerStats {
    fn from_engine(server_id: &str, container_id: &str, raw: ContainerStatsResponse) -> Self {
        let cpu = raw.cpu_stats.unwrap_or_default();
        let previous = raw.precpu_stats.unwrap_or_default();
        let total = |stats: &bollard::models::ContainerCpuStats| {
            stats.cpu_usage.as_ref().and_then(|usage| usage.total_usage)
        };
        let online_cpus = cpu.online_cpus.or_else(|| {
            cpu.cpu_usage
                .as_ref()
                .and_then(|usage| usage.percpu_usage.as_ref())
                .map(|per_cpu| per_cpu.len() as u32)
        });
        let cpu_percent = match (
            total(&cpu),
            total(&previous),
            cpu.system_cpu_usage,
            previous.system_cpu_usage,
            online_cpus,
        ) {
            (Some(now), Some(before), Some(system), Some(system_before), Some(cpus))
                if system > system_before && now >= before =>
            {
                Some((now - before) as f64 / (system - system_before) as f64 * cpus as f64 * 100.0)
            }
            _ => None,
        };
        let memory = raw.memory_stats.unwrap_or_default();
        let cache = memory.stats.as_ref().and_then(|stats| {
            // cgroup v1 names it total_inactive_file, v2 inactive_file.
            stats
                .get("total_inactive_file")
                .or_else(|| stats.get("inactive_file"))
                .copied()
        });
        let networks = raw.networks.filter(|networks| !networks.is_empty());
        let network_total = |bytes: fn(&bollard::models::ContainerNetworkStats) -> Option<u64>| {
            networks
                .as_ref()
                .map(|networks| networks.values().filter_map(bytes).sum::<u64>() as f64)
        };
        ContainerStats {
            server_id: ID(server_id.to_string()),
            container_id: ID(container_id.to_string()),
            read_at: raw
                .read
                .and_then(|read| DateTime::parse_from_rfc3339(&read).ok())
                .map_or_else(Utc::now, |at| at.with_timezone(&Utc)),
            cpu_percent,
            online_cpus: online_cpus.and_then(|cpus| i32::try_from(cpus).ok()),
            memory_used_bytes: memory
                .usage
                .map(|usage| usage.saturating_sub(cache.unwrap_or(0)) as f64),
            memory_limit_bytes: memory.limit.map(|limit| limit as f64),
            network_received_bytes: network_total(|n| n.rx_bytes),
            network_sent_bytes: network_total(|n| n.tx_bytes),
            pids: raw
                .pids_stats
                .and_then(|pids| pids.current)
                .and_then(|n| i64::try_from(n).ok()),
        }
    }
}

/// The shared engine stats streams, one per (server, container) being watched.
#[derive(Clone)]
pub struct StatsHub {
    feeds: Feeds<ContainerStats>,
    /// Where the container events that end a stream are heard.
    bus: Bus,
}

impl StatsHub {
    pub fn new(bus: Bus) -> StatsHub {
        StatsHub {
            feeds: Feeds::default(),
            bus,
        }
    }

    fn join(
        &self,
        connection: &Arc<ServerConnection>,
        container_id: &str,
    ) -> Result<broadcast::Receiver<FeedItem<ContainerStats>>> {
        let key = (connection.id.clone(), container_id.to_string());
        let (server, id, bus) = (
            connection.clone(),
            container_id.to_string(),
            self.bus.clone(),
        );
        self.feeds
            .join(key, FEED_BUFFER, MAX_FEEDS, move |sender| {
                feed(server, id, bus, sender)
            })
            .ok_or_else(|| Error::Unavailable {
                component: "docker",
                message: format!(
                    "stats of {MAX_FEEDS} containers are being watched already; close some views"
                ),
            })
    }

    /// A sample about every second while the container runs; ends when it stops (at
    /// once, for a container that is not running).
    pub fn samples(
        &self,
        connection: Arc<ServerConnection>,
        container_id: String,
    ) -> impl Stream<Item = Result<ContainerStats>> + Send + 'static + use<> {
        let hub = self.clone();
        async_stream::stream! {
            if let Err(error) = connection.ensure_reachable() {
                yield Err(error);
                return;
            }
            let inspect = match connection.engine.docker.inspect_container(&container_id, None).await {
                Ok(inspect) => inspect,
                Err(error) => {
                    yield Err(crate::docker::call_error(&connection.name, "container", &container_id, error));
                    return;
                }
            };
            let running = inspect.state.and_then(|state| state.running).unwrap_or(false);
            let Some(id) = inspect.id.filter(|_| running) else { return };
            let live = match hub.join(&connection, &id) {
                Ok(live) => follow(live, connection.name.clone()),
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            futures::pin_mut!(live);
            while let Some(sample) = live.next().await {
                yield sample.map(|sample| ContainerStats::clone(&sample));
            }
        }
    }
}

/// Reads the engine's stats stream of one container and publishes each sample, until
/// the container stops, the engine fails, or nobody listens any more.
async fn feed(
    connection: Arc<ServerConnection>,
    container_id: String,
    bus: Bus,
    sender: broadcast::Sender<FeedItem<ContainerStats>>,
) {
    let (server_id, container_id) = (&connection.id, container_id.as_str());
    // Subscribed before the stream opens, so a stop in between is not missed.
    let mut events = bus.subscribe::<ContainerEvent>();
    let options = StatsOptions {
        stream: true,
        one_shot: false,
    };
    let mut stream = connection.engine.docker.stats(container_id, Some(options));
    loop {
        tokio::select! {
            sample = stream.next() => match sample {
                Some(Ok(raw)) => {
                    let sample = ContainerStats::from_engine(server_id, container_id, raw);
                    if sender.send(FeedItem::Item(Arc::new(sample))).is_err() {
                        break;
                    }
                }
                Some(Err(error)) => {
                    let _ = sender.send(FeedItem::Failed(error.to_string()));
                    break;
                }
                None => break,
            },
            event = events.recv() => match event {
                Some(Received::Message(event)) if event.server_id.as_str() == server_id
                    && event.container_id.as_str() == container_id
                    && matches!(event.action.as_str(), "die" | "destroy") => break,
                Some(Received::Message(_) | Received::Lagged(_)) => {}
                None => break,
            },
        }
    }
}

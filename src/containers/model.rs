//! What a container is as monitor shows it: a summary for lists, details for inspect,
//! and the events that change it. Built from the engine's answers, never stored.

use std::collections::HashMap;

use async_graphql::{Enum, ID, InputObject, SimpleObject};
use bollard::models::{
    ContainerInspectResponse, ContainerSummary, ContainerSummaryHealthStatusEnum,
    ContainerSummaryStateEnum, EventMessage, HealthStatusEnum, MountPoint,
};
use chrono::{DateTime, Utc};

/// Where a container is in its life. A running container whose health check fails is
/// `UNHEALTHY`, not `RUNNING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ContainerStatus {
    Created,
    Running,
    Unhealthy,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
    /// Only in events: the container no longer exists.
    Removed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ContainerHealth {
    /// The image defines no health check.
    None,
    Starting,
    Healthy,
    Unhealthy,
}

impl ContainerStatus {
    fn of(running_state: &str, health: ContainerHealth) -> ContainerStatus {
        match (running_state, health) {
            ("running", ContainerHealth::Unhealthy) => ContainerStatus::Unhealthy,
            ("running", _) => ContainerStatus::Running,
            ("created", _) => ContainerStatus::Created,
            ("paused", _) => ContainerStatus::Paused,
            ("restarting", _) => ContainerStatus::Restarting,
            ("removing", _) => ContainerStatus::Removing,
            ("dead", _) => ContainerStatus::Dead,
            _ => ContainerStatus::Exited,
        }
    }
}

#[derive(Debug, Clone, SimpleObject)]
pub struct PortMapping {
    /// The host address, when bound to one.
    pub host_ip: Option<String>,
    pub host_port: Option<u16>,
    pub container_port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct Label {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct ContainerMount {
    /// `bind`, `volume`, `tmpfs`…
    pub kind: String,
    /// The host path, or the volume's name.
    pub source: String,
    pub destination: String,
    pub read_only: bool,
}

/// A container as lists show it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Container {
    /// The engine's container id.
    pub id: ID,
    pub server_id: ID,
    pub name: String,
    pub image: String,
    pub status: ContainerStatus,
    pub health: ContainerHealth,
    /// The engine's own words, e.g. `Up 2 hours (healthy)`.
    pub status_text: String,
    pub command: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub ports: Vec<PortMapping>,
    pub labels: Vec<Label>,
}

impl Container {
    pub fn from_summary(server_id: &str, summary: ContainerSummary) -> Container {
        let status_text = summary.status.unwrap_or_default();
        let health = match summary.health.and_then(|health| health.status) {
            Some(ContainerSummaryHealthStatusEnum::HEALTHY) => ContainerHealth::Healthy,
            Some(ContainerSummaryHealthStatusEnum::UNHEALTHY) => ContainerHealth::Unhealthy,
            Some(ContainerSummaryHealthStatusEnum::STARTING) => ContainerHealth::Starting,
            // Engines before API 1.52 give health only in the status text.
            _ => health_from_status_text(&status_text),
        };
        let state = summary
            .state
            .unwrap_or(ContainerSummaryStateEnum::EMPTY)
            .to_string();
        Container {
            id: ID(summary.id.unwrap_or_default()),
            server_id: ID(server_id.to_string()),
            name: summary
                .names
                .and_then(|names| names.into_iter().next())
                .map(|name| name.trim_start_matches('/').to_string())
                .unwrap_or_default(),
            image: summary.image.unwrap_or_default(),
            status: ContainerStatus::of(&state, health),
            health,
            status_text,
            command: summary.command,
            created_at: summary
                .created
                .and_then(|seconds| DateTime::from_timestamp(seconds, 0)),
            ports: summary
                .ports
                .unwrap_or_default()
                .into_iter()
                .map(|port| PortMapping {
                    host_ip: port.ip,
                    host_port: port.public_port,
                    container_port: port.private_port,
                    protocol: port.typ.map_or("tcp".into(), |t| t.to_string()),
                })
                .collect(),
            labels: labels(summary.labels),
        }
    }
}

fn health_from_status_text(status: &str) -> ContainerHealth {
    if status.contains("(unhealthy)") {
        ContainerHealth::Unhealthy
    } else if status.contains("(healthy)") {
        ContainerHealth::Healthy
    } else if status.contains("(health: starting)") {
        ContainerHealth::Starting
    } else {
        ContainerHealth::None
    }
}

/// Labels sorted by key, as every list shows them.
pub fn labels(labels: Option<HashMap<String, String>>) -> Vec<Label> {
    let mut labels: Vec<Label> = labels
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| Label { key, value })
        .collect();
    labels.sort_by(|a, b| a.key.cmp(&b.key));
    labels
}

/// One run of a container's health check.
#[derive(Debug, Clone, SimpleObject)]
pub struct HealthCheck {
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// 0 healthy, 1 unhealthy, anything else: the check itself could not run.
    pub exit_code: Option<i64>,
    /// What the check printed (the engine keeps the first 4 KiB).
    pub output: String,
}

/// Everything `container` shows: the summary's facts and the runtime details.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct ContainerDetails {
    pub id: ID,
    pub server_id: ID,
    pub name: String,
    pub image: String,
    pub status: ContainerStatus,
    pub health: ContainerHealth,
    /// Consecutive failed health checks.
    pub failing_streak: Option<i64>,
    /// The last health checks (the engine keeps five), oldest first.
    pub health_checks: Vec<HealthCheck>,
    pub command: Vec<String>,
    pub entrypoint: Vec<String>,
    pub working_directory: Option<String>,
    /// `NAME=value` as the engine has them; shown through `env` and `environment`.
    #[graphql(skip)]
    pub raw_env: Vec<String>,
    pub ports: Vec<PortMapping>,
    pub mounts: Vec<ContainerMount>,
    pub labels: Vec<Label>,
    pub network_mode: Option<String>,
    pub restart_policy: Option<String>,
    pub restart_count: i64,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The last exit code (meaningful once the container has stopped).
    pub exit_code: Option<i64>,
    /// The engine's error, e.g. why the container could not start.
    pub error: Option<String>,
    pub oom_killed: bool,
}

impl ContainerDetails {
    pub fn from_inspect(server_id: &str, inspect: ContainerInspectResponse) -> ContainerDetails {
        let state = inspect.state.unwrap_or_default();
        let health_state = state.health.clone().unwrap_or_default();
        let health = match health_state.status {
            Some(HealthStatusEnum::HEALTHY) => ContainerHealth::Healthy,
            Some(HealthStatusEnum::UNHEALTHY) => ContainerHealth::Unhealthy,
            Some(HealthStatusEnum::STARTING) => ContainerHealth::Starting,
            _ => ContainerHealth::None,
        };
        let running_state = state.status.map(|s| s.to_string()).unwrap_or_default();
        let config = inspect.config.unwrap_or_default();
        let host = inspect.host_config.unwrap_or_default();
        let time = |raw: Option<String>| {
            raw.and_then(|raw| DateTime::parse_from_rfc3339(&raw).ok())
                .map(|at| at.with_timezone(&Utc))
                .filter(|at| at.timestamp() > 0)
        };
        let mut ports = Vec::new();
        for (port, bindings) in host.port_bindings.unwrap_or_default() {
            let (number, protocol) = port.split_once('/').unwrap_or((&port, "tcp"));
            let Ok(container_port) = number.parse() else {
                continue;
            };
            for binding in bindings.unwrap_or_default() {
                ports.push(PortMapping {
                    host_ip: binding.host_ip.filter(|ip| !ip.is_empty()),
                    host_port: binding.host_port.and_then(|p| p.parse().ok()),
                    container_port,
                    protocol: protocol.to_string(),
                });
            }
        }
        ports.sort_by_key(|port| (port.container_port, port.host_port));
        ContainerDetails {
            id: ID(inspect.id.unwrap_or_default()),
            server_id: ID(server_id.to_string()),
            name: inspect
                .name
                .map(|name| name.trim_start_matches('/').to_string())
                .unwrap_or_default(),
            image: config.image.unwrap_or_default(),
            status: ContainerStatus::of(&running_state, health),
            health,
            failing_streak: health_state.failing_streak,
            health_checks: health_state
                .log
                .unwrap_or_default()
                .into_iter()
                .map(|check| HealthCheck {
                    started_at: time(check.start),
                    ended_at: time(check.end),
                    exit_code: check.exit_code,
                    output: check.output.unwrap_or_default(),
                })
                .collect(),
            command: config.cmd.unwrap_or_default(),
            entrypoint: config.entrypoint.unwrap_or_default(),
            working_directory: config.working_dir.filter(|dir| !dir.is_empty()),
            raw_env: config.env.unwrap_or_default(),
            ports,
            mounts: inspect
                .mounts
                .unwrap_or_default()
                .into_iter()
                .map(mount)
                .collect(),
            labels: labels(config.labels),
            network_mode: host.network_mode,
            restart_policy: host.restart_policy.and_then(|policy| {
                let name = policy.name?.to_string();
                match policy.maximum_retry_count {
                    Some(count) if count > 0 => Some(format!("{name}:{count}")),
                    _ => Some(name),
                }
            }),
            restart_count: inspect.restart_count.unwrap_or(0),
            created_at: time(inspect.created),
            started_at: time(state.started_at),
            finished_at: time(state.finished_at),
            exit_code: state.exit_code,
            error: state.error.filter(|e| !e.is_empty()),
            oom_killed: state.oom_killed.unwrap_or(false),
        }
    }
}

fn mount(point: MountPoint) -> ContainerMount {
    ContainerMount {
        kind: point.typ.map_or("bind".into(), |t| t.to_string()),
        source: point.name.or(point.source).unwrap_or_default(),
        destination: point.destination.unwrap_or_default(),
        read_only: !point.rw.unwrap_or(true),
    }
}

/// Narrows a container list.
#[derive(Debug, Default, InputObject)]
pub struct ContainerFilter {
    /// Only containers in one of these states.
    pub statuses: Option<Vec<ContainerStatus>>,
    /// Only containers whose name contains this text.
    pub name_contains: Option<String>,
    /// Only containers carrying this label (`key` or `key=value`).
    pub label: Option<String>,
}

impl ContainerFilter {
    pub fn matches(&self, container: &Container) -> bool {
        let status = self
            .statuses
            .as_ref()
            .is_none_or(|statuses| statuses.contains(&container.status));
        let name = self
            .name_contains
            .as_ref()
            .is_none_or(|text| container.name.contains(text.as_str()));
        let label = self.label.as_ref().is_none_or(|wanted| {
            let (key, value) = match wanted.split_once('=') {
                Some((key, value)) => (key, Some(value)),
                None => (wanted.as_str(), None),
            };
            container
                .labels
                .iter()
                .any(|label| label.key == key && value.is_none_or(|v| label.value == v))
        });
        status && name && label
    }
}

/// A change to a container, as the engine reported it.
#[derive(Debug, Clone, SimpleObject)]
pub struct ContainerEvent {
    pub server_id: ID,
    pub container_id: ID,
    pub container_name: Option<String>,
    /// The engine's action: `create`, `start`, `die`, `health_status: unhealthy`…
    pub action: String,
    /// The container's state after this event, when the action implies one.
    pub status: Option<ContainerStatus>,
    /// Set on `die`.
    pub exit_code: Option<i64>,
    pub occurred_at: DateTime<Utc>,
}

/// Container changes of every server, as `containerEvents` follows them. Deep enough for
/// every server's bursts together (a deploy touches several containers at once).
impl crate::bus::Topic for ContainerEvent {
    const NAME: &'static str = "container events";
    const CAPACITY: usize = 4096;
}

impl ContainerEvent {
    pub fn from_docker(server_id: &str, message: EventMessage) -> Option<ContainerEvent> {
        let actor = message.actor?;
        let action = message.action?;
        let attributes = actor.attributes.unwrap_or_default();
        let status = match action.as_str() {
            "create" => Some(ContainerStatus::Created),
            "start" | "unpause" | "health_status: healthy" | "health_status: starting" => {
                Some(ContainerStatus::Running)
            }
            "health_status: unhealthy" => Some(ContainerStatus::Unhealthy),
            "pause" => Some(ContainerStatus::Paused),
            "restart" => Some(ContainerStatus::Running),
            "die" | "stop" => Some(ContainerStatus::Exited),
            "destroy" => Some(ContainerStatus::Removed),
            _ => None,
        };
        let occurred_at = message
            .time_nano
            .map(DateTime::from_timestamp_nanos)
            .or_else(|| message.time.and_then(|t| DateTime::from_timestamp(t, 0)))
            .unwrap_or_else(Utc::now);
        Some(ContainerEvent {
            server_id: ID(server_id.to_string()),
            container_id: ID(actor.id?),
            container_name: attributes.get("name").cloned(),
            exit_code: attributes
                .get("exitCode")
                .and_then(|code| code.parse().ok()),
            action,
            status,
            occurred_at,
        })
    }
}

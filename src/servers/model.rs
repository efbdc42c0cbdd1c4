//! What a server is: its stored configuration and its live state.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::store::record_key;

/// A server as stored. The agent token is kept as given, because monitor must present
/// it to the agent; it is never returned by the API.
#[derive(Debug, Clone, SurrealValue)]
pub struct ServerRow {
    pub id: RecordId,
    pub name: String,
    pub endpoint: String,
    pub agent_token: Option<String>,
    pub root_directory: Option<String>,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ServerRow {
    pub fn key(&self) -> String {
        record_key(&self.id)
    }

    pub fn to_server(&self) -> Server {
        Server {
            id: ID(self.key()),
            name: self.name.clone(),
            endpoint: self.endpoint.clone(),
            has_agent_token: self.agent_token.is_some(),
            root_directory: self.root_directory.clone(),
            tags: self.tags.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A host monitor deploys to and watches.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Server {
    pub id: ID,
    pub name: String,
    /// `unix:///var/run/docker.sock`, `tcp://host:port`, `agent+http(s)://host:port`.
    pub endpoint: String,
    /// Whether an agent token is set; the token itself is never shown.
    pub has_agent_token: bool,
    /// Where commands run by default, and where stacks are checked out.
    pub root_directory: Option<String>,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Server {
    /// The view recorded in the audit log.
    pub fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "endpoint": self.endpoint,
            "hasAgentToken": self.has_agent_token,
            "rootDirectory": self.root_directory,
            "tags": self.tags,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Reachability {
    /// Not checked yet since monitor started or the server changed.
    Connecting,
    Reachable,
    Unreachable,
}

/// What monitor last saw of a server; refreshed in the background.
#[derive(Debug, Clone, SimpleObject)]
pub struct ServerState {
    pub reachability: Reachability,
    /// The Docker engine's version, e.g. `20.10.24`.
    pub docker_version: Option<String>,
    pub docker_api_version: Option<String>,
    pub operating_system: Option<String>,
    pub containers: ContainerCounts,
    pub host: Option<HostStats>,
    /// When the engine last answered.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// Why the last check failed, while it is failing.
    pub last_error: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

impl ServerState {
    pub fn connecting() -> ServerState {
        ServerState {
            reachability: Reachability::Connecting,
            docker_version: None,
            docker_api_version: None,
            operating_system: None,
            containers: ContainerCounts::default(),
            host: None,
            last_contact_at: None,
            last_error: None,
            checked_at: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, SimpleObject)]
pub struct ContainerCounts {
    pub total: u32,
    pub running: u32,
    pub paused: u32,
    pub stopped: u32,
}

#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct HostStats {
    pub cpus: u32,
    /// Share of CPU time spent busy since the previous check; absent on the first one,
    /// and for `tcp://` engines, whose host monitor cannot see.
    pub cpu_percent: Option<f64>,
    pub memory_total_bytes: f64,
    /// Absent for `tcp://` engines.
    pub memory_available_bytes: Option<f64>,
}

//! Networks on a server: listed, inspected with the containers attached, removed and
//! pruned. The engine's own networks (`bridge`, `host`, `none`) cannot be removed, and
//! the engine says so.

use async_graphql::{ID, SimpleObject};
use bollard::query_parameters::{InspectNetworkOptions, ListNetworksOptions, PruneNetworksOptions};
use chrono::{DateTime, Utc};

use super::{Change, PRUNE_TIMEOUT, PruneResult, READ_TIMEOUT, call, time_of};
use crate::audit::{AuditKind, AuditSubjectType};
use crate::containers::{Label, labels};
use crate::error::Result;
use crate::servers::ServerConnection;

/// The networks every engine creates itself.
const PREDEFINED: [&str; 3] = ["bridge", "host", "none"];

#[derive(Debug, Clone, SimpleObject)]
pub struct Network {
    pub id: ID,
    pub server_id: ID,
    pub name: String,
    /// `bridge`, `host`, `null`, `overlay`, `macvlan`…
    pub driver: String,
    /// `local` or `swarm`.
    pub scope: String,
    /// No route to the outside world.
    pub internal: bool,
    /// One of the engine's own networks, which cannot be removed.
    pub predefined: bool,
    /// Subnets in CIDR notation.
    pub subnets: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub labels: Vec<Label>,
}

/// A container attached to a network.
#[derive(Debug, Clone, SimpleObject)]
pub struct NetworkContainer {
    pub container_id: ID,
    pub name: String,
    pub ipv4_address: Option<String>,
    pub ipv6_address: Option<String>,
    pub mac_address: Option<String>,
}

/// Everything `network` shows.
#[derive(Debug, Clone, SimpleObject)]
pub struct NetworkDetails {
    #[graphql(flatten)]
    pub network: Network,
    pub gateways: Vec<String>,
    pub options: Vec<Label>,
    pub containers: Vec<NetworkContainer>,
}

impl Network {
    fn from_engine(server_id: &str, network: bollard::models::Network) -> Network {
        let name = network.name.unwrap_or_default();
        Network {
            id: ID(network.id.unwrap_or_default()),
            server_id: ID(server_id.to_string()),
            predefined: PREDEFINED.contains(&name.as_str()),
            name,
            driver: network.driver.unwrap_or_default(),
            scope: network.scope.unwrap_or_default(),
            internal: network.internal.unwrap_or(false),
            subnets: network
                .ipam
                .and_then(|ipam| ipam.config)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|config| config.subnet)
                .collect(),
            created_at: time_of(network.created.as_deref()),
            labels: labels(network.labels),
        }
    }
}

pub async fn list(server: &ServerConnection) -> Result<Vec<Network>> {
    let docker = &server.engine.docker;
    let networks = call(
        server,
        "network",
        "",
        READ_TIMEOUT,
        docker.list_networks(None::<ListNetworksOptions>),
    )
    .await?;
    let mut networks: Vec<Network> = networks
        .into_iter()
        .map(|network| Network::from_engine(&server.id, network))
        .collect();
    networks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(networks)
}

pub async fn inspect(server: &ServerConnection, network: &str) -> Result<NetworkDetails> {
    let docker = &server.engine.docker;
    let inspect = call(
        server,
        "network",
        network,
        READ_TIMEOUT,
        docker.inspect_network(network, None::<InspectNetworkOptions>),
    )
    .await?;
    let gateways = inspect
        .ipam
        .as_ref()
        .and_then(|ipam| ipam.config.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|config| config.gateway.clone())
        .collect();
    let mut containers: Vec<NetworkContainer> = inspect
        .containers
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(id, endpoint)| NetworkContainer {
            container_id: ID(id),
            name: endpoint.name.unwrap_or_default(),
            ipv4_address: endpoint.ipv4_address.filter(|a| !a.is_empty()),
            ipv6_address: endpoint.ipv6_address.filter(|a| !a.is_empty()),
            mac_address: endpoint.mac_address.filter(|a| !a.is_empty()),
        })
        .collect();
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    let options = labels(inspect.options.clone());
    let summary = bollard::models::Network {
        name: inspect.name,
        id: inspect.id,
        created: inspect.created,
        scope: inspect.scope,
        driver: inspect.driver,
        ipam: inspect.ipam,
        internal: inspect.internal,
        labels: inspect.labels,
        ..Default::default()
    };
    Ok(NetworkDetails {
        network: Network::from_engine(&server.id, summary),
        gateways,
        options,
        containers,
    })
}

pub async fn remove(change: &Change, network: &str) -> Result<()> {
    let removing = change.server.engine.docker.remove_network(network);
    let subject = (AuditSubjectType::Network, network);
    change
        .remove(AuditKind::NetworkRemoved, subject, false, removing)
        .await
}

/// Removes the networks no container is attached to (the engine's own stay).
pub async fn prune(change: &Change) -> Result<PruneResult> {
    let server = &change.server;
    let pruning = server
        .engine
        .docker
        .prune_networks(None::<PruneNetworksOptions>);
    let response = call(server, "network", "", PRUNE_TIMEOUT, pruning).await?;
    let removed = response.networks_deleted.unwrap_or_default();
    change
        .pruned(AuditKind::NetworksPruned, "networks", removed, None)
        .await
}

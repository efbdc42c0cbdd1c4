//! monitor: a GraphQL control plane for small ops teams.
//!
//! Layout (a folder per domain; each keeps its model, store queries, rules and GraphQL
//! resolvers together, and other domains call its service, never its tables):
//!
//! - [`cli`], [`config`], [`telemetry`]: the command line, layered settings, logging.
//! - [`app`]: wiring: builds the store and every service once; runs the server.
//! - [`state`]: [`state::AppState`], the services every handler and resolver reaches.
//! - [`bus`], [`runner`]: one way to publish a change; one way to run a background loop.
//! - [`http`]: the accept loop; routes: `/graphql` (HTTP + websocket), `/graphiql`, `/backup`,
//!   health checks, client.
//! - [`graphql`]: the merged schema, authentication guard, pagination helpers.
//! - [`store`]: the SurrealDB connection, schema, storage format version, the gate that
//!   refuses calls after a failed write, the damage marker, the data directory's lock.
//! - [`users`], [`auth`]: users and roles; sessions and API tokens.
//! - [`audit`]: the audit log every change writes to, paged and live.
//! - [`servers`], [`docker`]: hosts and their Docker engines, watched in the background.
//! - [`containers`]: containers on any server, their events and live logs.
//! - [`operations`]: units of work (commands now) with stored, streamed output.
//! - [`agent`]: `monitor agent`, which gives monitor a remote host's engine and shell.
//! - [`kube`]: the Kubernetes cluster through kube-rs: config, the graph resource, health.
//! - [`apps`]: apps on Kubernetes: graphs, version hashes, diffs, resources, dashboards.
//! - [`probes`]: probes and measurements: validated parameters, the probe wire protocol.
//! - [`probe`]: `monitor probe`, which measures the network for monitor.
//! - [`health`]: health of each component.
//! - [`backup`]: streaming backup, scheduled backups, restore, nuke.
//! - [`metrics`]: Prometheus metrics.
//! - [`resident`]: gives memory back: start-up's executable pages, freed large buffers.
//! - [`error`]: the one error type and its GraphQL/HTTP mapping.

pub mod agent;
pub mod app;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bus;
pub mod cli;
pub mod config;
pub mod containers;
pub mod docker;
pub mod error;
pub mod graphql;
pub mod health;
pub mod host;
pub mod http;
pub mod kube;
pub mod metrics;
pub mod operations;
pub mod probe;
pub mod probes;
pub mod resident;
pub mod runner;
pub mod servers;
pub mod stacks;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod users;

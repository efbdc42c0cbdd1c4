//! monitor: a GraphQL control plane for small ops teams.
//!
//! Layout (a folder per domain; each keeps its model, store queries, rules and GraphQL
//! resolvers together, and other domains call its service, never its tables):
//!
//! - [`cli`], [`config`], [`telemetry`]: the command line, layered settings, logging.
//! - [`app`]: wiring of the store and services into [`app::AppState`]; running the server.
//! - [`http`]: routes: `/graphql` (HTTP + websocket), `/graphiql`, `/backup`, probes, client.
//! - [`graphql`]: the merged schema, authentication guard, pagination helpers.
//! - [`store`]: the SurrealDB connection, schema, storage format version.
//! - [`users`], [`auth`]: users and roles; sessions and API tokens.
//! - [`audit`]: the audit log every change writes to, paged and live.
//! - [`servers`], [`docker`]: hosts and their Docker engines, watched in the background.
//! - [`containers`]: containers on any server, their events, live logs and stats.
//! - [`engine_resources`]: images, volumes and networks of each server's engine.
//! - [`shell`]: shells into containers (an exec with a terminal), driven through GraphQL.
//! - [`operations`]: units of work (commands now) with stored, streamed output.
//! - [`agent`]: `monitor agent`, which gives monitor a remote host's engine and shell.
//! - [`health`]: health of each component.
//! - [`backup`]: streaming backup, restore, nuke.
//! - [`metrics`]: Prometheus metrics.
//! - [`resident`]: gives memory back: start-up's executable pages, freed large buffers.
//! - [`error`]: the one error type and its GraphQL/HTTP mapping.

pub mod agent;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod containers;
pub mod docker;
pub mod engine_resources;
pub mod error;
pub mod graphql;
pub mod health;
pub mod http;
pub mod metrics;
pub mod operations;
pub mod resident;
pub mod servers;
pub mod shell;
pub mod stacks;
pub mod store;
pub mod telemetry;
pub mod users;

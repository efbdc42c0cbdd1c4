//! monitor: a GraphQL control plane for small ops teams.
//!
//! Layout: a folder per domain, each keeping its model, store queries (in `store.rs`
//! only), rules and GraphQL resolvers (`graphql.rs`) together; other domains call its
//! service, never its tables. Listed top down: a domain's service imports other
//! services and what is listed below the domains, never `state`, `graphql` or `http`;
//! its resolvers and HTTP handlers (`backup::http`, `probes::session`,
//! `probes::results::download`) belong with `graphql` and `http`, and reach every
//! service through `state` (a handler that needs one service takes only that one, as
//! `stacks::webhook` does). `scripts/import-circles` lists the import circles between
//! these modules, and `scripts/test` fails while there is one. Where a lower domain
//! must tell a higher one as things happen, the lower one names what it tells and the
//! wiring hands it the listener: each server's supervisor tells the containers domain
//! what it learns of its engine ([`servers::EngineListener`]), and `containers` keeps
//! each server's list and publishes its container events from that.
//!
//! - [`cli`]: the command line.
//! - [`app`]: wiring: builds the store and every service once; runs the server.
//! - [`http`]: the accept loop; routes: `/graphql` (HTTP + websocket), `/graphiql`,
//!   `/backup`, `/hooks/git/{stackId}`, `/probes/connect`, health checks (`/healthz`,
//!   `/readyz`, `/metrics`), client.
//! - [`graphql`]: the merged schema, the gate (authentication, document bounds), the
//!   per-request DataLoaders of every relation field and when they read, Relay
//!   connections, and the one-pass answer of objects whose fields are all in memory
//!   (`graphql::at_hand`).
//! - [`health`]: health of each component.
//! - [`state`]: [`state::AppState`], the services every handler and resolver reaches.
//! - Domains:
//!   - [`users`], [`auth`]: users and roles; sessions, API tokens and the role check
//!     every resolver and HTTP handler makes.
//!   - [`audit`]: the audit log every change writes to, paged and live.
//!   - [`servers`]: hosts and their live state, each watched by a supervisor that
//!     tells what it learns of the engine to a listener.
//!   - [`containers`]: containers on any server, their events, live logs and stats;
//!     each server's list, kept from what its supervisor tells; running, pulling and
//!     removing them for other domains (a stack's deploy).
//!   - [`engine_resources`]: images, volumes and networks of each server's engine.
//!   - [`shell`]: shells into containers (an exec with a terminal), driven through
//!     GraphQL.
//!   - [`operations`]: units of work with a subject (a server, a stack), stored and
//!     streamed output, cancellation.
//!   - [`stacks`]: software from a git repo to a running container: its actions
//!     (`actions/`: repo, build, deploy, pipelines, one at a time per stack), push
//!     webhooks (`webhook/`), copies to another server, the registry stack.
//!   - [`registry`]: the image registry stacks push to and deploy from, configured or
//!     run by monitor itself.
//!   - [`apps`]: apps on Kubernetes: records, versions by hash, diffs, deploys and
//!     reverts; the cluster sync that follows the resources; each deployed app's
//!     Grafana dashboard.
//!   - [`probes`]: probes and measurements: the registry, the probes' sessions,
//!     measurements dispatched within each probe's capacity, results; validated
//!     parameters, the probe wire protocol.
//!   - [`credits`]: balances and the ledger every movement is written to.
//!   - [`backup`]: streaming backup, scheduled backups, restore, nuke.
//! - [`agent`]: `monitor agent`, which gives monitor a remote host's engine and shell.
//! - [`probe`]: `monitor probe`, which measures the network for monitor.
//! - [`docker`]: Docker engines through bollard, directly or through an agent; image
//!   builds (with the context of a directory), tags and pushes.
//! - [`kube`]: the Kubernetes cluster through kube-rs: config, the graph resource,
//!   health.
//! - [`host`]: what monitor and its agents both do on a host: the wire protocol,
//!   running commands, sampling CPU and memory.
//! - [`bus`], [`runner`]: one way to publish a change; one way to run a background loop.
//! - [`store`]: the SurrealDB connection, schema and migrations, storage format
//!   version, the gate that refuses calls after a failed write, the damage marker, the
//!   data directory's lock, and the helpers store code shares (record keys, duplicates
//!   and conflicts, page requests, tables kept in memory for reads).
//! - [`secret`]: random secrets: generated passwords, tokens, download tickets.
//! - [`config`], [`telemetry`]: layered settings, logging.
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
pub mod credits;
pub mod docker;
pub mod engine_resources;
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
pub mod registry;
pub mod resident;
pub mod runner;
pub mod secret;
pub mod servers;
pub mod shell;
pub mod stacks;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod users;

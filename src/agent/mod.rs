//! `monitor agent`: runs on a deployment host and gives the monitor server that host's
//! Docker engine and a command runner over one authenticated connection.
//!
//! Why plain HTTP/2 (see [`crate::host::protocol`] for the routes): the Docker Engine API is already
//! HTTP, so the agent forwards it verbatim and every bollard call (logs, events, later
//! builds) works remotely unchanged, with streams passed through chunk by chunk and
//! never buffered whole. HTTP/2 multiplexes all calls on one connection; its per-stream
//! flow control means a slow log reader holds back only its own stream; its pings let
//! monitor notice a hung agent. TLS (rustls) is used when a certificate is given. The
//! one call that cannot be forwarded verbatim, a shell's exec (an HTTP/1.1 hijack), has
//! a route of its own (`exec.rs`).
//!
//! The wire format, the command runner and host sampling live in [`crate::host`],
//! below both this program and monitor.

mod directory_build;
mod exec;
mod proxy;
mod serve;

use std::path::PathBuf;

use clap::Args;

pub use serve::run;

#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Address to listen on, e.g. 0.0.0.0:7070.
    #[arg(long, default_value = "127.0.0.1:7070")]
    pub listen: std::net::SocketAddr,
    /// File holding the token monitor must present (the server's `agentToken`).
    #[arg(long)]
    pub token_file: PathBuf,
    /// The host's Docker engine: unix:///var/run/docker.sock or tcp://host:port.
    #[arg(
        long,
        env = "DOCKER_HOST",
        default_value = "unix:///var/run/docker.sock"
    )]
    pub docker_host: String,
    /// PEM certificate chain; with --tls-key, the agent speaks HTTPS (agent+https://).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Log format.
    #[arg(long, value_enum, default_value = "pretty")]
    pub log_format: crate::config::LogFormat,
}

//! The command line: `monitor serve` (the default) and the admin commands around it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{FlagOverrides, LogFormat};

/// monitor: build, deploy and watch your software from one GraphQL control plane.
#[derive(Debug, Parser)]
#[command(name = "monitor", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: GraphQL API, web client and background work (the default).
    Serve(ServeArgs),
    /// Download a full backup from a running server.
    Backup(crate::backup::BackupArgs),
    /// Restore a backup file into an empty store.
    Restore(crate::backup::RestoreArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Store administration.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Run on a deployment host: give a monitor server this host's Docker engine and a
    /// command runner over one authenticated connection.
    Agent(crate::agent::AgentArgs),
    /// Run network measurements (ping, traceroute, DNS, HTTP) that a monitor server
    /// assigns, and send their results back to it.
    Probe(crate::probe::ProbeArgs),
    /// Exit 0 when a server's `/healthz` answers (for container health checks).
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080/healthz")]
        url: String,
    },
}

/// `serve`'s flags. Each names the environment variable that sets the same value; the
/// defaults are written in the help rather than given to clap, because a clap default
/// would count as a flag and hide what `monitor.toml` says (see `config`).
#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one [default: 127.0.0.1:8080]
    #[arg(long, env = "MONITOR_LISTEN")]
    pub listen: Option<std::net::SocketAddr>,
    /// Directory of the embedded store and the stacks' checkouts; one monitor at a
    /// time [default: ./data]
    #[arg(long, env = "MONITOR_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Store URL: surrealkv://DIR, rocksdb://DIR, mem://, ws://HOST:PORT [default:
    /// surrealkv://DATA_DIR/store]
    #[arg(long, env = "MONITOR_DB")]
    pub db: Option<String>,
    /// Config file [default: ./monitor.toml when present]
    #[arg(long, env = "MONITOR_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format: pretty for people, json for log pipelines [default: pretty]
    #[arg(long, value_enum, env = "MONITOR_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
}

impl ServeArgs {
    /// The flags that override the config file and the environment.
    pub fn overrides(&self) -> FlagOverrides {
        FlagOverrides {
            listen: self.listen,
            data_dir: self.data_dir.clone(),
            db: self.db.clone(),
            log_format: self.log_format,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Delete everything in the store. Asks for confirmation unless --yes.
    Nuke {
        #[arg(long, default_value = "./data")]
        data_dir: PathBuf,
        #[arg(long)]
        db: Option<String>,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
}

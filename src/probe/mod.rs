//! `monitor probe`: runs measurements for a monitor server.
//!
//! The probe dials out (it needs no open port): one websocket to the server at
//! [`crate::probes::protocol::SESSION_PATH`], speaking [`crate::probes::protocol`], with
//! its token in the handshake. It receives assignments, runs them on their schedules
//! without exceeding its capacity, and sends each result, which waits in an on-disk
//! spool until the server acknowledges it. When the connection drops it reconnects
//! with backoff and jitter, and measures its clock offset again; SIGTERM stops it.

mod backoff;
mod clock;
pub mod measure;
mod runner;
mod session;
mod spool;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use tokio_util::sync::CancellationToken;

use crate::probes::protocol::{MAX_CAPACITY, SESSION_PATH};
use backoff::Backoff;
use runner::Runner;
use session::Probe;
use spool::Spool;

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The monitor server, e.g. https://monitor.example.com (ws:// and wss:// work too).
    #[arg(long, env = "MONITOR_PROBE_SERVER")]
    pub server: String,
    /// File holding this probe's token (shown once by `registerProbe`).
    #[arg(long, env = "MONITOR_PROBE_TOKEN_FILE")]
    pub token_file: PathBuf,
    /// How many measurements run at once.
    #[arg(long, env = "MONITOR_PROBE_CAPACITY", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=MAX_CAPACITY as i64))]
    pub capacity: u32,
    /// Where results wait until the server has them; keep it across restarts.
    #[arg(long, env = "MONITOR_PROBE_SPOOL", default_value = "./probe-spool")]
    pub spool: PathBuf,
    /// Log format.
    #[arg(long, value_enum, default_value = "pretty")]
    pub log_format: crate::config::LogFormat,
}

/// Runs the probe until `shutdown` resolves.
pub async fn run(
    args: ProbeArgs,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let url = session_url(&args.server)?;
    let spool = Spool::open(&args.spool)?;
    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            shutdown.await;
            stop.cancel();
        }
    });
    let runner = Runner::new(spool.clone(), args.capacity, stop.clone());
    tracing::info!(%url, capacity = args.capacity, spooled = spool.len(), "probe starting");
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    while !stop.is_cancelled() {
        // Read at every attempt, so a replaced token file is picked up without a restart.
        let outcome = match read_token(&args.token_file).await {
            Ok(token) => {
                let probe = Probe {
                    url: url.clone(),
                    token,
                    capacity: args.capacity,
                    runner: runner.clone(),
                    spool: spool.clone(),
                };
                session::serve(&probe, &stop, || backoff.reset()).await
            }
            Err(error) => Err(error),
        };
        if stop.is_cancelled() {
            break;
        }
        let delay = backoff.next_delay();
        match outcome {
            Ok(()) => tracing::warn!(retry_in = ?delay, "disconnected"),
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), retry_in = ?delay, "disconnected");
            }
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = stop.cancelled() => {}
        }
    }
    tracing::info!(spooled = spool.len(), "probe stopped");
    Ok(())
}

/// The websocket URL of the server's probe endpoint.
fn session_url(server: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(server.trim())
        .with_context(|| format!("--server {server:?} is not a URL"))?;
    let scheme = match url.scheme() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        other => bail!("--server must be http(s):// or ws(s)://, not {other}://"),
    };
    if url.set_scheme(scheme).is_err() || url.host_str().is_none() {
        bail!("--server {server:?} has no host");
    }
    let base = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{base}{SESSION_PATH}"));
    Ok(url.to_string())
}

async fn read_token(path: &std::path::Path) -> anyhow::Result<String> {
    let token = tokio::fs::read_to_string(path)
        .await
        .with_context(|| format!("cannot read the token file {}", path.display()))?;
    let token = token.trim();
    if token.is_empty() {
        bail!("the token file {} is empty", path.display());
    }
    Ok(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_url_follows_the_servers_scheme_and_path() {
        for (server, url) in [
            (
                "http://127.0.0.1:8080",
                "ws://127.0.0.1:8080/probes/connect",
            ),
            (
                "https://monitor.example.com/",
                "wss://monitor.example.com/probes/connect",
            ),
            (
                "https://example.com/monitor",
                "wss://example.com/monitor/probes/connect",
            ),
            ("ws://[::1]:9000", "ws://[::1]:9000/probes/connect"),
        ] {
            assert_eq!(session_url(server).unwrap(), url);
        }
        assert!(session_url("ftp://example.com").is_err());
        assert!(session_url("example.com").is_err());
    }
}

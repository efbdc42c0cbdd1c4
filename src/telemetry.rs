//! Logging: `tracing` to stderr, pretty for people or JSON for pipelines; colours only
//! when stderr is a terminal, so log files and journals get plain text.
//!
//! The level comes from `RUST_LOG` when set (e.g. `RUST_LOG=monitor=debug`), else `info`
//! for monitor and `warn` for the noisy store internals.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::LogFormat;

/// Installs the global subscriber; call once, first thing in `main`.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,surrealdb=warn,surrealkv=warn,surrealdb_core=warn")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_span_events(FmtSpan::NONE);
    match format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder.json().with_current_span(true).init(),
    }
}

//! The measurements a probe makes, one module per kind, each returning the typed
//! result of [`crate::probes::protocol`] or why it could not measure.

mod dns;
mod http;
mod ping;
mod tls;
mod traceroute;

use std::net::SocketAddr;
use std::time::Duration;

use crate::probes::input::{MeasurementParams, Target};
use crate::probes::protocol::MeasurementResult;

/// Measures `target` as `params` say.
pub async fn measure(
    params: &MeasurementParams,
    target: &Target,
) -> Result<MeasurementResult, String> {
    match params {
        MeasurementParams::Ping(params) => ping::ping(params, target).await,
        MeasurementParams::Traceroute(params) => traceroute::traceroute(params, target).await,
        MeasurementParams::Dns(params) => dns::dns(params, target).await,
        MeasurementParams::Http(params) => http::http(params, target).await,
    }
}

/// The target's address: itself, or the first address its name resolves to.
async fn resolve(target: &Target) -> Result<SocketAddr, String> {
    match target {
        Target::Ip(ip) => Ok(SocketAddr::new(*ip, 0)),
        Target::Host(name) => tokio::net::lookup_host((name.as_str(), 0))
            .await
            .map_err(|error| format!("cannot resolve {name}: {error}"))?
            .next()
            .ok_or_else(|| format!("{name} has no address")),
    }
}

/// A duration in milliseconds, to the microsecond.
fn millis(duration: Duration) -> f64 {
    duration.as_micros() as f64 / 1000.0
}

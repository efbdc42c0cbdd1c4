//! PING: ICMP echo through `surge-ping` (a datagram ICMP socket where
//! `net.ipv4.ping_group_range` allows it, else a raw one, which needs CAP_NET_RAW), or
//! timed TCP connects, whose round trip is the handshake's.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use surge_ping::{Client, Config, ICMP, PingIdentifier, PingSequence};

use super::{millis, resolve};
use crate::probes::input::{PingParams, PingProtocol, Target};
use crate::probes::protocol::{MeasurementResult, PingResult};

/// How long a packet's reply is awaited.
const REPLY_TIMEOUT: Duration = Duration::from_secs(3);

/// Pings `target` as `params` say.
pub async fn ping(params: &PingParams, target: &Target) -> Result<MeasurementResult, String> {
    let address = resolve(target).await?.ip();
    let interval = Duration::from_millis(params.interval_ms.into());
    let rtts = match (params.protocol, params.port) {
        (PingProtocol::Tcp, Some(port)) => {
            tcp_rtts(SocketAddr::new(address, port), params.packets, interval).await
        }
        _ => icmp_rtts(address, params, interval).await?,
    };
    Ok(MeasurementResult::Ping(PingResult::from_rtts(
        params.protocol,
        address,
        params.port,
        &rtts,
    )))
}

async fn icmp_rtts(
    address: IpAddr,
    params: &PingParams,
    interval: Duration,
) -> Result<Vec<Option<f64>>, String> {
    let kind = if address.is_ipv4() {
        ICMP::V4
    } else {
        ICMP::V6
    };
    let client = Client::new(&Config::builder().kind(kind).build())
        .map_err(|error| format!("cannot open an ICMP socket: {error}"))?;
    let mut pinger = client.pinger(address, PingIdentifier(rand::random())).await;
    pinger.timeout(REPLY_TIMEOUT);
    let payload = vec![0u8; params.size as usize];
    let mut rtts = Vec::with_capacity(params.packets as usize);
    for seq in 0..params.packets {
        let started = Instant::now();
        let rtt = match pinger.ping(PingSequence(seq as u16), &payload).await {
            Ok((_, rtt)) => Some(millis(rtt)),
            Err(surge_ping::SurgeError::Timeout { .. }) => None,
            Err(error) => return Err(format!("ICMP echo to {address} failed: {error}")),
        };
        rtts.push(rtt);
        pause_until_next(seq, params.packets, started, interval).await;
    }
    Ok(rtts)
}

async fn tcp_rtts(address: SocketAddr, packets: u32, interval: Duration) -> Vec<Option<f64>> {
    let mut rtts = Vec::with_capacity(packets as usize);
    for seq in 0..packets {
        let started = Instant::now();
        let connected =
            tokio::time::timeout(REPLY_TIMEOUT, tokio::net::TcpStream::connect(address)).await;
        // Only a completed handshake is a reply: a refusal says the port is closed.
        rtts.push(matches!(connected, Ok(Ok(_))).then(|| millis(started.elapsed())));
        pause_until_next(seq, packets, started, interval).await;
    }
    rtts
}

/// Packets start `interval` apart; none is waited for after the last.
async fn pause_until_next(seq: u32, packets: u32, started: Instant, interval: Duration) {
    if seq + 1 < packets {
        tokio::time::sleep_until((started + interval).into()).await;
    }
}

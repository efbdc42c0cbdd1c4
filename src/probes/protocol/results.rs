//! What a probe measured, per kind: the shapes RIPE Atlas and Globalping users know
//! (RTTs with min/avg/max and loss; hops with addresses and timeouts; DNS rcode and
//! answers; HTTP status, timings and certificate). Times are milliseconds as floats.

use std::net::{IpAddr, SocketAddr};

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::probes::input::{
    DnsClass, DnsTransport, HttpMethod, PingProtocol, RecordType, TracerouteProtocol,
};

/// What one run measured of one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeasurementResult {
    Ping(PingResult),
    Traceroute(TracerouteResult),
    Dns(DnsResult),
    Http(HttpResult),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct PingResult {
    pub protocol: PingProtocol,
    /// The address pinged (the target, resolved when it is a name).
    #[graphql(skip)]
    pub address: IpAddr,
    pub port: Option<u16>,
    /// One entry per packet sent, in order; no RTT when no reply came in time.
    pub packets: Vec<PingPacket>,
    pub sent: u32,
    pub received: u32,
    pub loss_percent: f64,
    pub min_ms: Option<f64>,
    pub avg_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct PingPacket {
    pub seq: u32,
    pub rtt_ms: Option<f64>,
}

impl PingResult {
    /// The summary of one RTT (or none, lost) per packet sent.
    pub fn from_rtts(
        protocol: PingProtocol,
        address: IpAddr,
        port: Option<u16>,
        rtts: &[Option<f64>],
    ) -> PingResult {
        let replies: Vec<f64> = rtts.iter().flatten().copied().collect();
        let sent = rtts.len() as u32;
        let received = replies.len() as u32;
        let average =
            (!replies.is_empty()).then(|| replies.iter().sum::<f64>() / f64::from(received));
        PingResult {
            protocol,
            address,
            port,
            packets: rtts
                .iter()
                .enumerate()
                .map(|(seq, rtt_ms)| PingPacket {
                    seq: seq as u32,
                    rtt_ms: *rtt_ms,
                })
                .collect(),
            sent,
            received,
            loss_percent: if sent == 0 {
                0.0
            } else {
                f64::from(sent - received) * 100.0 / f64::from(sent)
            },
            min_ms: replies.iter().copied().reduce(f64::min),
            avg_ms: average,
            max_ms: replies.iter().copied().reduce(f64::max),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct TracerouteResult {
    pub protocol: TracerouteProtocol,
    /// The destination (the target, resolved when it is a name).
    #[graphql(skip)]
    pub address: IpAddr,
    pub port: Option<u16>,
    pub paris_id: u32,
    /// Whether the destination itself answered.
    pub reached: bool,
    pub hops: Vec<Hop>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(name = "TracerouteHop")]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    /// The TTL the packets of this hop were sent with.
    pub ttl: u32,
    /// One entry per packet; without an address when it timed out.
    pub replies: Vec<HopReply>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex, name = "TracerouteReply")]
#[serde(rename_all = "camelCase")]
pub struct HopReply {
    #[graphql(skip)]
    pub from: Option<IpAddr>,
    pub rtt_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct DnsResult {
    #[graphql(skip)]
    pub resolver: SocketAddr,
    pub transport: DnsTransport,
    /// The name asked for (the reverse name for an address target).
    pub name: String,
    pub record_type: RecordType,
    pub class: DnsClass,
    /// `NOERROR`, `NXDOMAIN`, `SERVFAIL`, …
    pub rcode: String,
    pub flags: DnsFlags,
    pub answers: Vec<DnsRecord>,
    pub authority_count: u32,
    pub additional_count: u32,
    /// From sending the query that was answered to its answer.
    pub time_ms: f64,
    /// Queries sent: 1 plus the retries used.
    pub attempts: u32,
    /// The answer as received, base64 (the "abuf" RIPE Atlas users know).
    pub response_base64: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct DnsFlags {
    pub authoritative: bool,
    pub truncated: bool,
    pub recursion_desired: bool,
    pub recursion_available: bool,
    pub authentic_data: bool,
    pub checking_disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct DnsRecord {
    pub name: String,
    pub record_type: String,
    pub class: String,
    pub ttl: u32,
    /// The record's data in zone-file form.
    pub data: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct HttpResult {
    pub url: String,
    /// Where the probe connected.
    #[graphql(skip)]
    pub address: SocketAddr,
    pub method: HttpMethod,
    pub status: u16,
    /// Whether the status is the expected one; absent when none was expected.
    pub status_matches: Option<bool>,
    pub http_version: String,
    #[graphql(skip)]
    pub headers: Vec<(String, String)>,
    /// The first bytes of the body (at most 10 KB read), as text.
    pub body: String,
    pub body_bytes: u32,
    /// Whether the body went on past what was read.
    pub truncated: bool,
    pub timings: HttpTimings,
    pub tls: Option<TlsInfo>,
}

/// Each phase's end, in ms from the start (as curl's `time_*`): they only grow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct HttpTimings {
    /// Name resolution; absent when the target is an address.
    pub dns_ms: Option<f64>,
    pub connect_ms: f64,
    /// TLS handshake; absent for http://.
    pub tls_ms: Option<f64>,
    /// The response's first byte.
    pub first_byte_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(name = "HttpTls")]
#[serde(rename_all = "camelCase")]
pub struct TlsInfo {
    pub protocol: String,
    pub cipher: String,
    /// Whether the chain is trusted (Mozilla's roots) and names the host.
    pub authorized: bool,
    /// Why not, when not.
    pub error: Option<String>,
    pub subject: String,
    pub issuer: String,
    pub not_before: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

/// Most headers a result keeps.
pub const MAX_RESULT_HEADERS: usize = 64;

impl MeasurementResult {
    /// Checks the counts a well-behaved probe never exceeds.
    pub fn check(&self) -> Result<(), String> {
        let fits = match self {
            MeasurementResult::Ping(ping) => ping.packets.len() <= 16,
            MeasurementResult::Traceroute(trace) => {
                trace.hops.len() <= 255 && trace.hops.iter().all(|hop| hop.replies.len() <= 16)
            }
            MeasurementResult::Dns(dns) => dns.answers.len() <= 4096,
            MeasurementResult::Http(http) => {
                http.headers.len() <= MAX_RESULT_HEADERS
                    && http.body.len() <= 3 * crate::probes::input::MAX_BODY_BYTES
            }
        };
        fits.then_some(())
            .ok_or_else(|| "a result holds more entries than its parameters allow".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_statistics_count_lost_packets() {
        let address = "127.0.0.1".parse().unwrap();
        let result = PingResult::from_rtts(
            PingProtocol::Icmp,
            address,
            None,
            &[Some(1.0), None, Some(3.0)],
        );
        assert_eq!((result.sent, result.received), (3, 2));
        assert!((result.loss_percent - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            (result.min_ms, result.avg_ms, result.max_ms),
            (Some(1.0), Some(2.0), Some(3.0))
        );
        assert_eq!(
            result.packets[1],
            PingPacket {
                seq: 1,
                rtt_ms: None
            }
        );
        let lost = PingResult::from_rtts(PingProtocol::Icmp, address, None, &[None]);
        assert_eq!((lost.loss_percent, lost.avg_ms), (100.0, None));
    }
}

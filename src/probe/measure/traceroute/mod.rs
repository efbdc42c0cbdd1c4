//! TRACEROUTE over ICMP, UDP or TCP (IPv4), packet by packet with a growing TTL; the
//! answers are heard on a raw ICMP socket (so it needs CAP_NET_RAW, as traceroute does).
//!
//! Packets go one at a time, so an answer belongs to the packet in flight; each is also
//! matched on what the router quotes of it (ICMP identifier and sequence; UDP and TCP
//! ports). With a Paris id, every packet of the trace stays on one flow through load
//! balancers: for ICMP the identifier and checksum stay constant (the payload
//! compensates the sequence number, and carries the id so that ids map to flows); for
//! UDP the ports stay constant (the flow is the trace's source port). Without one (id
//! 0), the flow changes with every packet as in classic traceroute. TCP packets come
//! from a new source port each (the kernel's connect), so a TCP trace keeps no flow.
//!
//! A UDP packet's checksum cannot tell Paris packets apart here: on virtual links the
//! kernel leaves it to offloading, so routers quote an unfinished one. A late answer to
//! a UDP packet that timed out can therefore be taken for the next packet's, in Paris
//! mode only (classic mode moves the port).

mod listener;
mod senders;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::{millis, resolve};
use crate::probes::input::{Target, TracerouteParams, TracerouteProtocol};
use crate::probes::protocol::{Hop, HopReply, MeasurementResult, TracerouteResult};
use listener::IcmpListener;
use senders::Sender;

/// Traces the path to `target` as `params` say.
pub async fn traceroute(
    params: &TracerouteParams,
    target: &Target,
) -> Result<MeasurementResult, String> {
    let address = resolve(target).await?.ip();
    let IpAddr::V4(destination) = address else {
        return Err(format!(
            "traceroute to an IPv6 address ({address}) is not supported yet"
        ));
    };
    let listener = IcmpListener::open()?;
    let mut sender = Sender::new(params, destination).await?;
    let timeout = Duration::from_millis(params.timeout_ms.into());
    let mut buffer = vec![0u8; 2048];
    let mut hops = Vec::new();
    let mut reached = false;
    for ttl in params.first_hop..=params.max_hops {
        let mut replies = Vec::with_capacity(params.packets_per_hop as usize);
        for _ in 0..params.packets_per_hop {
            let answer = sender.probe(&listener, ttl, timeout, &mut buffer).await?;
            replies.push(match answer {
                Some(answer) => {
                    reached |= answer.reached;
                    HopReply {
                        from: Some(answer.from),
                        rtt_ms: Some(millis(answer.rtt)),
                    }
                }
                None => HopReply {
                    from: None,
                    rtt_ms: None,
                },
            });
        }
        hops.push(Hop { ttl, replies });
        if reached {
            break;
        }
    }
    Ok(MeasurementResult::Traceroute(TracerouteResult {
        protocol: params.protocol,
        address,
        port: params.port,
        paris_id: params.paris_id,
        reached,
        hops,
    }))
}

/// What answered one packet.
pub struct Reply {
    pub from: IpAddr,
    pub rtt: Duration,
    /// The destination itself answered.
    pub reached: bool,
}

impl Reply {
    fn new(from: impl Into<IpAddr>, sent: Instant, arrived: Instant, reached: bool) -> Reply {
        Reply {
            from: from.into(),
            rtt: arrived.saturating_duration_since(sent),
            reached,
        }
    }
}

/// Whether `protocol` is the one carried by the packets a trace sends.
fn is_protocol(
    protocol: TracerouteProtocol,
    quoted: pnet_packet::ip::IpNextHeaderProtocol,
) -> bool {
    use pnet_packet::ip::IpNextHeaderProtocols as P;
    quoted
        == match protocol {
            TracerouteProtocol::Icmp => P::Icmp,
            TracerouteProtocol::Udp => P::Udp,
            TracerouteProtocol::Tcp => P::Tcp,
        }
}

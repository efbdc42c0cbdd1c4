//! Ping and traceroute on real sockets: ICMP and TCP pings to 127.0.0.1, and traces
//! over ICMP, UDP and TCP through a three-hop path of network namespaces.

use monitor::probe::measure::measure;
use monitor::probes::input::{
    MeasurementParams, PingParams, PingProtocol, Target, TracerouteParams, TracerouteProtocol,
};
use monitor::probes::protocol::{MeasurementResult, PingResult, TracerouteResult};

use super::netns::{ROUTER_A, ROUTER_B, TARGET, ThreeHops};

fn target(raw: &str) -> Target {
    Target::parse(raw).expect("a target")
}

async fn ping(params: PingParams, to: &str) -> PingResult {
    match measure(&MeasurementParams::Ping(params), &target(to)).await {
        Ok(MeasurementResult::Ping(result)) => result,
        other => panic!("expected a ping result, got {other:?}"),
    }
}

#[tokio::test]
async fn an_icmp_ping_to_loopback_gets_a_reply_to_every_packet() {
    let params = PingParams {
        packets: 3,
        interval_ms: 200,
        ..PingParams::default()
    };
    let result = ping(params, "127.0.0.1").await;
    assert_eq!((result.sent, result.received), (3, 3), "{result:?}");
    assert_eq!(result.loss_percent, 0.0);
    let (min, avg, max) = (
        result.min_ms.unwrap(),
        result.avg_ms.unwrap(),
        result.max_ms.unwrap(),
    );
    assert!(0.0 < min && min <= avg && avg <= max, "{result:?}");
    assert!(result.packets.iter().all(|packet| packet.rtt_ms.is_some()));
}

#[tokio::test]
async fn a_tcp_ping_times_handshakes_and_counts_a_closed_port_as_lost() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let open = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((connection, _)) = listener.accept().await {
            drop(connection);
        }
    });
    let closed = {
        let spare = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        spare.local_addr().unwrap().port()
    };
    let tcp = |port| PingParams {
        packets: 2,
        interval_ms: 200,
        protocol: PingProtocol::Tcp,
        port: Some(port),
        ..PingParams::default()
    };

    let reached = ping(tcp(open), "127.0.0.1").await;
    assert_eq!((reached.sent, reached.received), (2, 2), "{reached:?}");
    assert!(reached.min_ms.is_some_and(|rtt| rtt > 0.0));
    let refused = ping(tcp(closed), "127.0.0.1").await;
    assert_eq!(
        (refused.received, refused.loss_percent),
        (0, 100.0),
        "{refused:?}"
    );
}

async fn trace(protocol: TracerouteProtocol, port: Option<u16>) -> TracerouteResult {
    let path = ThreeHops::build();
    let params = MeasurementParams::Traceroute(TracerouteParams {
        protocol,
        port,
        packets_per_hop: 2,
        timeout_ms: 2000,
        max_hops: 8,
        ..TracerouteParams::default()
    });
    let measured = path
        .in_probe(move || async move { measure(&params, &target(TARGET)).await })
        .await;
    match measured {
        Ok(MeasurementResult::Traceroute(result)) => result,
        other => panic!("expected a traceroute result, got {other:?}"),
    }
}

/// Each hop answered every packet, from the router (or target) at that distance.
fn assert_three_hops(result: &TracerouteResult) {
    assert!(result.reached, "{result:#?}");
    let hops: Vec<(u32, Vec<String>)> = result
        .hops
        .iter()
        .map(|hop| {
            let from = hop
                .replies
                .iter()
                .map(|reply| reply.from.map(|ip| ip.to_string()).unwrap_or("*".into()))
                .collect();
            (hop.ttl, from)
        })
        .collect();
    let expected = [(1, ROUTER_A), (2, ROUTER_B), (3, TARGET)]
        .map(|(ttl, from)| (ttl, vec![from.to_string(); 2]))
        .to_vec();
    assert_eq!(hops, expected, "{result:#?}");
    for reply in result.hops.iter().flat_map(|hop| &hop.replies) {
        assert!(reply.rtt_ms.is_some_and(|rtt| rtt > 0.0), "{result:#?}");
    }
}

#[tokio::test]
async fn an_icmp_traceroute_names_each_of_three_hops() {
    assert_three_hops(&trace(TracerouteProtocol::Icmp, None).await);
}

#[tokio::test]
async fn a_udp_traceroute_names_each_of_three_hops() {
    assert_three_hops(&trace(TracerouteProtocol::Udp, Some(33_434)).await);
}

#[tokio::test]
async fn a_tcp_traceroute_names_each_of_three_hops() {
    assert_three_hops(&trace(TracerouteProtocol::Tcp, Some(80)).await);
}

//! TRACEROUTE parameters: ICMP, UDP or TCP; first hop 1–255 (1), max hops 1–255 (30),
//! packets per hop 1–16 (3), size 0–2048 (48), port 1–65535 (UDP 33434, TCP 80),
//! per-hop timeout 1–60,000 ms (4,000), Paris id 0–64 (16; 0 is classic traceroute).

use serde::{Deserialize, Serialize};

use super::{check_range, choice, field, narrow};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TracerouteProtocol {
    Icmp,
    Udp,
    Tcp,
}

/// A traceroute's parameters; each left out takes its default.
#[derive(Debug, Clone, Default, PartialEq, async_graphql::InputObject)]
#[graphql(name = "TracerouteParamsInput")]
pub struct TracerouteInput {
    /// `ICMP` (default), `UDP` or `TCP`.
    pub protocol: Option<String>,
    /// 1 to 255 (1).
    pub first_hop: Option<i64>,
    /// 1 to 255 (30).
    pub max_hops: Option<i64>,
    /// 1 to 16 (3).
    pub packets_per_hop: Option<i64>,
    /// 0 to 2,048 bytes.
    pub size: Option<i64>,
    /// UDP and TCP only, 1 to 65,535.
    pub port: Option<i64>,
    /// Per hop, 1 to 60,000 ms (4,000).
    pub timeout_ms: Option<i64>,
    /// 0 to 64.
    pub paris_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TracerouteParams {
    pub protocol: TracerouteProtocol,
    pub first_hop: u32,
    pub max_hops: u32,
    pub packets_per_hop: u32,
    pub size: u32,
    /// Set for UDP and TCP, absent for ICMP.
    pub port: Option<u16>,
    pub timeout_ms: u32,
    /// Keeps every packet of a trace on one flow through load balancers (Paris
    /// traceroute); different ids take different flows; 0 varies the flow per packet.
    pub paris_id: u32,
}

impl Default for TracerouteParams {
    fn default() -> Self {
        TracerouteParams {
            protocol: TracerouteProtocol::Icmp,
            first_hop: 1,
            max_hops: 30,
            packets_per_hop: 3,
            size: 48,
            port: None,
            timeout_ms: 4000,
            paris_id: 16,
        }
    }
}

impl TracerouteInput {
    /// Fills the defaults and checks every bound; `at` is where the params sit.
    pub fn parse(self, at: &[&str]) -> Result<super::MeasurementParams> {
        let defaults = TracerouteParams::default();
        let protocol = match self.protocol.as_deref() {
            None => defaults.protocol,
            Some(raw) => choice(
                raw,
                &[
                    ("ICMP", TracerouteProtocol::Icmp),
                    ("UDP", TracerouteProtocol::Udp),
                    ("TCP", TracerouteProtocol::Tcp),
                ],
                at,
                "protocol",
            )?,
        };
        let port = match (protocol, self.port) {
            (TracerouteProtocol::Icmp, Some(_)) => {
                return Err(Error::bad_input(
                    &field(at, "port"),
                    "an ICMP traceroute has no port; set protocol UDP or TCP",
                ));
            }
            (TracerouteProtocol::Icmp, None) => None,
            (TracerouteProtocol::Udp, port) => Some(port.unwrap_or(33_434)),
            (TracerouteProtocol::Tcp, port) => Some(port.unwrap_or(80)),
        };
        if let Some(port) = port {
            check_range(port, 1..=65_535, at, "port", "")?;
        }
        let params = TracerouteParams {
            protocol,
            first_hop: narrow(
                self.first_hop,
                defaults.first_hop,
                1..=255,
                at,
                "firstHop",
                "",
            )?,
            max_hops: narrow(self.max_hops, defaults.max_hops, 1..=255, at, "maxHops", "")?,
            packets_per_hop: narrow(
                self.packets_per_hop,
                defaults.packets_per_hop,
                1..=16,
                at,
                "packetsPerHop",
                "",
            )?,
            size: narrow(self.size, defaults.size, 0..=2048, at, "size", " bytes")?,
            port: port.map(|port| port as u16),
            timeout_ms: narrow(
                self.timeout_ms,
                defaults.timeout_ms,
                1..=60_000,
                at,
                "timeoutMs",
                " ms",
            )?,
            paris_id: narrow(self.paris_id, defaults.paris_id, 0..=64, at, "parisId", "")?,
        };
        params.check(at)?;
        Ok(super::MeasurementParams::Traceroute(params))
    }
}

impl TracerouteParams {
    pub fn check(&self, at: &[&str]) -> Result<()> {
        check_range(self.first_hop.into(), 1..=255, at, "firstHop", "")?;
        check_range(self.max_hops.into(), 1..=255, at, "maxHops", "")?;
        check_range(self.packets_per_hop.into(), 1..=16, at, "packetsPerHop", "")?;
        check_range(self.size.into(), 0..=2048, at, "size", " bytes")?;
        check_range(self.timeout_ms.into(), 1..=60_000, at, "timeoutMs", " ms")?;
        check_range(self.paris_id.into(), 0..=64, at, "parisId", "")?;
        if self.first_hop > self.max_hops {
            return Err(Error::bad_input(
                &field(at, "firstHop"),
                format!(
                    "firstHop ({}) is beyond maxHops ({})",
                    self.first_hop, self.max_hops
                ),
            ));
        }
        match (self.protocol, self.port) {
            (TracerouteProtocol::Icmp, None) => Ok(()),
            (TracerouteProtocol::Udp | TracerouteProtocol::Tcp, Some(port)) => {
                check_range(port.into(), 1..=65_535, at, "port", "")
            }
            _ => Err(Error::bad_input(
                &field(at, "port"),
                "a UDP or TCP traceroute needs a port and an ICMP one has none",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::MeasurementParams;
    use crate::probes::input::tests::{AT, bad_field};

    fn trace(input: TracerouteInput) -> Result<TracerouteParams> {
        match input.parse(AT)? {
            MeasurementParams::Traceroute(params) => Ok(params),
            other => panic!("not traceroute params: {other:?}"),
        }
    }

    #[test]
    fn the_defaults_are_ripe_atlas_ones() {
        assert_eq!(
            trace(TracerouteInput::default()).unwrap(),
            TracerouteParams::default()
        );
        let udp = TracerouteInput {
            protocol: Some("UDP".into()),
            ..Default::default()
        };
        assert_eq!(trace(udp).unwrap().port, Some(33_434));
        let tcp = TracerouteInput {
            protocol: Some("TCP".into()),
            ..Default::default()
        };
        assert_eq!(trace(tcp).unwrap().port, Some(80));
    }

    #[test]
    fn each_bound_is_accepted_and_one_past_it_refused() {
        type Make = fn(i64) -> TracerouteInput;
        let cases: [(&str, Make, i64, i64); 6] = [
            (
                "maxHops",
                |v| TracerouteInput {
                    max_hops: Some(v),
                    ..Default::default()
                },
                1,
                255,
            ),
            (
                "packetsPerHop",
                |v| TracerouteInput {
                    packets_per_hop: Some(v),
                    ..Default::default()
                },
                1,
                16,
            ),
            (
                "size",
                |v| TracerouteInput {
                    size: Some(v),
                    ..Default::default()
                },
                0,
                2048,
            ),
            (
                "timeoutMs",
                |v| TracerouteInput {
                    timeout_ms: Some(v),
                    ..Default::default()
                },
                1,
                60_000,
            ),
            (
                "parisId",
                |v| TracerouteInput {
                    paris_id: Some(v),
                    ..Default::default()
                },
                0,
                64,
            ),
            (
                "port",
                |v| TracerouteInput {
                    protocol: Some("UDP".into()),
                    port: Some(v),
                    ..Default::default()
                },
                1,
                65_535,
            ),
        ];
        for (name, make, low, high) in cases {
            assert!(trace(make(low)).is_ok(), "{name} = {low}");
            assert!(trace(make(high)).is_ok(), "{name} = {high}");
            for outside in [low - 1, high + 1] {
                let (field, _) = bad_field(trace(make(outside)));
                assert_eq!(field, ["input", "params", name], "{name} = {outside}");
            }
        }
    }

    #[test]
    fn the_first_hop_is_one_to_255_and_not_beyond_max_hops() {
        let hops = |first, max| TracerouteInput {
            first_hop: Some(first),
            max_hops: Some(max),
            ..Default::default()
        };
        assert!(trace(hops(1, 1)).is_ok());
        assert!(trace(hops(255, 255)).is_ok());
        for (first, max) in [(0, 30), (256, 255), (31, 30)] {
            assert_eq!(
                bad_field(trace(hops(first, max))).0,
                ["input", "params", "firstHop"]
            );
        }
    }

    #[test]
    fn an_icmp_trace_refuses_a_port() {
        let input = TracerouteInput {
            port: Some(53),
            ..Default::default()
        };
        assert_eq!(bad_field(trace(input)).0, ["input", "params", "port"]);
    }
}

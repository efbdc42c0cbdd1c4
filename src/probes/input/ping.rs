//! PING parameters: packets 1–16 (3), size 0–2048 bytes (48), interval 200–30,000 ms
//! (1,000), over ICMP or TCP (port 1–65535, 80 by default).

use serde::{Deserialize, Serialize};

use super::{check_range, choice, field, narrow};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PingProtocol {
    /// ICMP echo requests.
    Icmp,
    /// Timed TCP connects (the handshake's round trip).
    Tcp,
}

/// A ping's parameters; each left out takes its default.
#[derive(Debug, Clone, Default, PartialEq, async_graphql::InputObject)]
#[graphql(name = "PingParamsInput")]
pub struct PingInput {
    /// 1 to 16 (3).
    pub packets: Option<i64>,
    /// Payload bytes, 0 to 2,048 (48).
    pub size: Option<i64>,
    /// 200 to 30,000 ms between packets (1,000).
    pub interval_ms: Option<i64>,
    /// `ICMP` (default) or `TCP`.
    pub protocol: Option<String>,
    /// TCP only, 1 to 65,535.
    pub port: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PingParams {
    pub packets: u32,
    /// ICMP payload bytes.
    pub size: u32,
    pub interval_ms: u32,
    pub protocol: PingProtocol,
    /// Set for TCP, absent for ICMP.
    pub port: Option<u16>,
}

impl Default for PingParams {
    fn default() -> Self {
        PingParams {
            packets: 3,
            size: 48,
            interval_ms: 1000,
            protocol: PingProtocol::Icmp,
            port: None,
        }
    }
}

impl PingInput {
    /// Fills the defaults and checks every bound; `at` is where the params sit.
    pub fn parse(self, at: &[&str]) -> Result<super::MeasurementParams> {
        let defaults = PingParams::default();
        let protocol = match self.protocol.as_deref() {
            None => defaults.protocol,
            Some(raw) => choice(
                raw,
                &[("ICMP", PingProtocol::Icmp), ("TCP", PingProtocol::Tcp)],
                at,
                "protocol",
            )?,
        };
        let port = match (protocol, self.port) {
            (PingProtocol::Icmp, Some(_)) => {
                return Err(Error::bad_input(
                    &field(at, "port"),
                    "an ICMP ping has no port; set protocol TCP to ping a port",
                ));
            }
            (PingProtocol::Icmp, None) => None,
            (PingProtocol::Tcp, port) => {
                let port = port.unwrap_or(80);
                check_range(port, 1..=65_535, at, "port", "")?;
                Some(port as u16)
            }
        };
        let params = PingParams {
            packets: narrow(self.packets, defaults.packets, 1..=16, at, "packets", "")?,
            size: narrow(self.size, defaults.size, 0..=2048, at, "size", " bytes")?,
            interval_ms: narrow(
                self.interval_ms,
                defaults.interval_ms,
                200..=30_000,
                at,
                "intervalMs",
                " ms",
            )?,
            protocol,
            port,
        };
        params.check(at)?;
        Ok(super::MeasurementParams::Ping(params))
    }
}

impl PingParams {
    pub fn check(&self, at: &[&str]) -> Result<()> {
        check_range(self.packets.into(), 1..=16, at, "packets", "")?;
        check_range(self.size.into(), 0..=2048, at, "size", " bytes")?;
        check_range(
            self.interval_ms.into(),
            200..=30_000,
            at,
            "intervalMs",
            " ms",
        )?;
        match (self.protocol, self.port) {
            (PingProtocol::Icmp, None) => Ok(()),
            (PingProtocol::Tcp, Some(port)) => check_range(port.into(), 1..=65_535, at, "port", ""),
            _ => Err(Error::bad_input(
                &field(at, "port"),
                "a TCP ping needs a port and an ICMP ping has none",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::MeasurementParams;
    use crate::probes::input::tests::{AT, bad_field};

    fn ping(input: PingInput) -> Result<PingParams> {
        match input.parse(AT)? {
            MeasurementParams::Ping(params) => Ok(params),
            other => panic!("not ping params: {other:?}"),
        }
    }

    #[test]
    fn the_defaults_are_three_48_byte_icmp_packets_a_second_apart() {
        let params = ping(PingInput::default()).unwrap();
        assert_eq!(
            (params.packets, params.size, params.interval_ms),
            (3, 48, 1000)
        );
        assert_eq!((params.protocol, params.port), (PingProtocol::Icmp, None));
    }

    #[test]
    fn each_bound_is_accepted_and_one_past_it_refused() {
        type Make = fn(i64) -> PingInput;
        let cases: [(&str, Make, i64, i64); 3] = [
            (
                "packets",
                |v| PingInput {
                    packets: Some(v),
                    ..Default::default()
                },
                1,
                16,
            ),
            (
                "size",
                |v| PingInput {
                    size: Some(v),
                    ..Default::default()
                },
                0,
                2048,
            ),
            (
                "intervalMs",
                |v| PingInput {
                    interval_ms: Some(v),
                    ..Default::default()
                },
                200,
                30_000,
            ),
        ];
        for (name, make, low, high) in cases {
            assert!(ping(make(low)).is_ok(), "{name} = {low}");
            assert!(ping(make(high)).is_ok(), "{name} = {high}");
            for outside in [low - 1, high + 1] {
                let (field, message) = bad_field(ping(make(outside)));
                assert_eq!(field, ["input", "params", name], "{name} = {outside}");
                assert!(message.contains(&format!("got {outside}")), "{message}");
            }
        }
    }

    #[test]
    fn a_tcp_ping_defaults_to_port_80_and_checks_the_port() {
        let tcp = |port| PingInput {
            protocol: Some("TCP".into()),
            port,
            ..Default::default()
        };
        assert_eq!(ping(tcp(None)).unwrap().port, Some(80));
        assert_eq!(ping(tcp(Some(65_535))).unwrap().port, Some(65_535));
        assert_eq!(bad_field(ping(tcp(Some(0)))).0, ["input", "params", "port"]);
        assert_eq!(
            bad_field(ping(tcp(Some(65_536)))).0,
            ["input", "params", "port"]
        );
    }

    #[test]
    fn an_icmp_ping_refuses_a_port_and_unknown_protocols_are_named() {
        let with_port = PingInput {
            port: Some(80),
            ..Default::default()
        };
        assert_eq!(bad_field(ping(with_port)).0, ["input", "params", "port"]);
        let udp = PingInput {
            protocol: Some("UDP".into()),
            ..Default::default()
        };
        let (field, message) = bad_field(ping(udp));
        assert_eq!(field, ["input", "params", "protocol"]);
        assert!(message.contains("ICMP, TCP"), "{message}");
    }

    #[test]
    fn params_from_the_wire_are_checked_again() {
        let params = PingParams {
            packets: 17,
            ..PingParams::default()
        };
        assert!(params.check(AT).is_err());
        let tcp_without_port = PingParams {
            protocol: PingProtocol::Tcp,
            ..PingParams::default()
        };
        assert!(tcp_without_port.check(AT).is_err());
    }
}

//! DNS parameters: record type, class IN or CHAOS, the resolver (an address and port,
//! or the probe's own), UDP or TCP, recursion desired, DNSSEC OK, retries 0–10 (1),
//! timeout 100–30,000 ms (5,000). The name asked for is the measurement's target; an
//! address target is asked for its PTR record.

use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

use super::{Target, check_range, choice, field, narrow};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[graphql(name = "DnsRecordType")]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    A,
    Aaaa,
    Cname,
    Mx,
    Ns,
    Ptr,
    Soa,
    Srv,
    Txt,
    Caa,
    Ds,
    Dnskey,
    Any,
}

const RECORD_TYPES: &[(&str, RecordType)] = &[
    ("A", RecordType::A),
    ("AAAA", RecordType::Aaaa),
    ("CNAME", RecordType::Cname),
    ("MX", RecordType::Mx),
    ("NS", RecordType::Ns),
    ("PTR", RecordType::Ptr),
    ("SOA", RecordType::Soa),
    ("SRV", RecordType::Srv),
    ("TXT", RecordType::Txt),
    ("CAA", RecordType::Caa),
    ("DS", RecordType::Ds),
    ("DNSKEY", RecordType::Dnskey),
    ("ANY", RecordType::Any),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "UPPERCASE")]
pub enum DnsClass {
    In,
    /// CHAOS, for questions about the server itself (`version.bind`).
    Chaos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "UPPERCASE")]
pub enum DnsTransport {
    Udp,
    Tcp,
}

/// A DNS query's parameters; each left out takes its default.
#[derive(Debug, Clone, Default, PartialEq, async_graphql::InputObject)]
#[graphql(name = "DnsParamsInput")]
pub struct DnsInput {
    /// `A` (default), `AAAA`, `CNAME`, `MX`, `NS`, `PTR`, `SOA`, `SRV`, `TXT`, `CAA`,
    /// `DS`, `DNSKEY` or `ANY`.
    pub record_type: Option<String>,
    /// `IN` (default) or `CHAOS`.
    pub class: Option<String>,
    /// `192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53`; absent: the probe's own.
    pub resolver: Option<String>,
    /// `UDP` (default) or `TCP`.
    pub transport: Option<String>,
    pub recursion_desired: Option<bool>,
    pub dnssec_ok: Option<bool>,
    /// 0 to 10.
    pub retries: Option<i64>,
    /// 100 to 30,000 ms.
    pub timeout_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsParams {
    pub record_type: RecordType,
    pub class: DnsClass,
    /// Absent: the first name server of the probe's own configuration.
    pub resolver: Option<SocketAddr>,
    pub transport: DnsTransport,
    pub recursion_desired: bool,
    pub dnssec_ok: bool,
    pub retries: u32,
    pub timeout_ms: u32,
}

impl Default for DnsParams {
    fn default() -> Self {
        DnsParams {
            record_type: RecordType::A,
            class: DnsClass::In,
            resolver: None,
            transport: DnsTransport::Udp,
            recursion_desired: true,
            dnssec_ok: false,
            retries: 1,
            timeout_ms: 5000,
        }
    }
}

impl DnsInput {
    /// Fills the defaults and checks every bound; `at` is where the params sit.
    pub fn parse(self, at: &[&str]) -> Result<super::MeasurementParams> {
        let defaults = DnsParams::default();
        let record_type = match self.record_type.as_deref() {
            None => defaults.record_type,
            Some(raw) => choice(raw, RECORD_TYPES, at, "recordType")?,
        };
        let class = match self.class.as_deref() {
            None => defaults.class,
            Some(raw) => choice(
                raw,
                &[("IN", DnsClass::In), ("CHAOS", DnsClass::Chaos)],
                at,
                "class",
            )?,
        };
        let transport = match self.transport.as_deref() {
            None => defaults.transport,
            Some(raw) => choice(
                raw,
                &[("UDP", DnsTransport::Udp), ("TCP", DnsTransport::Tcp)],
                at,
                "transport",
            )?,
        };
        let resolver = self
            .resolver
            .as_deref()
            .map(|raw| parse_resolver(raw, at))
            .transpose()?;
        let params = DnsParams {
            record_type,
            class,
            resolver,
            transport,
            recursion_desired: self.recursion_desired.unwrap_or(defaults.recursion_desired),
            dnssec_ok: self.dnssec_ok.unwrap_or(defaults.dnssec_ok),
            retries: narrow(self.retries, defaults.retries, 0..=10, at, "retries", "")?,
            timeout_ms: narrow(
                self.timeout_ms,
                defaults.timeout_ms,
                100..=30_000,
                at,
                "timeoutMs",
                " ms",
            )?,
        };
        params.check(at)?;
        Ok(super::MeasurementParams::Dns(params))
    }
}

fn parse_resolver(raw: &str, at: &[&str]) -> Result<SocketAddr> {
    let raw = raw.trim();
    let parsed = raw
        .parse::<SocketAddr>()
        .ok()
        .or_else(|| raw.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 53)));
    match parsed {
        Some(address) if address.port() != 0 => Ok(address),
        _ => Err(Error::bad_input(
            &field(at, "resolver"),
            format!(
                "resolver must be an IP address with an optional port, e.g. 192.0.2.53:53 or \
                 [2001:db8::53]:53 (got {raw:?})"
            ),
        )),
    }
}

impl DnsParams {
    pub fn check(&self, at: &[&str]) -> Result<()> {
        check_range(self.retries.into(), 0..=10, at, "retries", "")?;
        check_range(self.timeout_ms.into(), 100..=30_000, at, "timeoutMs", " ms")?;
        if self.resolver.is_some_and(|resolver| resolver.port() == 0) {
            return Err(Error::bad_input(
                &field(at, "resolver"),
                "the resolver's port must not be 0",
            ));
        }
        Ok(())
    }

    /// Addresses can only be asked for their PTR record.
    pub fn check_targets(&self, targets: &[Target], at: &[&str]) -> Result<()> {
        let address = targets
            .iter()
            .position(|target| matches!(target, Target::Ip(_)));
        match address {
            Some(index) if self.record_type != RecordType::Ptr => Err(Error::bad_input(
                &field(at, &index.to_string()),
                format!(
                    "{} is an address: a DNS measurement of an address asks for its PTR \
                     record (recordType PTR), or give a name",
                    targets[index]
                ),
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::MeasurementParams;
    use crate::probes::input::tests::{AT, bad_field};

    fn dns(input: DnsInput) -> Result<DnsParams> {
        match input.parse(AT)? {
            MeasurementParams::Dns(params) => Ok(params),
            other => panic!("not DNS params: {other:?}"),
        }
    }

    #[test]
    fn the_defaults_ask_the_probes_resolver_for_an_a_record_over_udp() {
        assert_eq!(dns(DnsInput::default()).unwrap(), DnsParams::default());
    }

    #[test]
    fn every_record_type_and_both_classes_are_known() {
        for (name, record_type) in RECORD_TYPES {
            let input = DnsInput {
                record_type: Some(name.to_string()),
                class: Some("CHAOS".into()),
                transport: Some("TCP".into()),
                ..Default::default()
            };
            let params = dns(input).unwrap();
            assert_eq!(params.record_type, *record_type);
            assert_eq!(
                (params.class, params.transport),
                (DnsClass::Chaos, DnsTransport::Tcp)
            );
        }
        let bad = DnsInput {
            record_type: Some("AXFR".into()),
            ..Default::default()
        };
        assert_eq!(bad_field(dns(bad)).0, ["input", "params", "recordType"]);
        let bad = DnsInput {
            class: Some("HS".into()),
            ..Default::default()
        };
        assert_eq!(bad_field(dns(bad)).0, ["input", "params", "class"]);
    }

    #[test]
    fn a_resolver_is_an_address_with_port_53_by_default() {
        let resolver = |raw: &str| {
            dns(DnsInput {
                resolver: Some(raw.into()),
                ..Default::default()
            })
        };
        assert_eq!(
            resolver("192.0.2.53").unwrap().resolver,
            Some("192.0.2.53:53".parse().unwrap())
        );
        assert_eq!(
            resolver("[2001:db8::53]:5353").unwrap().resolver,
            Some("[2001:db8::53]:5353".parse().unwrap())
        );
        for bad in ["dns.example", "192.0.2.53:0", "192.0.2.53:70000", ""] {
            assert_eq!(
                bad_field(resolver(bad)).0,
                ["input", "params", "resolver"],
                "{bad}"
            );
        }
    }

    #[test]
    fn retries_and_timeout_bounds_hold() {
        let with = |retries, timeout_ms| DnsInput {
            retries: Some(retries),
            timeout_ms: Some(timeout_ms),
            ..Default::default()
        };
        assert!(dns(with(0, 100)).is_ok());
        assert!(dns(with(10, 30_000)).is_ok());
        assert_eq!(
            bad_field(dns(with(-1, 100))).0,
            ["input", "params", "retries"]
        );
        assert_eq!(
            bad_field(dns(with(11, 100))).0,
            ["input", "params", "retries"]
        );
        assert_eq!(
            bad_field(dns(with(0, 99))).0,
            ["input", "params", "timeoutMs"]
        );
        assert_eq!(
            bad_field(dns(with(0, 30_001))).0,
            ["input", "params", "timeoutMs"]
        );
    }
}

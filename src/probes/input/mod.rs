//! What a user asks probes to measure, checked before anything is reserved or sent.
//!
//! Each kind has a raw input (every field optional, as a GraphQL input object gives it)
//! and validated parameters (every field set, defaults filled in) that travel to the
//! probe in an assignment. Bounds are RIPE Atlas' and Globalping's, which users know.
//! The same `check` runs on the server when a user asks and on the probe when an
//! assignment arrives, so one set of bounds guards both ends. Errors name the field
//! (`["input", "params", "packets"]`) and say the allowed range and what was given.

mod dns;
mod http;
mod ping;
mod schedule;
mod target;
mod traceroute;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use surrealdb::types::SurrealValue;

pub use dns::{DnsClass, DnsInput, DnsParams, DnsTransport, RecordType};
pub use http::{HttpInput, HttpMethod, HttpParams, MAX_BODY_BYTES, MAX_HEADERS};
pub use ping::{PingInput, PingParams, PingProtocol};
pub use schedule::{Schedule, ScheduleInput};
pub use target::Target;
pub use traceroute::{TracerouteInput, TracerouteParams, TracerouteProtocol};

use crate::error::{Error, Result};

/// At most this many targets in one measurement.
pub const MAX_TARGETS: usize = 100;

/// What a measurement measures.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, SurrealValue,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeasurementKind {
    Ping,
    Traceroute,
    Dns,
    Http,
}

impl MeasurementKind {
    /// The name users give and read: `PING`, `TRACEROUTE`, `DNS` or `HTTP`.
    pub fn as_str(self) -> &'static str {
        match self {
            MeasurementKind::Ping => "PING",
            MeasurementKind::Traceroute => "TRACEROUTE",
            MeasurementKind::Dns => "DNS",
            MeasurementKind::Http => "HTTP",
        }
    }
}

/// The raw parameters of one kind, as the user gave them.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamsInput {
    Ping(PingInput),
    Traceroute(TracerouteInput),
    Dns(DnsInput),
    Http(HttpInput),
}

/// Validated parameters of one kind: what a probe is told to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeasurementParams {
    Ping(PingParams),
    Traceroute(TracerouteParams),
    Dns(DnsParams),
    Http(HttpParams),
}

impl MeasurementParams {
    pub fn kind(&self) -> MeasurementKind {
        match self {
            MeasurementParams::Ping(_) => MeasurementKind::Ping,
            MeasurementParams::Traceroute(_) => MeasurementKind::Traceroute,
            MeasurementParams::Dns(_) => MeasurementKind::Dns,
            MeasurementParams::Http(_) => MeasurementKind::Http,
        }
    }

    /// Checks every bound; `at` is where the parameters sit in the input.
    pub fn check(&self, at: &[&str]) -> Result<()> {
        match self {
            MeasurementParams::Ping(params) => params.check(at),
            MeasurementParams::Traceroute(params) => params.check(at),
            MeasurementParams::Dns(params) => params.check(at),
            MeasurementParams::Http(params) => params.check(at),
        }
    }

    /// Checks that each target suits these parameters (a DNS query for an address
    /// must be a PTR query); `at` is the targets' path.
    pub fn check_targets(&self, targets: &[Target], at: &[&str]) -> Result<()> {
        if let MeasurementParams::Dns(params) = self {
            params.check_targets(targets, at)?;
        }
        Ok(())
    }
}

/// A whole measurement request as the user gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementInput {
    pub kind: MeasurementKind,
    pub targets: Vec<String>,
    pub schedule: Option<ScheduleInput>,
    /// Absent: the kind's defaults (an HTTP measurement needs its URL, so not for HTTP).
    pub params: Option<ParamsInput>,
}

/// A measurement request once every field is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementSpec {
    pub params: MeasurementParams,
    pub targets: Vec<Target>,
    pub schedule: Schedule,
}

impl MeasurementInput {
    /// Validates the whole request at `["input", …]`; `now` is when it is asked, for
    /// the schedule's bounds.
    pub fn parse(self, now: DateTime<Utc>) -> Result<MeasurementSpec> {
        let at = &["input", "params"];
        let params = match (self.kind, self.params) {
            (MeasurementKind::Ping, None) => PingInput::default().parse(at)?,
            (MeasurementKind::Traceroute, None) => TracerouteInput::default().parse(at)?,
            (MeasurementKind::Dns, None) => DnsInput::default().parse(at)?,
            (MeasurementKind::Http, None) => HttpInput::default().parse(at)?,
            (MeasurementKind::Ping, Some(ParamsInput::Ping(input))) => input.parse(at)?,
            (MeasurementKind::Traceroute, Some(ParamsInput::Traceroute(input))) => {
                input.parse(at)?
            }
            (MeasurementKind::Dns, Some(ParamsInput::Dns(input))) => input.parse(at)?,
            (MeasurementKind::Http, Some(ParamsInput::Http(input))) => input.parse(at)?,
            (kind, Some(_)) => {
                return Err(Error::bad_input(
                    at,
                    format!("these parameters are not for a {kind:?} measurement"),
                ));
            }
        };
        let targets = match (&params, self.targets.is_empty()) {
            // Without targets, an HTTP measurement asks the URL's own host.
            (MeasurementParams::Http(http), true) => vec![http.url_host()?],
            _ => Target::parse_list(&self.targets, &["input", "targets"])?,
        };
        params.check_targets(&targets, &["input", "targets"])?;
        let schedule = self
            .schedule
            .unwrap_or_default()
            .parse(now, &["input", "schedule"])?;
        Ok(MeasurementSpec {
            params,
            targets,
            schedule,
        })
    }
}

/// `at` followed by `name`: the path of one field of an input object.
pub(crate) fn field<'a>(at: &[&'a str], name: &'a str) -> Vec<&'a str> {
    at.iter().copied().chain([name]).collect()
}

/// Checks that `value` lies in `range`, naming the field, the range and the value.
pub(crate) fn check_range(
    value: i64,
    range: std::ops::RangeInclusive<i64>,
    at: &[&str],
    name: &str,
    unit: &str,
) -> Result<()> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(Error::bad_input(
        &field(at, name),
        format!(
            "{name} must be between {} and {}{unit} (got {value})",
            range.start(),
            range.end()
        ),
    ))
}

/// A value given or its default, checked against `range` and narrowed to `u32`.
pub(crate) fn narrow(
    value: Option<i64>,
    default: u32,
    range: std::ops::RangeInclusive<i64>,
    at: &[&str],
    name: &str,
    unit: &str,
) -> Result<u32> {
    let value = value.unwrap_or(default.into());
    check_range(value, range, at, name, unit)?;
    Ok(value as u32)
}

/// Picks the option named `raw` (e.g. `"TCP"`), naming the field and the choices.
pub(crate) fn choice<T: Copy>(
    raw: &str,
    options: &[(&str, T)],
    at: &[&str],
    name: &str,
) -> Result<T> {
    options
        .iter()
        .find(|(option, _)| *option == raw)
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(option, _)| *option).collect();
            Error::bad_input(
                &field(at, name),
                format!("{name} must be one of {} (got {raw:?})", names.join(", ")),
            )
        })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The field path and message of a bad-input error.
    pub fn bad_field(result: Result<impl std::fmt::Debug>) -> (Vec<String>, String) {
        match result {
            Err(Error::BadInput { field, message }) => (field, message),
            other => panic!("expected a bad-input error, got {other:?}"),
        }
    }

    pub const AT: &[&str] = &["input", "params"];

    fn input(kind: MeasurementKind, targets: &[&str]) -> MeasurementInput {
        MeasurementInput {
            kind,
            targets: targets.iter().map(|t| t.to_string()).collect(),
            schedule: None,
            params: None,
        }
    }

    #[test]
    fn a_ping_without_params_gets_the_defaults_and_runs_once() {
        let spec = input(MeasurementKind::Ping, &["192.0.2.1", "Example.COM."])
            .parse(Utc::now())
            .unwrap();
        assert_eq!(spec.params, MeasurementParams::Ping(PingParams::default()));
        assert_eq!(spec.schedule, Schedule::Once);
        let targets: Vec<String> = spec.targets.iter().map(Target::to_string).collect();
        assert_eq!(targets, ["192.0.2.1", "example.com"]);
    }

    #[test]
    fn params_of_another_kind_are_refused() {
        let mut request = input(MeasurementKind::Ping, &["a.example"]);
        request.params = Some(ParamsInput::Dns(DnsInput::default()));
        let (field, _) = bad_field(request.parse(Utc::now()));
        assert_eq!(field, ["input", "params"]);
    }

    #[test]
    fn an_http_measurement_without_targets_asks_the_urls_host() {
        let mut request = input(MeasurementKind::Http, &[]);
        request.params = Some(ParamsInput::Http(HttpInput {
            url: Some("https://example.com:8443/health".into()),
            ..HttpInput::default()
        }));
        let spec = request.parse(Utc::now()).unwrap();
        assert_eq!(spec.targets, [Target::parse("example.com").unwrap()]);
    }

    #[test]
    fn a_measurement_needs_a_target() {
        let (field, _) = bad_field(input(MeasurementKind::Ping, &[]).parse(Utc::now()));
        assert_eq!(field, ["input", "targets"]);
    }

    #[test]
    fn a_dns_query_for_an_address_must_be_a_ptr_query() {
        let (field, message) =
            bad_field(input(MeasurementKind::Dns, &["192.0.2.1"]).parse(Utc::now()));
        assert_eq!(field, ["input", "targets", "0"]);
        assert!(message.contains("PTR"), "{message}");
        let mut request = input(MeasurementKind::Dns, &["192.0.2.1"]);
        request.params = Some(ParamsInput::Dns(DnsInput {
            record_type: Some("PTR".into()),
            ..DnsInput::default()
        }));
        assert!(request.parse(Utc::now()).is_ok());
    }

    #[test]
    fn a_range_error_says_the_bounds_and_the_value() {
        let (field, message) = bad_field(check_range(17, 1..=16, AT, "packets", ""));
        assert_eq!(field, ["input", "params", "packets"]);
        assert_eq!(message, "packets must be between 1 and 16 (got 17)");
    }
}

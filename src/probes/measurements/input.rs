//! `createMeasurement`'s input as GraphQL takes it, turned into the validated request
//! ([`crate::probes::input`] checks the parameters) and the probe selection.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::probes::input::{
    DnsInput, HttpInput, MeasurementInput, MeasurementKind, MeasurementSpec, ParamsInput,
    PingInput, ScheduleInput, TracerouteInput,
};
use crate::probes::registry::{Location, parse_location, parse_tags};

/// The most probes one measurement runs on.
pub const MAX_PROBES: usize = 1000;
/// The longest description.
const MAX_DESCRIPTION: usize = 1000;
/// Half the Earth's circumference: a radius that covers everything.
const MAX_RADIUS_KM: f64 = 20_038.0;

#[derive(Debug, Clone, InputObject)]
pub struct CreateMeasurementInput {
    /// What the probes measure.
    pub kind: MeasurementKind,
    /// 1 to 100 IP addresses or hostnames; an HTTP measurement without targets asks
    /// its URL's host.
    #[graphql(default)]
    pub targets: Vec<String>,
    /// Which probes measure.
    pub probes: ProbeSelectionInput,
    /// Once, now, when left out.
    pub schedule: Option<MeasurementScheduleInput>,
    /// The parameters of the measurement's kind; the kind's defaults when left out.
    pub params: Option<MeasurementParamsInput>,
    pub description: Option<String>,
}

/// Either probes by id, or a count of probes chosen among the connected ones that
/// carry the tags and stand in the area; the least busy are chosen first.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ProbeSelectionInput {
    pub ids: Option<Vec<ID>>,
    pub count: Option<i32>,
    pub tags: Option<Vec<String>>,
    pub area: Option<AreaInput>,
}

/// A circle on Earth.
#[derive(Debug, Clone, InputObject)]
pub struct AreaInput {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

#[derive(Debug, Clone, Default, InputObject)]
pub struct MeasurementScheduleInput {
    /// Repeat every this many seconds (60 to 86,400); once when left out.
    pub every_seconds: Option<i32>,
    /// The first run; now when left out.
    pub start: Option<DateTime<Utc>>,
    /// No run starts after this; needed with `everySeconds`.
    pub stop: Option<DateTime<Utc>>,
}

/// The parameters of one kind: give the one object matching the measurement's kind.
#[derive(Debug, Clone, Default, InputObject)]
pub struct MeasurementParamsInput {
    pub ping: Option<PingInput>,
    pub traceroute: Option<TracerouteInput>,
    pub dns: Option<DnsInput>,
    pub http: Option<HttpParamsInput>,
}

#[derive(Debug, Clone, Default, InputObject)]
pub struct HttpParamsInput {
    /// An http:// or https:// URL.
    pub url: Option<String>,
    /// `GET` (default), `HEAD` or `OPTIONS`.
    pub method: Option<String>,
    /// Up to 32 request headers.
    #[graphql(default)]
    pub headers: Vec<HttpHeaderInput>,
    /// 1 to 30 s.
    pub timeout_seconds: Option<i64>,
    /// The status the answer should have.
    pub expected_status: Option<i64>,
}

#[derive(Debug, Clone, InputObject)]
pub struct HttpHeaderInput {
    pub name: String,
    pub value: String,
}

/// Which probes a measurement runs on, once valid.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeSelection {
    Ids(Vec<String>),
    Count {
        count: usize,
        tags: Vec<String>,
        area: Option<(Location, f64)>,
    },
}

impl ProbeSelection {
    /// How many probes it asks for.
    pub fn asked(&self) -> usize {
        match self {
            ProbeSelection::Ids(ids) => ids.len(),
            ProbeSelection::Count { count, .. } => *count,
        }
    }
}

/// A whole `createMeasurement` request once valid.
#[derive(Debug, Clone)]
pub struct MeasurementRequest {
    pub spec: MeasurementSpec,
    pub selection: ProbeSelection,
    pub description: Option<String>,
}

impl CreateMeasurementInput {
    /// Checks every field at `["input", …]`; `now` is when it is asked.
    pub fn parse(self, now: DateTime<Utc>) -> Result<MeasurementRequest> {
        let params = self.params.map(MeasurementParamsInput::parse).transpose()?;
        let given = params.as_ref().map(kind_field);
        let spec = MeasurementInput {
            kind: self.kind,
            targets: self.targets,
            schedule: self.schedule.map(|schedule| ScheduleInput {
                every_seconds: schedule.every_seconds.map(i64::from),
                start: schedule.start,
                stop: schedule.stop,
            }),
            params,
        }
        .parse(now)
        .map_err(|error| under_kind(error, given))?;
        let selection = self.probes.parse(&["input", "probes"])?;
        let description = self.description.map(|text| text.trim().to_string());
        if description
            .as_ref()
            .is_some_and(|text| text.len() > MAX_DESCRIPTION)
        {
            return Err(Error::bad_input(
                &["input", "description"],
                format!("a description is at most {MAX_DESCRIPTION} bytes"),
            ));
        }
        Ok(MeasurementRequest {
            spec,
            selection,
            description: description.filter(|text| !text.is_empty()),
        })
    }
}

/// The field of [`MeasurementParamsInput`] that holds these parameters.
fn kind_field(params: &ParamsInput) -> &'static str {
    match params {
        ParamsInput::Ping(_) => "ping",
        ParamsInput::Traceroute(_) => "traceroute",
        ParamsInput::Dns(_) => "dns",
        ParamsInput::Http(_) => "http",
    }
}

/// Moves an error about one parameter (`input.params.packets`) to where it sits in this
/// input (`input.params.ping.packets`).
fn under_kind(error: Error, kind: Option<&'static str>) -> Error {
    match (error, kind) {
        (Error::BadInput { mut field, message }, Some(kind))
            if field.len() > 2 && field[..2] == ["input", "params"] =>
        {
            field.insert(2, kind.to_string());
            Error::BadInput { field, message }
        }
        (error, _) => error,
    }
}

impl MeasurementParamsInput {
    fn parse(self) -> Result<ParamsInput> {
        let mut given = Vec::new();
        given.extend(self.ping.map(ParamsInput::Ping));
        given.extend(self.traceroute.map(ParamsInput::Traceroute));
        given.extend(self.dns.map(ParamsInput::Dns));
        if let Some(http) = self.http {
            given.push(ParamsInput::Http(HttpInput {
                url: http.url,
                method: http.method,
                headers: http
                    .headers
                    .into_iter()
                    .map(|header| (header.name, header.value))
                    .collect(),
                timeout_seconds: http.timeout_seconds,
                expected_status: http.expected_status,
            }));
        }
        match given.len() {
            1 => Ok(given.remove(0)),
            n => Err(Error::bad_input(
                &["input", "params"],
                format!("give the parameters of exactly one kind (got {n})"),
            )),
        }
    }
}

impl ProbeSelectionInput {
    fn parse(self, at: &[&str]) -> Result<ProbeSelection> {
        let path = |name: &'static str| -> Vec<&str> { at.iter().copied().chain([name]).collect() };
        match (self.ids, self.count) {
            (Some(ids), None) => {
                if self.tags.is_some() || self.area.is_some() {
                    return Err(Error::bad_input(
                        &path("ids"),
                        "probes chosen by id take no tags or area: give a count instead",
                    ));
                }
                if ids.is_empty() || ids.len() > MAX_PROBES {
                    return Err(Error::bad_input(
                        &path("ids"),
                        format!("give 1 to {MAX_PROBES} probe ids (got {})", ids.len()),
                    ));
                }
                let mut unique: Vec<String> = Vec::with_capacity(ids.len());
                for id in ids {
                    if !unique.contains(&id.0) {
                        unique.push(id.0);
                    }
                }
                Ok(ProbeSelection::Ids(unique))
            }
            (None, Some(count)) => {
                if !(1..=MAX_PROBES as i32).contains(&count) {
                    return Err(Error::bad_input(
                        &path("count"),
                        format!("count must be between 1 and {MAX_PROBES} (got {count})"),
                    ));
                }
                let tags = parse_tags(self.tags.as_deref().unwrap_or_default(), &path("tags"))?;
                let area = self
                    .area
                    .map(|area| parse_area(area, &path("area")))
                    .transpose()?;
                Ok(ProbeSelection::Count {
                    count: count as usize,
                    tags,
                    area,
                })
            }
            _ => Err(Error::bad_input(
                at,
                "give either ids or a count of probes (with tags and/or an area)",
            )),
        }
    }
}

fn parse_area(area: AreaInput, at: &[&str]) -> Result<(Location, f64)> {
    let center = parse_location(
        Location {
            latitude: area.latitude,
            longitude: area.longitude,
        },
        at,
    )?;
    if !(area.radius_km > 0.0 && area.radius_km <= MAX_RADIUS_KM) {
        let path: Vec<&str> = at.iter().copied().chain(["radiusKm"]).collect();
        return Err(Error::bad_input(
            &path,
            format!(
                "radiusKm must be more than 0 and at most {MAX_RADIUS_KM} (got {})",
                area.radius_km
            ),
        ));
    }
    Ok((center, area.radius_km))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(probes: ProbeSelectionInput) -> CreateMeasurementInput {
        CreateMeasurementInput {
            kind: MeasurementKind::Ping,
            targets: vec!["127.0.0.1".into()],
            probes,
            schedule: None,
            params: None,
            description: None,
        }
    }

    fn field_of(result: Result<MeasurementRequest>) -> Vec<String> {
        match result {
            Err(Error::BadInput { field, .. }) => field,
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    #[test]
    fn a_count_with_tags_and_an_area_is_a_selection() {
        let request = input(ProbeSelectionInput {
            count: Some(3),
            tags: Some(vec!["EU".into()]),
            area: Some(AreaInput {
                latitude: 50.0,
                longitude: 8.0,
                radius_km: 500.0,
            }),
            ..Default::default()
        })
        .parse(Utc::now())
        .unwrap();
        let ProbeSelection::Count { count, tags, area } = request.selection else {
            panic!("a count");
        };
        assert_eq!((count, tags), (3, vec!["eu".to_string()]));
        assert_eq!(area.map(|(_, radius)| radius), Some(500.0));
    }

    #[test]
    fn ids_and_a_count_together_are_refused() {
        let both = input(ProbeSelectionInput {
            ids: Some(vec![ID("a".into())]),
            count: Some(1),
            ..Default::default()
        });
        assert_eq!(field_of(both.parse(Utc::now())), ["input", "probes"]);
    }

    #[test]
    fn a_count_over_the_limit_and_a_zero_radius_are_refused_at_their_fields() {
        let many = input(ProbeSelectionInput {
            count: Some(1001),
            ..Default::default()
        });
        assert_eq!(
            field_of(many.parse(Utc::now())),
            ["input", "probes", "count"]
        );
        let nowhere = input(ProbeSelectionInput {
            count: Some(1),
            area: Some(AreaInput {
                latitude: 0.0,
                longitude: 0.0,
                radius_km: 0.0,
            }),
            ..Default::default()
        });
        assert_eq!(
            field_of(nowhere.parse(Utc::now())),
            ["input", "probes", "area", "radiusKm"]
        );
    }

    #[test]
    fn a_parameter_out_of_bounds_is_refused_at_its_place_under_its_kind() {
        let mut request = input(ProbeSelectionInput {
            count: Some(1),
            ..Default::default()
        });
        request.params = Some(MeasurementParamsInput {
            ping: Some(PingInput {
                packets: Some(17),
                ..Default::default()
            }),
            ..Default::default()
        });
        assert_eq!(
            field_of(request.parse(Utc::now())),
            ["input", "params", "ping", "packets"]
        );
    }

    #[test]
    fn params_of_two_kinds_are_refused() {
        let mut request = input(ProbeSelectionInput {
            count: Some(1),
            ..Default::default()
        });
        request.params = Some(MeasurementParamsInput {
            ping: Some(PingInput::default()),
            dns: Some(DnsInput::default()),
            ..Default::default()
        });
        assert_eq!(field_of(request.parse(Utc::now())), ["input", "params"]);
    }
}

//! A stored result: one probe's measurement of one target in one run, typed per kind,
//! with the payload as the probe sent it.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Duration, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::store::record_id;
use crate::probes::input::MeasurementKind;
use crate::probes::protocol::{MeasurementResult, ResultMessage};

/// A result as stored; its id is its measurement and its key (assignment, run,
/// target), so a result sent twice is stored once.
#[derive(Debug, Clone, SurrealValue)]
pub struct ResultRow {
    pub id: RecordId,
    pub key: String,
    pub measurement_id: String,
    pub assignment_id: String,
    pub probe_id: String,
    pub target: String,
    pub run: i64,
    pub kind: MeasurementKind,
    pub probe_time: DateTime<Utc>,
    pub offset_micros: i64,
    pub measured_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    /// The measurement as JSON text. Nothing queries inside it, so the store writes one
    /// string instead of an object of a dozen fields (a fifth of an insert's time).
    pub payload: Option<String>,
    /// The measurement as an object, in rows stored before `payload`.
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    /// The headline time, for summaries: a ping's average, the last hop's, the DNS
    /// answer's, the HTTP total.
    pub rtt_ms: Option<f64>,
}

impl ResultRow {
    pub fn of(probe_id: &str, kind: MeasurementKind, message: &ResultMessage) -> ResultRow {
        let target = message.key.target.to_string();
        let run = message.key.run as i64;
        let payload = message
            .result
            .as_ref()
            .and_then(|result| serde_json::to_string(result).ok());
        ResultRow {
            id: record_id(
                &message.measurement_id,
                &message.key.assignment_id,
                run,
                &target,
            ),
            key: message.key.to_string(),
            measurement_id: message.measurement_id.clone(),
            assignment_id: message.key.assignment_id.clone(),
            probe_id: probe_id.to_string(),
            target,
            run,
            kind,
            probe_time: message.probe_time,
            offset_micros: message.offset_micros,
            measured_at: message.probe_time + Duration::microseconds(message.offset_micros),
            received_at: Utc::now(),
            payload,
            result: None,
            error: message.error.clone(),
            rtt_ms: message.result.as_ref().and_then(headline_ms),
        }
    }

    /// The measurement as the probe sent it, whichever way the row holds it.
    pub fn payload(&self) -> Option<serde_json::Value> {
        match &self.payload {
            Some(text) => serde_json::from_str(text).ok(),
            None => self.result.clone(),
        }
    }

    /// The result as a stored row reads.
    pub fn to_result(&self) -> ProbeResult {
        let (typed, raw) = match (&self.payload, &self.result) {
            (Some(text), _) => (serde_json::from_str(text).ok(), Some(text.clone())),
            (None, Some(object)) => (
                serde_json::from_value(object.clone()).ok(),
                Some(object.to_string()),
            ),
            (None, None) => (None, None),
        };
        self.shown(typed, raw)
    }

    /// The result as it is published once stored, from the measurement the probe's
    /// message carried: nothing is parsed back from the payload.
    pub fn published(&self, measured: Option<MeasurementResult>) -> ProbeResult {
        self.shown(measured, self.payload.clone())
    }

    fn shown(&self, typed: Option<MeasurementResult>, raw: Option<String>) -> ProbeResult {
        let (mut ping, mut traceroute, mut dns, mut http) = (None, None, None, None);
        match typed {
            Some(MeasurementResult::Ping(result)) => ping = Some(result),
            Some(MeasurementResult::Traceroute(result)) => traceroute = Some(result),
            Some(MeasurementResult::Dns(result)) => dns = Some(result),
            Some(MeasurementResult::Http(result)) => http = Some(result),
            None => {}
        }
        ProbeResult {
            id: ID(self.key.clone()),
            measurement_id: ID(self.measurement_id.clone()),
            probe_id: ID(self.probe_id.clone()),
            target: self.target.clone(),
            run: self.run,
            kind: self.kind,
            measured_at: self.measured_at,
            probe_time: self.probe_time,
            clock_offset_ms: self.offset_micros as f64 / 1000.0,
            received_at: self.received_at,
            error: self.error.clone(),
            rtt_ms: self.rtt_ms,
            ping,
            traceroute,
            dns,
            http,
            raw_text: raw,
        }
    }
}

/// The time a result is summarised by.
fn headline_ms(result: &MeasurementResult) -> Option<f64> {
    match result {
        MeasurementResult::Ping(ping) => ping.avg_ms,
        MeasurementResult::Traceroute(trace) => trace
            .hops
            .last()
            .and_then(|hop| hop.replies.iter().find_map(|reply| reply.rtt_ms)),
        MeasurementResult::Dns(dns) => Some(dns.time_ms),
        MeasurementResult::Http(http) => Some(http.timings.total_ms),
    }
}

/// One probe's measurement of one target in one run.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct ProbeResult {
    /// Its key, `assignmentId/run/target`: a result sent again has the same one.
    pub id: ID,
    pub measurement_id: ID,
    pub probe_id: ID,
    pub target: String,
    /// The run of the schedule (from 0).
    pub run: i64,
    pub kind: MeasurementKind,
    /// When it was measured, on the server's clock (the probe's time plus its offset).
    pub measured_at: DateTime<Utc>,
    /// When it was measured, on the probe's clock.
    pub probe_time: DateTime<Utc>,
    /// The probe's clock offset then (server minus probe), in ms.
    pub clock_offset_ms: f64,
    pub received_at: DateTime<Utc>,
    /// Why nothing was measured (the name did not resolve, the port was closed…).
    pub error: Option<String>,
    /// The headline time in ms: a ping's average RTT, the last hop's RTT, the DNS
    /// answer's time, the HTTP total.
    pub rtt_ms: Option<f64>,
    pub ping: Option<crate::probes::protocol::PingResult>,
    pub traceroute: Option<crate::probes::protocol::TracerouteResult>,
    pub dns: Option<crate::probes::protocol::DnsResult>,
    pub http: Option<crate::probes::protocol::HttpResult>,
    /// The result as the probe sent it, as JSON text (`raw` parses it when asked).
    #[graphql(skip)]
    pub raw_text: Option<String>,
}

/// Which results a page shows; every condition given must hold.
#[derive(Debug, Clone, Default, async_graphql::InputObject)]
pub struct ResultFilter {
    pub probe_id: Option<ID>,
    pub target: Option<String>,
    /// Measured at or after this time (server clock).
    pub since: Option<DateTime<Utc>>,
    /// Measured before this time.
    pub until: Option<DateTime<Utc>>,
}

/// A group's figures as the store sums them.
#[derive(Debug, Clone, SurrealValue)]
pub struct SummaryRow {
    pub group: String,
    pub results: i64,
    pub errors: i64,
    pub min_rtt_ms: Option<f64>,
    pub avg_rtt_ms: Option<f64>,
    pub max_rtt_ms: Option<f64>,
    pub last_measured_at: Option<DateTime<Utc>>,
}

/// What one probe (`probeId`), or one target (`target`), delivered.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct ResultSummary {
    pub probe_id: Option<ID>,
    pub target: Option<String>,
    pub results: i64,
    /// Results that carry an error instead of a measurement.
    pub errors: i64,
    /// Over the headline times (`ProbeResult.rttMs`).
    pub min_rtt_ms: Option<f64>,
    pub avg_rtt_ms: Option<f64>,
    pub max_rtt_ms: Option<f64>,
    pub last_measured_at: Option<DateTime<Utc>>,
}

impl SummaryRow {
    pub fn to_summary(&self, by_probe: bool) -> ResultSummary {
        ResultSummary {
            probe_id: by_probe.then(|| ID(self.group.clone())),
            target: (!by_probe).then(|| self.group.clone()),
            results: self.results,
            errors: self.errors,
            min_rtt_ms: self.min_rtt_ms,
            avg_rtt_ms: self.avg_rtt_ms,
            max_rtt_ms: self.max_rtt_ms,
            last_measured_at: self.last_measured_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::Target;
    use crate::probes::protocol::ResultKey;
    use crate::probes::results::ResultFilter;
    use crate::probes::results::store::page;
    use crate::store::Store;

    #[tokio::test]
    async fn a_result_stored_as_an_object_before_payloads_were_text_reads_the_same() {
        let result = serde_json::json!({ "kind": "PING", "protocol": "ICMP",
            "address": "192.0.2.1", "port": null, "packets": [{ "seq": 0, "rttMs": 1.5 }],
            "sent": 1, "received": 1, "lossPercent": 0.0, "minMs": 1.5, "avgMs": 1.5, "maxMs": 1.5 });
        let message = ResultMessage {
            key: ResultKey {
                assignment_id: "a1".into(),
                run: 0,
                target: Target::parse("192.0.2.1").unwrap(),
            },
            measurement_id: "m1".into(),
            probe_time: Utc::now(),
            offset_micros: 0,
            result: Some(serde_json::from_value(result.clone()).unwrap()),
            error: None,
        };
        let text = ResultRow::of("p1", MeasurementKind::Ping, &message);
        let mut object = text.clone();
        object.id = record_id("m1", "a1", 1, "192.0.2.1");
        object.key = "a1/1/192.0.2.1".into();
        object.run = 1;
        object.payload = None;
        object.result = Some(result.clone());
        let store = Store::in_memory().await;
        store
            .db()
            .query("INSERT INTO probe_result $rows RETURN NONE")
            .bind(("rows", vec![text, object]))
            .await
            .unwrap()
            .check()
            .unwrap();

        let rows = page(&store, "m1", &ResultFilter::default(), None, 10)
            .await
            .unwrap();
        let read: Vec<(Option<serde_json::Value>, Option<f64>)> = rows
            .iter()
            .map(|row| {
                let shown = row.to_result();
                (
                    shown
                        .raw_text
                        .and_then(|raw| serde_json::from_str(&raw).ok()),
                    shown.ping.and_then(|ping| ping.avg_ms),
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![(Some(result.clone()), Some(1.5)), (Some(result), Some(1.5))]
        );
    }
}

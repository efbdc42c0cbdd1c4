//! What a measurement costs, in credits: a price per result by kind (modelled on RIPE
//! Atlas' per-result costs: more packets, bigger packets and TCP cost more), times the
//! results it asks for (probes × targets × runs).

use async_graphql::SimpleObject;

use crate::probes::input::{DnsTransport, MeasurementParams, MeasurementSpec};

/// Packets bigger than this cost double, as on RIPE Atlas.
const BIG_PACKET: u32 = 1500;

/// The price of one result.
pub fn per_result(params: &MeasurementParams) -> i64 {
    let big = |size: u32| if size > BIG_PACKET { 2 } else { 1 };
    match params {
        MeasurementParams::Ping(ping) => i64::from(ping.packets) * big(ping.size),
        MeasurementParams::Traceroute(trace) => {
            10 * i64::from(trace.packets_per_hop.div_ceil(3)) * big(trace.size)
        }
        MeasurementParams::Dns(dns) => match dns.transport {
            DnsTransport::Udp => 10,
            DnsTransport::Tcp => 20,
        },
        MeasurementParams::Http(_) => 20,
    }
}

/// What a measurement would cost, before it is created, on the probes it would run on.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct MeasurementQuote {
    /// Probes asked for: the ids given, or the count.
    pub probes_asked: i64,
    /// Probes that would measure if it were created now: every id given, or the
    /// eligible probes up to the count (fewer than asked when fewer match; it runs on
    /// those and reserves for those only).
    pub probes: i64,
    pub cost_per_result: i64,
    /// Results it asks for: probes × targets × runs.
    pub results: i64,
    /// What creating it reserves.
    pub total: i64,
    /// The caller's balance now.
    pub balance: i64,
    /// Whether the balance covers it.
    pub enough: bool,
}

impl MeasurementQuote {
    pub fn of(
        spec: &MeasurementSpec,
        probes_asked: usize,
        probes: usize,
        balance: i64,
    ) -> MeasurementQuote {
        let cost_per_result = per_result(&spec.params);
        let results = (probes as i64)
            .saturating_mul(spec.targets.len() as i64)
            .saturating_mul(spec.schedule.runs() as i64);
        let total = results.saturating_mul(cost_per_result);
        MeasurementQuote {
            probes_asked: probes_asked as i64,
            probes: probes as i64,
            cost_per_result,
            results,
            total,
            balance,
            enough: balance >= total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::{PingParams, Schedule, Target, TracerouteParams};

    #[test]
    fn a_quote_is_the_price_of_a_result_times_probes_targets_and_runs() {
        let spec = MeasurementSpec {
            params: MeasurementParams::Ping(PingParams::default()),
            targets: vec![
                Target::parse("192.0.2.1").unwrap(),
                Target::parse("a.example").unwrap(),
            ],
            schedule: Schedule::Once,
        };
        let quote = MeasurementQuote::of(&spec, 8, 5, 20);
        assert_eq!(
            (quote.cost_per_result, quote.results, quote.total),
            (3, 10, 30)
        );
        assert!(!quote.enough);
    }

    #[test]
    fn big_packets_cost_double() {
        let trace = TracerouteParams {
            size: 2000,
            ..TracerouteParams::default()
        };
        assert_eq!(per_result(&MeasurementParams::Traceroute(trace)), 20);
    }
}

//! The probe's clock offset to the server, from NTP's four timestamps: the probe's
//! send (t1), the server's receive (t2) and send (t3), the probe's receive (t4).

use chrono::{DateTime, Utc};

/// One exchange's estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Server minus probe, in µs: add it to the probe's clock to read the server's.
    pub offset_micros: i64,
    /// The round trip minus the server's own time, in µs.
    pub delay_micros: i64,
}

impl Sample {
    pub fn new(
        probe_sent: DateTime<Utc>,
        server_received: DateTime<Utc>,
        server_sent: DateTime<Utc>,
        probe_received: DateTime<Utc>,
    ) -> Sample {
        let micros = |later: DateTime<Utc>, earlier: DateTime<Utc>| {
            (later - earlier).num_microseconds().unwrap_or(i64::MAX / 4)
        };
        Sample {
            offset_micros: (micros(server_received, probe_sent)
                + micros(server_sent, probe_received))
                / 2,
            delay_micros: micros(probe_received, probe_sent) - micros(server_sent, server_received),
        }
    }

    /// The sample with the shortest round trip: the least skewed by queueing.
    pub fn best(samples: &[Sample]) -> Option<Sample> {
        samples
            .iter()
            .copied()
            .min_by_key(|sample| sample.delay_micros)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_server_ahead_by_five_seconds_shows_as_a_positive_offset() {
        let t1 = Utc::now();
        // 10 ms each way, 1 ms at the server, whose clock is 5 s ahead.
        let ahead = Duration::seconds(5);
        let t2 = t1 + Duration::milliseconds(10) + ahead;
        let t3 = t2 + Duration::milliseconds(1);
        let t4 = t1 + Duration::milliseconds(21);
        let sample = Sample::new(t1, t2, t3, t4);
        assert_eq!(sample.offset_micros, 5_000_000);
        assert_eq!(sample.delay_micros, 20_000);
    }

    #[test]
    fn the_quickest_exchange_is_trusted_most() {
        let slow = Sample {
            offset_micros: 900,
            delay_micros: 5000,
        };
        let quick = Sample {
            offset_micros: 100,
            delay_micros: 200,
        };
        assert_eq!(Sample::best(&[slow, quick]), Some(quick));
        assert_eq!(Sample::best(&[]), None);
    }
}

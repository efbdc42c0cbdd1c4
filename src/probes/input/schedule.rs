//! When a measurement runs: once, or every N seconds from a start until a stop.
//!
//! Runs are numbered from 0. Run `k` of a repeated schedule is due at
//! `start + k × interval` on the server's clock; the probe converts that with its
//! measured clock offset, and a run it could not start within its own slot (the probe
//! was offline) is skipped rather than run late, so a result's run says when it was
//! meant to be measured.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{check_range, field};
use crate::error::{Error, Result};

/// The shortest interval between runs.
pub const MIN_INTERVAL_SECONDS: i64 = 60;
/// The longest interval between runs: a day.
pub const MAX_INTERVAL_SECONDS: i64 = 86_400;
/// A repeated measurement lasts at most a year.
pub const MAX_DURATION_DAYS: i64 = 366;

/// The schedule as the user gave it; all absent means once, now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScheduleInput {
    pub every_seconds: Option<i64>,
    /// Defaults to now.
    pub start: Option<DateTime<Utc>>,
    pub stop: Option<DateTime<Utc>>,
}

/// A validated schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Schedule {
    /// One run, as soon as the probe has the assignment.
    Once,
    /// Runs at `start`, `start + interval`, … while before `stop`.
    #[serde(rename_all = "camelCase")]
    Every {
        interval_seconds: u32,
        start: DateTime<Utc>,
        stop: DateTime<Utc>,
    },
}

impl ScheduleInput {
    /// Validates the schedule at `at`; `now` is when the measurement is asked for.
    pub fn parse(self, now: DateTime<Utc>, at: &[&str]) -> Result<Schedule> {
        let Some(every) = self.every_seconds else {
            if self.start.is_some() || self.stop.is_some() {
                return Err(Error::bad_input(
                    &field(at, "everySeconds"),
                    "a start or stop time needs everySeconds; a one-off measurement runs now",
                ));
            }
            return Ok(Schedule::Once);
        };
        let start = self.start.unwrap_or(now);
        let Some(stop) = self.stop else {
            return Err(Error::bad_input(
                &field(at, "stop"),
                "a repeated measurement needs a stop time",
            ));
        };
        let schedule = Schedule::Every {
            interval_seconds: u32::try_from(every).unwrap_or(u32::MAX),
            start,
            stop,
        };
        check_range(
            every,
            MIN_INTERVAL_SECONDS..=MAX_INTERVAL_SECONDS,
            at,
            "everySeconds",
            " seconds",
        )?;
        // A minute of grace: a start computed by a client a moment ago is not refused.
        if start < now - Duration::minutes(1) {
            return Err(Error::bad_input(
                &field(at, "start"),
                "the start time is in the past",
            ));
        }
        schedule.check(at)?;
        Ok(schedule)
    }
}

impl Schedule {
    /// Checks the bounds that hold whenever the schedule was made.
    pub fn check(&self, at: &[&str]) -> Result<()> {
        let Schedule::Every {
            interval_seconds,
            start,
            stop,
        } = *self
        else {
            return Ok(());
        };
        check_range(
            interval_seconds.into(),
            MIN_INTERVAL_SECONDS..=MAX_INTERVAL_SECONDS,
            at,
            "everySeconds",
            " seconds",
        )?;
        if stop <= start {
            return Err(Error::bad_input(
                &field(at, "stop"),
                format!("the stop time {stop} is not after the start time {start}"),
            ));
        }
        if stop - start > Duration::days(MAX_DURATION_DAYS) {
            return Err(Error::bad_input(
                &field(at, "stop"),
                format!("a repeated measurement lasts at most {MAX_DURATION_DAYS} days"),
            ));
        }
        Ok(())
    }

    /// How many runs the schedule makes.
    pub fn runs(&self) -> u64 {
        match *self {
            Schedule::Once => 1,
            Schedule::Every {
                interval_seconds,
                start,
                stop,
            } => {
                let span = (stop - start).num_seconds().max(0) as u64;
                span.div_ceil(u64::from(interval_seconds).max(1))
            }
        }
    }

    /// When run `run` is due on the server's clock, and until when it may still start;
    /// `None` when the schedule has no such run. A one-off run is due at once.
    pub fn slot(&self, run: u64) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if run >= self.runs() {
            return None;
        }
        match *self {
            Schedule::Once => Some((DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)),
            Schedule::Every {
                interval_seconds,
                start,
                stop,
            } => {
                let interval = i64::from(interval_seconds);
                let due = start + Duration::seconds(interval * run as i64);
                Some((due, (due + Duration::seconds(interval)).min(stop)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::tests::bad_field;

    const AT: &[&str] = &["input", "schedule"];

    fn every(seconds: i64, start_in: i64, stop_in: i64) -> ScheduleInput {
        let now = now();
        ScheduleInput {
            every_seconds: Some(seconds),
            start: Some(now + Duration::seconds(start_in)),
            stop: Some(now + Duration::seconds(stop_in)),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn no_schedule_means_once() {
        let once = ScheduleInput::default().parse(now(), AT).unwrap();
        assert_eq!(once, Schedule::Once);
        assert_eq!(once.runs(), 1);
        assert!(once.slot(0).is_some() && once.slot(1).is_none());
    }

    #[test]
    fn every_sixty_seconds_for_an_hour_is_sixty_runs() {
        let schedule = every(60, 0, 3600).parse(now(), AT).unwrap();
        assert_eq!(schedule.runs(), 60);
        let (due, until) = schedule.slot(59).unwrap();
        assert_eq!(due, now() + Duration::seconds(59 * 60));
        assert_eq!(until, now() + Duration::seconds(3600));
        assert!(schedule.slot(60).is_none());
    }

    #[test]
    fn a_start_defaults_to_now() {
        let input = ScheduleInput {
            start: None,
            ..every(60, 0, 90)
        };
        let schedule = input.parse(now(), AT).unwrap();
        assert!(matches!(schedule, Schedule::Every { start, .. } if start == now()));
        assert_eq!(schedule.runs(), 2);
    }

    #[test]
    fn the_interval_is_a_minute_to_a_day() {
        assert!(every(60, 0, 600).parse(now(), AT).is_ok());
        assert!(every(86_400, 0, 200_000).parse(now(), AT).is_ok());
        let (field, message) = bad_field(every(59, 0, 600).parse(now(), AT));
        assert_eq!(field, ["input", "schedule", "everySeconds"]);
        assert!(
            message.contains("between 60 and 86400 seconds"),
            "{message}"
        );
        assert!(every(86_401, 0, 200_000).parse(now(), AT).is_err());
    }

    #[test]
    fn a_stop_before_the_start_is_refused() {
        let (field, _) = bad_field(every(60, 600, 300).parse(now(), AT));
        assert_eq!(field, ["input", "schedule", "stop"]);
        let (field, _) = bad_field(every(60, 600, 600).parse(now(), AT));
        assert_eq!(field, ["input", "schedule", "stop"]);
    }

    #[test]
    fn a_repeated_measurement_needs_a_stop_and_lasts_at_most_a_year() {
        let input = ScheduleInput {
            stop: None,
            ..every(60, 0, 0)
        };
        assert_eq!(
            bad_field(input.parse(now(), AT)).0,
            ["input", "schedule", "stop"]
        );
        let year = 366 * 86_400;
        assert!(every(3600, 0, year).parse(now(), AT).is_ok());
        assert!(every(3600, 0, year + 1).parse(now(), AT).is_err());
    }

    #[test]
    fn a_start_in_the_past_is_refused() {
        let (field, _) = bad_field(every(60, -120, 600).parse(now(), AT));
        assert_eq!(field, ["input", "schedule", "start"]);
    }

    #[test]
    fn start_or_stop_without_an_interval_is_refused() {
        let input = ScheduleInput {
            every_seconds: None,
            ..every(60, 0, 600)
        };
        assert_eq!(
            bad_field(input.parse(now(), AT)).0,
            ["input", "schedule", "everySeconds"]
        );
    }
}

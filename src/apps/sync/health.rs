//! Whether the cluster sync's watches work, for `health`: the API server may answer a
//! health probe (a list) and still refuse or drop the watch the sync lives on, and then
//! nothing done behind monitor's back reaches it.
//!
//! A failing watch is retried by kube-rs's watcher, at most [`LONGEST_PAUSE`] apart; a
//! retry that succeeds says nothing (events come only when something changes). So a
//! watch counts as working again at its next event, or once no failure came for longer
//! than the watcher would wait between two retries.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

/// The longest pause of kube-rs's default watcher backoff (30 s, with jitter), with room
/// for the retry's own request.
pub const LONGEST_PAUSE: TimeDelta = TimeDelta::seconds(45);

/// Why one watched scope's watch does not work, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Trouble {
    since: DateTime<Utc>,
    last: DateTime<Utc>,
    error: String,
}

/// The state of every watched scope's watch, shared by the sync loops and `health`.
#[derive(Clone, Debug, Default)]
pub struct SyncHealth {
    troubles: Arc<Mutex<BTreeMap<String, Trouble>>>,
}

impl SyncHealth {
    /// The watch of `scope` (`namespace ml`, `every namespace`) failed with `error`; it keeps the time of the first failure
    /// until the watch works again.
    pub fn failing(&self, scope: &str, error: String) {
        self.failing_at(scope, error, Utc::now());
    }

    fn failing_at(&self, scope: &str, error: String, now: DateTime<Utc>) {
        let mut troubles = self.troubles.lock().unwrap_or_else(PoisonError::into_inner);
        let since = match troubles.get(scope) {
            Some(trouble) if now - trouble.last <= LONGEST_PAUSE => trouble.since,
            _ => now,
        };
        let trouble = Trouble {
            since,
            last: now,
            error,
        };
        troubles.insert(scope.to_string(), trouble);
    }

    /// The watch of `scope` delivers events again.
    pub fn working(&self, scope: &str) {
        self.troubles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(scope);
    }

    /// What is wrong with the watches, one sentence per failing scope; `None` when
    /// every watch works.
    pub fn trouble(&self) -> Option<String> {
        self.trouble_at(Utc::now())
    }

    fn trouble_at(&self, now: DateTime<Utc>) -> Option<String> {
        let troubles = self.troubles.lock().unwrap_or_else(PoisonError::into_inner);
        let sentences: Vec<String> = troubles
            .iter()
            .filter(|(_, trouble)| now - trouble.last <= LONGEST_PAUSE)
            .map(|(scope, trouble)| {
                format!(
                    "the watch of graph resources in {scope} fails since {}: {}",
                    trouble.since.to_rfc3339_opts(SecondsFormat::Secs, true),
                    trouble.error
                )
            })
            .collect();
        (!sentences.is_empty()).then(|| sentences.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_watch_is_told_with_its_first_failure_until_it_works() {
        let health = SyncHealth::default();
        health.failing("namespace ml", "403 Forbidden".into());
        let first = health.trouble().expect("a trouble");
        health.failing("namespace ml", "connection refused".into());
        let second = health.trouble().expect("still a trouble");

        assert!(
            first.contains("in namespace ml") && first.contains("403 Forbidden"),
            "{first}"
        );
        assert!(second.contains("connection refused"), "{second}");
        assert_eq!(
            first.split(": ").next(),
            second.split(": ").next(),
            "the same since"
        );
        health.working("namespace ml");
        assert_eq!(health.trouble(), None);
    }

    #[test]
    fn a_watch_with_no_failure_for_longer_than_the_longest_pause_works_again() {
        let health = SyncHealth::default();
        let start = Utc::now();
        health.failing_at("every namespace", "403 Forbidden".into(), start);
        let later = start + LONGEST_PAUSE;
        health.failing_at("every namespace", "403 Forbidden".into(), later);

        assert!(health.trouble_at(later + LONGEST_PAUSE).is_some());
        assert_eq!(
            health.trouble_at(later + LONGEST_PAUSE + TimeDelta::seconds(1)),
            None
        );
        let again = later + LONGEST_PAUSE * 3;
        health.failing_at("every namespace", "dropped".into(), again);
        let told = health.trouble_at(again).expect("failing again");
        assert!(
            told.contains(&again.to_rfc3339_opts(SecondsFormat::Secs, true)),
            "a new failure after a working spell starts a new since: {told}"
        );
    }
}

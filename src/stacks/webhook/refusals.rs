//! Refused push deliveries (a missing or wrong signature, an unknown stack), counted per
//! stack id over a minute: the first refusal of a minute is audited at once and the
//! rest are audited as one summary when the minute ends, so a flood of forgeries costs
//! two audit events a minute, not one each; past [`BUDGET`] in a minute, refusals are
//! answered 429. Unknown stack ids are counted and limited the same way, so the answers
//! never tell which ids exist.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a count runs.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Refusals answered as such in a window; the ones after get 429.
pub const BUDGET: u64 = 20;
/// Stack ids counted at once, so a spray of made-up ids cannot grow the table without
/// bound; past it, every refusal is limited.
const MAX_COUNTED: usize = 10_000;

#[derive(Default)]
pub struct Refusals {
    windows: Mutex<HashMap<String, Window>>,
}

struct Window {
    started: Instant,
    refused: u64,
}

/// What to do with one refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The first of its window: audit it, and summarise the window when it ends.
    First,
    /// Counted into the window's summary.
    Counted,
    /// Counted, and answered 429: the window's budget is spent.
    Limited,
}

impl Refusals {
    /// Counts a refusal of a delivery for `stack_id`.
    pub fn refuse(&self, stack_id: &str) -> Refusal {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if windows.len() >= MAX_COUNTED && !windows.contains_key(stack_id) {
            windows.retain(|_, window| now.duration_since(window.started) < WINDOW);
            if windows.len() >= MAX_COUNTED {
                return Refusal::Limited;
            }
        }
        let window = windows.entry(stack_id.to_string()).or_insert(Window {
            started: now,
            refused: 0,
        });
        if now.duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                refused: 0,
            };
        }
        window.refused += 1;
        match window.refused {
            1 => Refusal::First,
            n if n <= BUDGET => Refusal::Counted,
            _ => Refusal::Limited,
        }
    }

    /// Ends `stack_id`'s window: how many refusals came after its first.
    pub fn close(&self, stack_id: &str) -> u64 {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows
            .remove(stack_id)
            .map_or(0, |window| window.refused.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_audits_its_first_refusal_counts_the_rest_and_limits_past_the_budget() {
        let refusals = Refusals::default();
        assert_eq!(refusals.refuse("web"), Refusal::First);
        for _ in 1..BUDGET {
            assert_eq!(refusals.refuse("web"), Refusal::Counted);
        }
        assert_eq!(refusals.refuse("web"), Refusal::Limited);
        assert_eq!(
            refusals.refuse("api"),
            Refusal::First,
            "each stack has its own"
        );
        assert_eq!(refusals.close("web"), BUDGET);
        assert_eq!(
            refusals.refuse("web"),
            Refusal::First,
            "a closed window starts over"
        );
    }
}

//! Login throttling, per username and per client address, so guessing is slow for one
//! attacker and cannot lock out a user from everywhere at once.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::{Error, Result};

/// Keeps the key tables from growing without bound under a spray of usernames.
const MAX_TRACKED_KEYS: usize = 100_000;

pub struct LoginLimiter {
    by_username: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginLimiter {
    pub fn per_minute(attempts: u32) -> LoginLimiter {
        let quota = Quota::per_minute(NonZeroU32::new(attempts.max(1)).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            by_username: DefaultKeyedRateLimiter::keyed(quota),
            by_address: DefaultKeyedRateLimiter::keyed(quota),
        }
    }

    /// Counts one attempt; `RATE_LIMITED` when either budget is spent.
    pub fn check(&self, username: &str, address: Option<IpAddr>) -> Result<()> {
        if self.by_username.len() > MAX_TRACKED_KEYS {
            self.by_username.retain_recent();
        }
        if self.by_address.len() > MAX_TRACKED_KEYS {
            self.by_address.retain_recent();
        }
        let clock = DefaultClock::default();
        let refused = |not_until: governor::NotUntil<_>| Error::RateLimited {
            retry_after_secs: not_until.wait_time_from(clock.now()).as_secs().max(1),
        };
        if let Some(address) = address {
            self.by_address.check_key(&address).map_err(refused)?;
        }
        self.by_username
            .check_key(&username.to_lowercase())
            .map_err(refused)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_after_the_budget_is_refused_for_that_name_only() {
        let limiter = LoginLimiter::per_minute(3);
        for _ in 0..3 {
            limiter.check("alice", None).expect("within budget");
        }
        let error = limiter.check("alice", None).expect_err("over budget");
        assert_eq!(error.code(), "RATE_LIMITED");
        limiter
            .check("bob", None)
            .expect("another name has its own budget");
    }
}

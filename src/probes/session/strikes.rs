//! How many bad messages a probe may send: a few are a bug to log and survive, a
//! steady stream is a flood that ends the session.

use std::time::{Duration, Instant};

/// Bad messages allowed per [`WINDOW`]; the next one ends the session.
const ALLOWED: u32 = 20;
const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Strikes {
    since: Instant,
    count: u32,
}

impl Default for Strikes {
    fn default() -> Self {
        Strikes {
            since: Instant::now(),
            count: 0,
        }
    }
}

impl Strikes {
    /// Counts one bad message; true when there were too many.
    pub fn strike(&mut self) -> bool {
        if self.since.elapsed() > WINDOW {
            *self = Strikes::default();
        }
        self.count += 1;
        self.count > ALLOWED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_bad_messages_are_survived_a_flood_is_not() {
        let mut strikes = Strikes::default();
        assert!((0..ALLOWED).all(|_| !strikes.strike()));
        assert!(strikes.strike());
    }
}

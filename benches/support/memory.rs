//! monitor's memory read once it has settled: RSS, as an operator sees it, and the heap
//! in use that monitor reports on `/metrics`.

use std::time::Duration;

use crate::helpers::TestApp;

/// monitor's memory at one moment.
pub struct Memory {
    rss_kib: u64,
    heap_kib: f64,
    /// How many RSS readings it took to settle.
    readings: usize,
}

impl Memory {
    pub const EVERY: Duration = Duration::from_millis(500);
    const MAX_READINGS: usize = 120;

    /// Reads RSS until two readings in a row agree within 1 %, over at least one period
    /// of monitor's return of freed memory, then the heap in use.
    ///
    /// A single reading right after the probes connect catches the store still writing
    /// their hellos and clock offsets, and the heap still holding the pages of what the
    /// connections freed, which monitor hands back every
    /// [`monitor::resident::TRIM_EVERY`]: RSS climbs, then falls back. The lowest of
    /// several readings could pick one from before the climb ended; readings over a
    /// whole period, the last two agreeing, see both.
    pub async fn settled(app: &TestApp) -> Memory {
        let started = std::time::Instant::now();
        let window = monitor::resident::TRIM_EVERY + Duration::from_secs(1);
        let mut last = app.rss_kib();
        let mut readings = 1;
        loop {
            tokio::time::sleep(Self::EVERY).await;
            let rss_kib = app.rss_kib();
            readings += 1;
            let steady = rss_kib.abs_diff(last) * 100 <= rss_kib && started.elapsed() >= window;
            if steady || readings >= Self::MAX_READINGS {
                let arenas = r#"monitor_heap_in_use_bytes{allocated_in="arenas"}"#;
                let own_mappings = r#"monitor_heap_in_use_bytes{allocated_in="own_mappings"}"#;
                let heap_kib = (app.metric(arenas).await + app.metric(own_mappings).await) / 1024.0;
                return Memory {
                    rss_kib,
                    heap_kib,
                    readings,
                };
            }
            last = rss_kib;
        }
    }

    /// What each of `probes` added since `earlier`.
    pub fn per_probe(&self, earlier: &Memory, probes: usize) -> String {
        let rss = self.rss_kib.saturating_sub(earlier.rss_kib) as f64 / probes as f64;
        let heap = (self.heap_kib - earlier.heap_kib) / probes as f64;
        format!("RSS {rss:.1} KiB, heap in use {heap:.1} KiB")
    }
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RSS {} KiB, heap in use {:.0} KiB ({} readings)",
            self.rss_kib, self.heap_kib, self.readings
        )
    }
}

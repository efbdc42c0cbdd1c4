//! CPU and memory counters of the host this process runs on, read from `/proc`.

use super::protocol::HostSample;

/// Reads the counters now; zeros where `/proc` cannot be read (e.g. not Linux).
pub fn sample() -> HostSample {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let (cpu_total, cpu_idle) = cpu_counters(&stat);
    HostSample {
        cpus: std::thread::available_parallelism().map_or(0, |n| n.get() as u32),
        cpu_total,
        cpu_idle,
        memory_total_bytes: meminfo_kib(&meminfo, "MemTotal:") * 1024,
        memory_available_bytes: meminfo_kib(&meminfo, "MemAvailable:") * 1024,
    }
}

/// Percentage of CPU time spent busy between two samples.
pub fn cpu_percent(before: &HostSample, after: &HostSample) -> Option<f64> {
    let total = after.cpu_total.checked_sub(before.cpu_total)?;
    let idle = after.cpu_idle.checked_sub(before.cpu_idle)?;
    (total > 0).then(|| (total.saturating_sub(idle)) as f64 * 100.0 / total as f64)
}

/// Sums the aggregate `cpu` line; idle counts idle and iowait.
fn cpu_counters(stat: &str) -> (u64, u64) {
    let Some(line) = stat.lines().find(|line| line.starts_with("cpu ")) else {
        return (0, 0);
    };
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|value| value.parse().ok())
        .collect();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    (values.iter().sum(), idle)
}

fn meminfo_kib(meminfo: &str, key: &str) -> u64 {
    meminfo
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_share_comes_from_the_change_between_samples() {
        let stat = "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n";
        assert_eq!(cpu_counters(stat), (1000, 800));
        let before = HostSample {
            cpu_total: 1000,
            cpu_idle: 800,
            ..HostSample::default()
        };
        let after = HostSample {
            cpu_total: 2000,
            cpu_idle: 1550,
            ..HostSample::default()
        };
        assert_eq!(cpu_percent(&before, &after), Some(25.0));
    }

    #[test]
    fn memory_comes_from_meminfo_in_kib() {
        let meminfo = "MemTotal:       2048 kB\nMemFree: 1 kB\nMemAvailable:   1024 kB\n";
        assert_eq!(meminfo_kib(meminfo, "MemTotal:"), 2048);
        assert_eq!(meminfo_kib(meminfo, "MemAvailable:"), 1024);
    }
}

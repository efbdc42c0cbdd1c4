//! Keeps what monitor holds in memory to what it uses: the pages of its own executable
//! that start-up read in go back to the kernel once monitor serves, and large buffers go
//! back when they are freed.
//!
//! Opening the store and applying its schema runs code spread over most of the
//! executable's text, and the kernel maps 64 KiB around every page it faults in
//! (fault-around). Start-up so leaves some 45 MiB of the executable resident, most of
//! which an idle server never runs again. These are clean pages of a file: dropping them
//! (`MADV_PAGEOUT`) loses nothing, and code that runs later faults its own pages back in.
//! Private memory (the heap, the store's caches) is not touched. Linux only.
//!
//! glibc serves an allocation over its mmap threshold (128 KiB) from a mapping of its
//! own, but raises that threshold to the size of every such buffer freed, up to 32 MiB.
//! After the first login, the 19 MiB argon2 works in would come from the heap for good
//! and stay resident; a fixed threshold stops glibc from moving it.
//!
//! glibc also returns freed memory only from the top of each arena. A burst of
//! short-lived allocations among long-lived ones (a thousand probes connecting, each
//! session's buffers kept between the handshake's and the store's temporaries) leaves
//! most of the burst's pages resident though free: 69 KiB of RSS a connected probe
//! against 20 KiB in use. monitor hands those pages back every [`TRIM_EVERY`].
//!
//! What the heap holds in use is on `/metrics` ([`heap_in_use`]): RSS also counts the
//! executable's pages and the heap's free space, so it moves with what ran before.

use std::path::Path;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// How often freed memory inside the heap goes back to the kernel.
pub const TRIM_EVERY: Duration = Duration::from_secs(10);

/// Fixes glibc's mmap threshold at its default, so large buffers are unmapped when freed.
/// Call it first thing in `main`, before any thread starts: glibc's `mallopt` is not
/// thread-safe.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn return_large_buffers_when_freed() {
    const DEFAULT_MMAP_THRESHOLD: libc::c_int = 128 * 1024;
    // SAFETY: mallopt only sets one of the allocator's tunables, and memory already
    // allocated is unaffected; it runs before any other thread exists.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_large_buffers_when_freed() {}

/// Hands the free pages inside glibc's arenas back to the kernel (`malloc_trim`): those
/// of free chunks anywhere in an arena, not only at its top.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn return_freed_memory() {
    // SAFETY: malloc_trim takes each arena's lock while it walks its free chunks, and
    // advises the kernel only about pages that no allocation holds.
    unsafe { libc::malloc_trim(0) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_freed_memory() {}

/// Returns freed memory every [`TRIM_EVERY`] until `stop` is cancelled. The walk holds
/// each arena's lock for a few milliseconds, so it runs on a blocking thread, not on a
/// worker that serves requests.
pub async fn keep_returning_freed_memory(stop: CancellationToken) -> anyhow::Result<()> {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + TRIM_EVERY, TRIM_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = stop.cancelled() => return Ok(()),
        }
        tokio::task::spawn_blocking(return_freed_memory).await?;
    }
}

/// Bytes glibc's allocator has handed out and not had back (`mallinfo2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapInUse {
    /// Small allocations, carved from its arenas (`uordblks`).
    pub arenas: u64,
    /// Allocations over the mmap threshold, each in a mapping of its own (`hblkhd`),
    /// counted whole even where its pages were never touched: the store sizes its
    /// write buffer from the machine's RAM and allocates it up front.
    pub own_mappings: u64,
}

/// What glibc's allocator holds in use now; `None` on other allocators.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn heap_in_use() -> Option<HeapInUse> {
    // SAFETY: mallinfo2 takes each arena's lock while it reads it and returns a copy.
    let info = unsafe { libc::mallinfo2() };
    Some(HeapInUse {
        arenas: info.uordblks as u64,
        own_mappings: info.hblkhd as u64,
    })
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn heap_in_use() -> Option<HeapInUse> {
    None
}

/// A mapping of the executable that only ever holds the file's own bytes.
#[derive(Debug, PartialEq, Eq)]
struct ReadOnlyMapping {
    start: usize,
    end: usize,
}

/// Drops the resident pages of the executable's read-only mappings; returns how many
/// bytes of mappings were advised.
#[cfg(target_os = "linux")]
pub fn release_start_up_code() -> std::io::Result<usize> {
    use nix::sys::mman::{MmapAdvise, madvise};

    let executable = std::fs::read_link("/proc/self/exe")?;
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    let mut advised = 0;
    for mapping in read_only_mappings(&maps, &executable) {
        let length = mapping.end - mapping.start;
        let Some(start) = std::ptr::NonNull::new(mapping.start as *mut std::ffi::c_void) else {
            continue;
        };
        // SAFETY: the range is exactly one of this process's own mappings, read-only and
        // backed by the executable file. MADV_PAGEOUT only reclaims its resident pages;
        // the next access reads the same bytes back from the file, so no memory that
        // Rust code holds a reference into changes.
        unsafe { madvise(start, length, MmapAdvise::MADV_PAGEOUT) }
            .map_err(std::io::Error::from)?;
        advised += length;
    }
    Ok(advised)
}

#[cfg(not(target_os = "linux"))]
pub fn release_start_up_code() -> std::io::Result<usize> {
    Ok(0)
}

/// The read-only mappings of `executable` in a `/proc/<pid>/maps` listing.
fn read_only_mappings(maps: &str, executable: &Path) -> Vec<ReadOnlyMapping> {
    maps.lines()
        .filter_map(|line| {
            // address perms offset dev inode pathname (which may contain spaces)
            let mut fields = line.splitn(6, ' ');
            let (range, perms) = (fields.next()?, fields.next()?);
            let path = fields.nth(3)?.trim_start();
            if perms.contains('w') || Path::new(path) != executable {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            Some(ReadOnlyMapping {
                start: usize::from_str_radix(start, 16).ok()?,
                end: usize::from_str_radix(end, 16).ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "\
55d0c0000000-55d0c1d67000 r--p 00000000 00:2a 1234   /opt/monitor/bin/monitor
55d0c1d67000-55d0c7f01000 r-xp 01d67000 00:2a 1234   /opt/monitor/bin/monitor
55d0c8159000-55d0c8164000 rw-p 08159000 00:2a 1234   /opt/monitor/bin/monitor
55d0c9000000-55d0c9100000 rw-p 00000000 00:00 0      [heap]
7f00aa000000-7f00aa028000 r-xp 00028000 00:2a 99     /usr/lib/x86_64-linux-gnu/libc.so.6
7f00ab000000-7f00ab001000 r--p 00000000 00:2a 77     /opt/monitor/bin/monitor-old (deleted)
";

    #[test]
    fn only_the_executables_read_only_mappings_are_chosen() {
        let mappings = read_only_mappings(MAPS, Path::new("/opt/monitor/bin/monitor"));
        assert_eq!(
            mappings,
            vec![
                ReadOnlyMapping {
                    start: 0x55d0c0000000,
                    end: 0x55d0c1d67000
                },
                ReadOnlyMapping {
                    start: 0x55d0c1d67000,
                    end: 0x55d0c7f01000
                },
            ]
        );
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn the_heap_in_use_grows_by_what_is_allocated_and_held() {
        let total = || {
            let heap = heap_in_use().expect("glibc reports its heap");
            heap.arenas + heap.own_mappings
        };
        let before = total();
        let held = vec![1u8; 4 << 20];
        std::hint::black_box(&held);
        let during = total();
        drop(held);
        // Other tests allocate beside this one: a 4 MiB buffer stands out of their noise.
        assert!(
            during >= before + (3 << 20),
            "heap in use: {before} bytes before a 4 MiB buffer, {during} with it"
        );
    }

    /// KiB of anonymous memory this process holds, from `/proc/self/smaps_rollup`.
    #[cfg(target_os = "linux")]
    fn anonymous_kib() -> u64 {
        let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").expect("smaps_rollup");
        rollup
            .lines()
            .find_map(|line| line.strip_prefix("Anonymous:"))
            .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("an Anonymous line")
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn freed_memory_below_a_live_allocation_goes_back_to_the_kernel() {
        // 128 MiB in blocks under the mmap threshold, so they come from an arena, and one
        // block after them that stays: freeing the rest leaves a free run below it that
        // glibc does not give back on its own.
        let blocks: Vec<Vec<u8>> = (0..2048).map(|_| vec![1u8; 64 << 10]).collect();
        let kept = std::hint::black_box(vec![1u8; 64 << 10]);
        drop(std::hint::black_box(blocks));
        let freed = anonymous_kib();
        return_freed_memory();
        let returned = anonymous_kib();
        drop(kept);
        // Other tests allocate beside this one: most of the 128 MiB is enough.
        assert!(
            returned + (64 << 10) < freed,
            "anonymous memory: {freed} KiB once freed, {returned} KiB after returning it"
        );
    }

    #[test]
    fn a_replaced_executable_is_still_found_by_its_deleted_name() {
        let executable = Path::new("/opt/monitor/bin/monitor-old (deleted)");
        assert_eq!(read_only_mappings(MAPS, executable).len(), 1);
    }

    /// KiB of the executable's read-only mappings now resident, from `/proc/self/smaps`.
    #[cfg(target_os = "linux")]
    fn resident_executable_kib() -> u64 {
        let executable = std::fs::read_link("/proc/self/exe").expect("/proc/self/exe");
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("/proc/self/smaps");
        let mut in_executable = false;
        let mut kib = 0;
        for line in smaps.lines() {
            if let Some(rss) = line.strip_prefix("Rss:") {
                if in_executable {
                    kib += rss
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .unwrap_or(0);
                }
            } else if !line.split(' ').next().is_some_and(|key| key.ends_with(':')) {
                // A mapping's header line; the lines after it (`Key: value`) describe it.
                in_executable = !read_only_mappings(line, &executable).is_empty();
            }
        }
        kib
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn releasing_drops_the_executables_resident_pages_and_code_still_runs() {
        let before = resident_executable_kib();
        let advised = release_start_up_code().expect("madvise succeeds on our own mappings");
        let after = resident_executable_kib();
        assert!(advised > 0, "the test binary has read-only mappings");
        assert!(
            // Reading smaps runs code too, and other tests run beside this one: what
            // matters is that a large share went.
            after * 4 < before * 3,
            "resident pages of the executable: {before} KiB before, {after} KiB after"
        );
    }
}

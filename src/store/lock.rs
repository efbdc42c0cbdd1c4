//! One monitor per data directory: `serve`, `restore` and `db nuke` hold an exclusive
//! lock on `monitor.lock` in it, so a second one is told who holds it instead of
//! opening the same store and checkouts underneath the first.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::Path;

use anyhow::Context;

/// The lock file, in the data directory; it holds the pid of the monitor that has it.
pub const LOCK_FILE: &str = "monitor.lock";

/// Held for as long as it lives. The kernel lets go of it when the process ends,
/// however it ends, so a crash leaves no stale lock behind.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Creates the data directory if needed and locks it, or says which monitor holds it.
    pub fn acquire(dir: &Path) -> anyhow::Result<DataDirLock> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("while creating the data directory {}", dir.display()))?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("while opening {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let holder = match file.read_to_string(&mut holder) {
                    Ok(_) => holder.trim().parse::<u32>().ok(),
                    Err(_) => None,
                };
                let who = match holder {
                    Some(pid) => format!("another monitor (pid {pid})"),
                    None => "another monitor".to_string(),
                };
                anyhow::bail!(
                    "{who} holds the data directory {}: stop it first, or give this one another --data-dir",
                    dir.display()
                );
            }
            Err(TryLockError::Error(error)) => {
                return Err(error).with_context(|| format!("while locking {}", path.display()));
            }
        }
        file.set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .with_context(|| format!("while writing {}", path.display()))?;
        Ok(DataDirLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_directory_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let held = DataDirLock::acquire(dir.path()).expect("the first lock");

        let refused = DataDirLock::acquire(dir.path()).expect_err("the second lock is refused");
        let message = refused.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("another monitor"), "{message}");

        drop(held);
        DataDirLock::acquire(dir.path()).expect("the lock is free once its holder lets go");
    }
}

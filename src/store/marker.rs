//! A record of an embedded store's files, kept beside them (outside the engine's own
//! files): written with every file's size and fingerprint when monitor stops cleanly,
//! checked before the engine opens them again.
//!
//! The engine cannot tell a write-ahead log cut to half, or emptied, from one that ends
//! where its last write ended: it serves what is left, or a brand-new store. A file that
//! changed while monitor was stopped is damage, and monitor refuses to serve it.
//! After an unclean stop (a crash, `kill -9`) the files legitimately differ from any
//! record, so the record says the store was open and nothing is compared (the log is
//! then read record by record instead: [`super::wal`]). Damage the engine reported
//! while monitor ran is recorded too, so every start refuses the store until it is
//! restored or nuked.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    /// Whether monitor closed the store and recorded its files after the last write.
    clean: bool,
    files: BTreeMap<String, FileMark>,
    /// Damage the engine reported while monitor ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    damage: Option<String>,
}

/// What is recorded of one file: its size, and a hash of the engine's mutable files
/// (the log and the manifest); tables are immutable once written, so their size and
/// modification time stand for them (their blocks carry the engine's own checksums).
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct FileMark {
    len: u64,
    sha256: Option<String>,
    modified_ns: Option<u128>,
}

/// The record's path for the store in `dir`: `<dir>.state.json`.
pub fn path(dir: &Path) -> PathBuf {
    dir.with_extension("state.json")
}

/// What changed in the store's files since monitor last stopped cleanly, if anything.
pub fn damage(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path(dir)).ok()?;
    let Ok(marker) = serde_json::from_str::<Marker>(&text) else {
        return Some(format!("its record {} is unreadable", path(dir).display()));
    };
    if marker.damage.is_some() {
        return marker.damage;
    }
    if !marker.clean {
        return None;
    }
    for (name, recorded) in &marker.files {
        let file = dir.join(name);
        let Some(found) = mark(&file, recorded.sha256.is_some()) else {
            return Some(format!("{name} is missing"));
        };
        if found.len != recorded.len {
            return Some(format!(
                "{name} is {} bytes long, and was {} when monitor last stopped",
                found.len, recorded.len
            ));
        }
        if found != *recorded {
            return Some(format!("{name} changed since monitor last stopped"));
        }
    }
    None
}

/// Records the store's files as they are now; `clean` once the engine has closed them.
pub fn write(dir: &Path, clean: bool) -> std::io::Result<()> {
    let mut files = BTreeMap::new();
    if clean {
        for file in walk(dir) {
            let Ok(name) = file.strip_prefix(dir) else {
                continue;
            };
            let name = name.to_string_lossy().to_string();
            if name == "LOCK" {
                continue;
            }
            let mutable = name.starts_with("wal") || name.starts_with("manifest");
            if let Some(found) = mark(&file, mutable) {
                files.insert(name, found);
            }
        }
    }
    save(
        dir,
        &Marker {
            clean,
            files,
            damage: None,
        },
    )
}

/// Records that the engine reported the store damaged: every start refuses it.
pub fn write_damaged(dir: &Path, what: &str) -> std::io::Result<()> {
    save(
        dir,
        &Marker {
            clean: false,
            files: BTreeMap::new(),
            damage: Some(what.to_string()),
        },
    )
}

fn save(dir: &Path, marker: &Marker) -> std::io::Result<()> {
    let text = serde_json::to_vec_pretty(marker).map_err(std::io::Error::other)?;
    let target = path(dir);
    let partial = target.with_extension("json.partial");
    std::fs::write(&partial, text)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &target)
}

/// Forgets the record, for a store that was nuked.
pub fn remove(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path(dir)) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

fn mark(file: &Path, hash: bool) -> Option<FileMark> {
    let metadata = std::fs::metadata(file).ok()?;
    let sha256 = if hash {
        let mut hasher = Sha256::new();
        let mut reader = std::fs::File::open(file).ok()?;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = reader.read(&mut buffer).ok()?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        Some(hex::encode(hasher.finalize()))
    } else {
        None
    };
    let modified_ns = (!hash)
        .then(|| metadata.modified().ok())
        .flatten()
        .and_then(|at| at.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|since| since.as_nanos());
    Some(FileMark {
        len: metadata.len(),
        sha256,
        modified_ns,
    })
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, PathBuf) {
        let temp = tempfile::tempdir().expect("a directory");
        let dir = temp.path().join("store");
        std::fs::create_dir_all(dir.join("wal")).expect("dirs");
        std::fs::write(dir.join("wal/0.wal"), vec![7u8; 4096]).expect("write");
        (temp, dir)
    }

    #[test]
    fn an_untouched_store_matches_its_record_and_a_changed_log_does_not() {
        let (_temp, dir) = store();
        write(&dir, true).expect("recorded");
        assert_eq!(damage(&dir), None);

        let mut bytes = std::fs::read(dir.join("wal/0.wal")).expect("read");
        bytes[100] ^= 0xff;
        std::fs::write(dir.join("wal/0.wal"), &bytes).expect("flip");
        assert!(damage(&dir).is_some_and(|what| what.contains("changed")));

        std::fs::write(dir.join("wal/0.wal"), &bytes[..2048]).expect("cut");
        assert!(damage(&dir).is_some_and(|what| what.contains("2048 bytes")));
    }

    #[test]
    fn damage_the_engine_reported_is_named_at_every_start() {
        let (_temp, dir) = store();
        write_damaged(&dir, "a table failed its checksum").expect("recorded");
        assert_eq!(damage(&dir).as_deref(), Some("a table failed its checksum"));
        assert_eq!(damage(&dir).as_deref(), Some("a table failed its checksum"));
    }

    #[test]
    fn after_an_unclean_stop_nothing_is_compared() {
        let (_temp, dir) = store();
        write(&dir, false).expect("recorded");
        std::fs::write(dir.join("wal/0.wal"), b"").expect("cut");
        assert_eq!(damage(&dir), None);
    }
}

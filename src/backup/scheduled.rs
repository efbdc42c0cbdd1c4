//! Scheduled backups: the whole store written to `backup.dir` every `backup.every`, the
//! newest `backup.keep` kept, so that "restore the last backup" always has one to restore.
//!
//! Each file is written under a temporary name, synced, then renamed: a file with a
//! backup's name is always a whole backup, even if monitor or the machine stops midway.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use crate::config::BackupSettings;
use crate::error::{Error, Result};
use crate::store::Store;

const PREFIX: &str = "monitor-";
const SUFFIX: &str = ".ndjson";
/// `monitor-20261130T101500.123Z.ndjson`: names sort by the time they were taken.
const NAME_TIME: &str = "%Y%m%dT%H%M%S%.3fZ";

/// A backup file in the backup directory.
#[derive(Debug, Clone, SimpleObject)]
pub struct StoredBackup {
    /// The file's name in the backup directory.
    pub name: String,
    /// Its full path, for `monitor restore`.
    pub path: String,
    pub created_at: DateTime<Utc>,
    pub size_bytes: u64,
}

/// How often backups are taken, from `backup.every` (`6h`, `30m`, `1d`); none when unset.
pub fn interval(settings: &BackupSettings) -> anyhow::Result<Option<Duration>> {
    let Some(every) = settings
        .every
        .as_deref()
        .filter(|every| !every.trim().is_empty())
    else {
        return Ok(None);
    };
    let interval = humantime::parse_duration(every.trim()).map_err(|error| {
        anyhow::anyhow!(
            "backup.every must be a duration such as 6h, 30m or 1d ({every:?}: {error})"
        )
    })?;
    anyhow::ensure!(!interval.is_zero(), "backup.every must be longer than zero");
    Ok(Some(interval))
}

/// The backups in `dir`, newest first. A missing directory holds none.
pub fn list(dir: &Path) -> Result<Vec<StoredBackup>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(io_error(dir, "reading", error)),
    };
    let mut backups: Vec<StoredBackup> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_string();
            let time = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
            let created_at = chrono::NaiveDateTime::parse_from_str(time, NAME_TIME).ok()?;
            Some(StoredBackup {
                path: entry.path().display().to_string(),
                created_at: created_at.and_utc(),
                size_bytes: entry.metadata().ok()?.len(),
                name,
            })
        })
        .collect();
    backups.sort_by_key(|backup| std::cmp::Reverse(backup.created_at));
    Ok(backups)
}

/// Writes one backup of the whole store into `dir`, atomically, and removes the oldest
/// beyond `keep`.
pub async fn take(store: &Store, dir: &Path, keep: usize) -> Result<StoredBackup> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|error| io_error(dir, "creating", error))?;
    let now = Utc::now();
    let name = format!("{PREFIX}{}{SUFFIX}", now.format(NAME_TIME));
    let path = dir.join(&name);
    let partial = dir.join(format!(".{name}.partial"));
    let written = write(store, &partial).await;
    if let Err(error) = written {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(error);
    }
    tokio::fs::rename(&partial, &path)
        .await
        .map_err(|error| io_error(&path, "naming", error))?;
    if let Ok(directory) = tokio::fs::File::open(dir).await {
        let _ = directory.sync_all().await;
    }
    for old in list(dir)?.iter().skip(keep.max(1)) {
        if let Err(error) = tokio::fs::remove_file(&old.path).await {
            tracing::warn!(%error, backup = old.path, "cannot remove an old backup");
        }
    }
    let size_bytes = tokio::fs::metadata(&path)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    Ok(StoredBackup {
        path: path.display().to_string(),
        name,
        created_at: now,
        size_bytes,
    })
}

async fn write(store: &Store, path: &Path) -> Result<()> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|error| io_error(path, "creating", error))?;
    let mut chunks = std::pin::pin!(super::export::stream(store.clone()));
    while let Some(chunk) = chunks.next().await {
        file.write_all(&chunk?)
            .await
            .map_err(|error| io_error(path, "writing", error))?;
    }
    file.sync_all()
        .await
        .map_err(|error| io_error(path, "syncing", error))
}

/// Takes a backup every `interval` until `stop` is cancelled; the first when one
/// interval has passed since the newest backup in `dir` (at once if that is overdue). A
/// failed backup is logged, and the next one is tried an interval later.
pub async fn run(
    store: Store,
    dir: PathBuf,
    keep: usize,
    interval: Duration,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let newest = list(&dir)
        .ok()
        .and_then(|backups| backups.first().map(|b| b.created_at));
    let since_newest = newest
        .and_then(|at| (Utc::now() - at).to_std().ok())
        .unwrap_or(Duration::ZERO);
    let first = match newest {
        Some(_) => interval.saturating_sub(since_newest),
        None => interval,
    };
    let mut next = tokio::time::Instant::now() + first;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = stop.cancelled() => return Ok(()),
        }
        match take(&store, &dir, keep).await {
            Ok(backup) => tracing::info!(
                backup = backup.path,
                bytes = backup.size_bytes,
                "backup written"
            ),
            Err(error) => {
                tracing::error!(error = %error.client_message(), dir = %dir.display(), "scheduled backup failed")
            }
        }
        next = tokio::time::Instant::now() + interval;
    }
}

fn io_error(path: &Path, doing: &str, error: std::io::Error) -> Error {
    Error::Internal(anyhow::Error::new(error).context(format!("while {doing} {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_as_people_write_them() {
        let every = |value: &str| BackupSettings {
            every: Some(value.into()),
            ..BackupSettings::default()
        };
        assert_eq!(
            interval(&every("6h")).ok().flatten(),
            Some(Duration::from_secs(6 * 3600))
        );
        assert_eq!(
            interval(&every("30m")).ok().flatten(),
            Some(Duration::from_secs(1800))
        );
        assert!(interval(&every("often")).is_err());
        assert!(interval(&every("0s")).is_err());
        assert_eq!(
            interval(&every("")).ok().flatten(),
            None,
            "empty turns it off"
        );
        assert_eq!(
            interval(&BackupSettings::default()).ok().flatten(),
            Some(Duration::from_secs(24 * 3600)),
            "daily by default"
        );
    }

    #[test]
    fn backups_are_listed_newest_first_and_other_files_are_ignored() {
        let dir = tempfile::tempdir().expect("a directory");
        for name in [
            "monitor-20261130T101500.000Z.ndjson",
            "monitor-20261130T111500.000Z.ndjson",
            ".monitor-20261130T121500.000Z.ndjson.partial",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), "{}").expect("write");
        }
        let names: Vec<String> = list(dir.path())
            .expect("listed")
            .into_iter()
            .map(|backup| backup.name)
            .collect();
        assert_eq!(
            names,
            [
                "monitor-20261130T111500.000Z.ndjson",
                "monitor-20261130T101500.000Z.ndjson"
            ]
        );
    }
}

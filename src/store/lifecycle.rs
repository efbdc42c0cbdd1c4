//! The store's life once open: the failed state the [`super::gate`] enforces after an
//! I/O failure (reopening the engine once the disk takes writes again) or after the
//! engine reported its files damaged (for good, recorded for the next start), and closing it
//! at a clean stop with its files recorded for the [`super::marker`].

use std::sync::Arc;
use std::time::Duration;

use super::{Store, gate, marker, open};
use crate::error::{Error, Result};

impl Store {
    /// Why the store refuses every call, while it does.
    pub fn failure(&self) -> Option<String> {
        self.inner
            .failure
            .lock()
            .ok()
            .and_then(|failure| failure.clone())
    }

    /// The error a call gets while the store is failed.
    pub(super) fn refusal(&self) -> Option<surrealdb::Error> {
        self.failure().map(|cause| gate::refused(&cause))
    }

    /// Reads an engine error: an I/O failure fails the store (and starts its recovery),
    /// and the caller is told the store is unavailable.
    pub(super) fn observe(&self, error: surrealdb::Error) -> surrealdb::Error {
        if self.observe_ref(&error) {
            return self.refusal().unwrap_or(error);
        }
        error
    }

    /// Whether `error` says the store failed (an I/O failure, or damage the engine
    /// found); the first one fails the store.
    pub(super) fn observe_ref(&self, error: &surrealdb::Error) -> bool {
        let Some(failed) = gate::failure_in(&error.to_string()) else {
            return false;
        };
        let cause = match &failed {
            gate::Failed::Io(cause) => cause.clone(),
            gate::Failed::Damaged(report) => format!(
                "the store's files are damaged: the engine reports {report}. Every store call \
                 is refused, and monitor will not serve this store again until it is restored \
                 or nuked"
            ),
        };
        let first = match self.inner.failure.lock() {
            Ok(mut failure) if failure.is_none() => {
                *failure = Some(cause.clone());
                true
            }
            _ => false,
        };
        if !first {
            return true;
        }
        match failed {
            gate::Failed::Io(_) => {
                tracing::error!(%cause, store = %self.inner.url, "the store failed a write; refusing every call until it is reopened");
                tokio::spawn(self.clone().recover());
            }
            gate::Failed::Damaged(report) => {
                // Reopening would have the engine cut away what it cannot read; the
                // store stays refused, and the next start refuses it too.
                tracing::error!(%cause, store = %self.inner.url, "the store is damaged; refusing every call");
                if let Some(dir) = self.inner.address.embedded_dir()
                    && let Err(error) = marker::write_damaged(
                        &dir,
                        &format!("the engine reported {report} while monitor ran"),
                    )
                {
                    tracing::error!(%error, "cannot record that the store is damaged");
                }
            }
        }
        true
    }

    /// Waits until the disk takes writes again, then reopens the engine (its recovery
    /// cuts a torn write-ahead log at the last whole record) and serves again.
    async fn recover(self) {
        let mut wait = Duration::from_millis(200);
        loop {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(5));
            if let Err(error) = self.probe_space() {
                tracing::debug!(%error, "the store's disk still refuses writes");
                continue;
            }
            match self.reopen().await {
                Ok(()) => {
                    tracing::info!(store = %self.inner.url, "the store was reopened and serves again");
                    return;
                }
                Err(error) => {
                    tracing::warn!(error = %error.client_message(), "cannot reopen the store yet")
                }
            }
        }
    }

    /// Closes the store when monitor stops: drops the engine, waits until it has closed
    /// its files, and records them, so the next start can tell if they changed since.
    pub async fn close(&self) {
        if let Ok(mut db) = self.inner.db.write() {
            db.take();
        }
        let Some(dir) = self.inner.address.embedded_dir() else {
            return;
        };
        if self.failure().is_some() {
            return;
        }
        let recorded = match wait_for_release(&dir.join("LOCK")).await {
            Ok(()) => marker::write(&dir, true).map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        match recorded {
            Ok(()) => tracing::info!(store = %self.inner.url, "store closed"),
            Err(error) => tracing::warn!(%error, "cannot record the store's files at close"),
        }
    }

    /// Writes and syncs a probe file beside an embedded store.
    fn probe_space(&self) -> std::io::Result<()> {
        use std::io::Write;
        let Some(dir) = self.inner.address.embedded_dir() else {
            return Ok(());
        };
        let probe = dir.with_extension("space-probe");
        let written = std::fs::File::create(&probe).and_then(|mut file| {
            file.write_all(&vec![0u8; 1 << 20])?;
            file.sync_all()
        });
        let _ = std::fs::remove_file(&probe);
        written
    }

    async fn reopen(&self) -> Result<()> {
        if let Ok(mut db) = self.inner.db.write() {
            db.take();
        }
        if let Some(dir) = self.inner.address.embedded_dir() {
            wait_for_release(&dir.join("LOCK")).await?;
        }
        let db = open(&self.inner.address).await?;
        db.query("UPSERT meta:reopened SET at = time::now() RETURN NONE")
            .await?
            .check()?;
        if let Ok(mut slot) = self.inner.db.write() {
            *slot = Some(Arc::new(db));
        }
        if let Ok(mut failure) = self.inner.failure.lock() {
            failure.take();
        }
        Ok(())
    }
}

/// Waits until the engine that held the store's lock file has closed (its last handle
/// dropped), so it can be opened again.
async fn wait_for_release(lock: &std::path::Path) -> Result<()> {
    for _ in 0..300 {
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock)
        {
            Ok(file) if file.try_lock().is_ok() => {
                let _ = file.unlock();
                return Ok(());
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    Err(Error::Unavailable {
        component: "store",
        message: "the engine did not close within 30 s".into(),
    })
}

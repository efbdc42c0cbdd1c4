//! The spool: results on disk until the server acknowledges them.
//!
//! One file per result, named by a hash of its key. A file is written whole to a
//! temporary name, flushed to disk, renamed into place and the directory flushed, so
//! after a crash or `kill -9` a result is either whole in the spool or absent (and then
//! its measurement had not finished: nothing was sent). It leaves only when the server
//! acknowledges it; since the server stores a key once, sending it again is harmless.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::probes::protocol::{ProbeMessage, ResultKey, ResultMessage, Wire};

pub struct Spool {
    directory: PathBuf,
    /// Every key in the spool, and its file.
    index: Mutex<BTreeMap<ResultKey, PathBuf>>,
}

impl Spool {
    /// Opens (creating) the spool in `directory`, dropping half-written leftovers.
    pub fn open(directory: &Path) -> anyhow::Result<Arc<Spool>> {
        fs::create_dir_all(directory)
            .with_context(|| format!("cannot create the spool {}", directory.display()))?;
        let mut index = BTreeMap::new();
        let entries = fs::read_dir(directory)
            .with_context(|| format!("cannot read the spool {}", directory.display()))?;
        for entry in entries {
            let path = entry.context("cannot list the spool")?.path();
            match path.extension().and_then(|extension| extension.to_str()) {
                Some("json") => match read(&path) {
                    Ok(message) => {
                        index.insert(message.key, path);
                    }
                    Err(error) => {
                        tracing::warn!(path = %path.display(), error = %format!("{error:#}"),
                            "a spooled result cannot be read and is set aside");
                        let _ = fs::rename(&path, path.with_extension("unreadable"));
                    }
                },
                Some("tmp") => {
                    let _ = fs::remove_file(&path);
                }
                _ => {}
            }
        }
        Ok(Arc::new(Spool {
            directory: directory.to_path_buf(),
            index: Mutex::new(index),
        }))
    }

    /// Writes a result durably; it is in the spool once this returns.
    pub async fn put(self: &Arc<Self>, message: ResultMessage) -> anyhow::Result<()> {
        let spool = Arc::clone(self);
        tokio::task::spawn_blocking(move || spool.put_blocking(&message))
            .await
            .context("the spool writer stopped")?
    }

    fn put_blocking(&self, message: &ResultMessage) -> anyhow::Result<()> {
        let name = hex::encode(Sha256::digest(message.key.to_string().as_bytes()));
        let path = self.directory.join(format!("{name}.json"));
        let temporary = self.directory.join(format!("{name}.tmp"));
        let text = ProbeMessage::Result(Box::new(message.clone())).encode();
        let mut file = File::create(&temporary).context("cannot create a spool file")?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .context("cannot write a spool file")?;
        fs::rename(&temporary, &path).context("cannot move a spool file into place")?;
        File::open(&self.directory)
            .and_then(|directory| directory.sync_all())
            .context("cannot flush the spool directory")?;
        self.index().insert(message.key.clone(), path);
        Ok(())
    }

    /// Forgets an acknowledged (or rejected) result.
    pub fn remove(&self, key: &ResultKey) {
        if let Some(path) = self.index().remove(key)
            && let Err(error) = fs::remove_file(&path)
        {
            // Left behind, it is sent again after a restart and acknowledged again.
            tracing::warn!(path = %path.display(), %error, "cannot delete a delivered result");
        }
    }

    pub fn contains(&self, key: &ResultKey) -> bool {
        self.index().contains_key(key)
    }

    pub fn len(&self) -> u64 {
        self.index().len() as u64
    }

    /// The keys in the spool, in order.
    pub fn keys(&self) -> Vec<ResultKey> {
        self.index().keys().cloned().collect()
    }

    /// A spooled result as the message that carries it.
    pub fn message(&self, key: &ResultKey) -> anyhow::Result<String> {
        let path = self
            .index()
            .get(key)
            .cloned()
            .context("no such spooled result")?;
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
    }

    fn index(&self) -> MutexGuard<'_, BTreeMap<ResultKey, PathBuf>> {
        // Nothing panics while holding the lock, so a poisoned one still holds whole data.
        self.index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn read(path: &Path) -> anyhow::Result<ResultMessage> {
    let text = fs::read_to_string(path)?;
    match ProbeMessage::decode(&text)? {
        ProbeMessage::Result(message) => Ok(*message),
        _ => anyhow::bail!("not a result"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::Target;

    fn result(run: u64) -> ResultMessage {
        ResultMessage {
            key: ResultKey {
                assignment_id: "asg-1".into(),
                run,
                target: Target::parse("192.0.2.1").unwrap(),
            },
            measurement_id: "msm-1".into(),
            probe_time: chrono::DateTime::UNIX_EPOCH,
            offset_micros: 0,
            result: None,
            error: Some("unreachable".into()),
        }
    }

    #[tokio::test]
    async fn a_result_stays_across_reopening_until_it_is_removed() {
        let directory = tempfile::tempdir().unwrap();
        let spool = Spool::open(directory.path()).unwrap();
        spool.put(result(0)).await.unwrap();
        spool.put(result(1)).await.unwrap();
        spool.remove(&result(0).key);
        drop(spool);

        let reopened = Spool::open(directory.path()).unwrap();
        assert_eq!(reopened.keys(), [result(1).key]);
        let text = reopened.message(&result(1).key).unwrap();
        assert_eq!(
            ProbeMessage::decode(&text).unwrap(),
            ProbeMessage::Result(Box::new(result(1)))
        );
    }

    #[tokio::test]
    async fn half_written_files_are_dropped_and_unreadable_ones_set_aside() {
        let directory = tempfile::tempdir().unwrap();
        fs::write(directory.path().join("partial.tmp"), "{\"type\":\"res").unwrap();
        fs::write(directory.path().join("broken.json"), "not json").unwrap();
        let spool = Spool::open(directory.path()).unwrap();
        assert_eq!(spool.len(), 0);
        assert!(!directory.path().join("partial.tmp").exists());
        assert!(directory.path().join("broken.unreadable").exists());
    }

    #[tokio::test]
    async fn writing_the_same_key_twice_keeps_one_result() {
        let directory = tempfile::tempdir().unwrap();
        let spool = Spool::open(directory.path()).unwrap();
        spool.put(result(3)).await.unwrap();
        spool.put(result(3)).await.unwrap();
        assert_eq!(spool.len(), 1);
        assert_eq!(fs::read_dir(directory.path()).unwrap().count(), 1);
    }
}

//! A server's containers as last listed, kept while its supervisor follows the engine's
//! container events, so that lists (a page of stacks with their containers, the
//! dashboard kept open all day) cost no engine call while nothing changes.
//!
//! A kept list is answered only while it is known current: every event from the engine
//! and every change monitor makes itself (run, start, stop, remove…) marks it old, and
//! so does each server check, which keeps the engine's own words (`Up 2 hours`) at most
//! one check behind. While the events are not followed (not connected yet, the stream
//! broken, the engine unreachable), nothing is kept and each list asks the engine.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::Container;
use crate::error::Result;

/// One server's kept list, and what says whether it is still current.
#[derive(Default)]
pub struct LiveList {
    /// Counts the changes that may have made a list old; a list is current while the
    /// count is the one read before it was taken.
    changes: AtomicU64,
    /// Whether the engine's events are followed now: without them, a change could go
    /// unnoticed, so nothing is kept.
    following: AtomicBool,
    /// The last list and the count it was taken at. Held only to read or replace it:
    /// a page of stacks reads it for every stack, from every thread at once, and a
    /// read must not fail because another read is under way.
    last: RwLock<Option<(u64, Arc<Listing>)>>,
    /// Held across the engine call, so that requests arriving together share one list.
    asking: tokio::sync::Mutex<()>,
}

/// A server's containers at one moment, sorted by name, found by label without a scan:
/// a page of stacks asks for each stack's containers by its label.
#[derive(Debug, Default)]
pub struct Listing {
    /// Shared with every answer that lists them, instead of copied into each.
    containers: Vec<Arc<Container>>,
    /// label key → label value → positions in `containers`.
    by_label: HashMap<String, HashMap<String, Vec<usize>>>,
}

impl Listing {
    pub fn new(mut containers: Vec<Container>) -> Listing {
        containers.sort_by(|a, b| a.name.cmp(&b.name));
        let mut by_label: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        for (position, container) in containers.iter().enumerate() {
            for label in &container.labels {
                by_label
                    .entry(label.key.clone())
                    .or_default()
                    .entry(label.value.clone())
                    .or_default()
                    .push(position);
            }
        }
        Listing {
            containers: containers.into_iter().map(Arc::new).collect(),
            by_label,
        }
    }

    pub fn all(&self) -> &[Arc<Container>] {
        &self.containers
    }

    /// The containers labelled `key=value`, in name order.
    pub fn labelled(&self, key: &str, value: &str) -> impl Iterator<Item = &Arc<Container>> {
        self.by_label
            .get(key)
            .and_then(|values| values.get(value))
            .into_iter()
            .flatten()
            .map(|&position| &self.containers[position])
    }
}

impl LiveList {
    /// Marks the kept list old: something on the engine changed, or may have.
    pub fn changed(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
    }

    /// Says whether the engine's events are followed from now on (from a moment
    /// before any event they will deliver).
    pub fn follow(&self, following: bool) {
        self.following.store(following, Ordering::SeqCst);
        self.changed();
    }

    /// The kept list if it is current now, without waiting: `None` while events are not
    /// followed, while nothing current is kept, or while the engine is being asked.
    pub fn current(&self) -> Option<Arc<Listing>> {
        if !self.following.load(Ordering::SeqCst) {
            return None;
        }
        self.kept_since(self.changes.load(Ordering::SeqCst))
    }

    /// The kept list if it was taken at the count of changes `changes`.
    fn kept_since(&self, changes: u64) -> Option<Arc<Listing>> {
        // Replacing the list is one assignment: a panic cannot leave it half-done, so a
        // poisoned lock is still safe to read.
        let last = self.last.read().unwrap_or_else(|e| e.into_inner());
        match last.as_ref() {
            Some((at, listing)) if *at == changes => Some(listing.clone()),
            _ => None,
        }
    }

    /// The kept list if it is current, or the one `list` takes from the engine (only
    /// called then: a kept list costs no engine call's future).
    pub async fn get_or_list<F>(&self, list: impl FnOnce() -> F) -> Result<Arc<Listing>>
    where
        F: Future<Output = Result<Vec<Container>>>,
    {
        if !self.following.load(Ordering::SeqCst) {
            return Ok(Arc::new(Listing::new(list().await?)));
        }
        let _asking = self.asking.lock().await;
        // Read before the engine is asked: a change during the call makes this list
        // old at once.
        let changes = self.changes.load(Ordering::SeqCst);
        if let Some(listing) = self.kept_since(changes) {
            return Ok(listing);
        }
        let listing = Arc::new(Listing::new(list().await?));
        *self.last.write().unwrap_or_else(|e| e.into_inner()) = Some((changes, listing.clone()));
        Ok(listing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A list that counts how often the engine was asked.
    async fn listed(asked: &AtomicUsize) -> Result<Vec<Container>> {
        asked.fetch_add(1, Ordering::SeqCst);
        Ok(Vec::new())
    }

    #[tokio::test]
    async fn a_list_is_kept_only_while_events_are_followed_and_nothing_changed() {
        let live = LiveList::default();
        let asked = AtomicUsize::new(0);

        live.get_or_list(|| listed(&asked)).await.expect("a list");
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        assert_eq!(
            asked.load(Ordering::SeqCst),
            2,
            "not followed: always asked"
        );

        live.follow(true);
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        assert_eq!(asked.load(Ordering::SeqCst), 3, "followed: kept");

        live.changed();
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        assert_eq!(asked.load(Ordering::SeqCst), 4, "a change: asked again");

        live.follow(false);
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        assert_eq!(asked.load(Ordering::SeqCst), 5, "no longer followed");
    }

    #[tokio::test]
    async fn a_change_while_the_engine_is_asked_makes_that_list_old() {
        let live = LiveList::default();
        live.follow(true);
        let asked = AtomicUsize::new(0);
        live.get_or_list(|| async {
            live.changed();
            listed(&asked).await
        })
        .await
        .expect("a list");
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        assert_eq!(asked.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_kept_list_is_answered_while_another_reader_holds_it() {
        let live = LiveList::default();
        live.follow(true);
        let asked = AtomicUsize::new(0);
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        let _another_reader = live.last.read().expect("the list");
        assert!(
            live.current().is_some(),
            "a page read beside another reads from memory too"
        );
    }

    fn container(name: &str, labels: &[(&str, &str)]) -> Container {
        Container {
            id: name.into(),
            server_id: "server".into(),
            name: name.into(),
            image: "image".into(),
            status: super::super::ContainerStatus::Running,
            health: super::super::ContainerHealth::None,
            status_text: "Up 2 seconds".into(),
            command: None,
            created_at: None,
            ports: Vec::new(),
            labels: labels
                .iter()
                .map(|(key, value)| super::super::Label {
                    key: key.to_string(),
                    value: value.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_listing_finds_containers_by_label_in_name_order() {
        let listing = Listing::new(vec![
            container("web-2", &[("stack", "web"), ("team", "ops")]),
            container("db", &[("stack", "db")]),
            container("web-1", &[("stack", "web")]),
        ]);
        let names = |key, value| {
            listing
                .labelled(key, value)
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("stack", "web"), ["web-1", "web-2"]);
        assert_eq!(names("team", "ops"), ["web-2"]);
        assert!(names("stack", "cache").is_empty());
        assert!(names("owner", "web").is_empty());
        let all: Vec<_> = listing.all().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(all, ["db", "web-1", "web-2"]);
    }

    #[tokio::test]
    async fn a_failed_list_is_not_kept() {
        let live = LiveList::default();
        live.follow(true);
        let failed = live
            .get_or_list(|| async { Err(crate::error::Error::Conflict("no".into())) })
            .await;
        assert!(failed.is_err());
        let asked = AtomicUsize::new(0);
        live.get_or_list(|| listed(&asked)).await.expect("a list");
        assert_eq!(asked.load(Ordering::SeqCst), 1);
    }
}

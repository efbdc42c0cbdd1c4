//! A table kept in memory for reads: the stacks, the servers.
//!
//! A page of stacks is the first thing the dashboard asks for, and reading 100 whole
//! rows from the store (the query parsed, run, each row decoded) cost more than
//! everything else the page needs. A [`Kept`] table answers those reads from memory
//! instead: it is filled from the store on the first read, and every write of one of
//! its records, by the domain that owns the table, passes through [`Kept::write`],
//! which records what the store returned once the write has committed. The store stays
//! the source of truth:
//!
//! - Writes are recorded one at a time, in the order they commit, so a slower write
//!   never puts back an older record over a newer one.
//! - A write that fails, or is given up halfway (its request dropped), may or may not
//!   have reached the store: the kept copy is then dropped and filled again by the
//!   next read, from the store.
//! - Only this monitor writes its store (the data directory's lock; restore and nuke
//!   run with monitor stopped), so nothing else changes a record behind it. Several
//!   monitors sharing one SurrealDB server would each have to hear the others' writes,
//!   as [`crate::bus`] says of its topics.
//!
//! A write is therefore visible to every read that starts after the write returned.
//!
//! What reads hand out is the record's GraphQL object ([`Keep::Ready`]), built once when
//! the record is recorded and shared behind an `Arc`: a page of 100 stacks read many
//! times a second would otherwise copy every field of every stack (deploy settings,
//! pipeline…) on every read.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, RwLock};

use surrealdb::types::{RecordId, SurrealValue};

use super::{Store, record_key};
use crate::error::Result;

/// A record of a table that can be kept.
pub trait Keep: SurrealValue + Send + Sync + 'static {
    /// The table the records are read from.
    const TABLE: &'static str;
    /// What reads hand out, made from the record alone.
    type Ready: Send + Sync + 'static;

    fn id(&self) -> &RecordId;

    fn ready(&self) -> Self::Ready;
}

/// What a write did to one record.
pub enum Change<R> {
    /// The record as the store now holds it.
    Stored(Box<R>),
    /// The record of this key is gone (or never was).
    Removed(String),
}

/// What reads hand out by key, in key order (keys are ULIDs: creation order).
type Rows<R> = BTreeMap<String, Arc<<R as Keep>::Ready>>;

/// One table's records by key; cheap to clone.
pub struct Kept<R: Keep> {
    store: Store,
    /// `None` until the first read, and after a write whose outcome is unknown.
    rows: Arc<RwLock<Option<Rows<R>>>>,
    /// Held by each write from before it is sent until it is recorded, and by each
    /// filling, so that a filling never misses a write in flight.
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl<R: Keep> Clone for Kept<R> {
    fn clone(&self) -> Kept<R> {
        Kept {
            store: self.store.clone(),
            rows: self.rows.clone(),
            turn: self.turn.clone(),
        }
    }
}

impl<R: Keep> Kept<R> {
    /// The table, read from `store` when first asked.
    pub fn new(store: Store) -> Kept<R> {
        Kept {
            store,
            rows: Default::default(),
            turn: Default::default(),
        }
    }

    /// The record with this key, if it exists.
    pub async fn get(&self, key: &str) -> Result<Option<Arc<R::Ready>>> {
        self.read(|rows| rows.get(key).cloned()).await
    }

    /// The record with this key, if it exists, when the table is in memory now;
    /// `None` until it is filled (for callers that must not wait: the next [`Self::get`]
    /// fills it).
    pub fn get_now(&self, key: &str) -> Option<Option<Arc<R::Ready>>> {
        let rows = self.rows.read().unwrap_or_else(|e| e.into_inner());
        rows.as_ref().map(|rows| rows.get(key).cloned())
    }

    /// The records with these keys that exist.
    pub async fn get_many(&self, keys: &[String]) -> Result<Vec<Arc<R::Ready>>> {
        self.read(|rows| {
            keys.iter()
                .filter_map(|key| rows.get(key).cloned())
                .collect()
        })
        .await
    }

    /// Up to `limit` records after the key `after`, in key order, that `keep` keeps.
    pub async fn list(
        &self,
        after: Option<&str>,
        limit: usize,
        keep: impl Fn(&R::Ready) -> bool,
    ) -> Result<Vec<Arc<R::Ready>>> {
        let start = after.map_or(Bound::Unbounded, |key| Bound::Excluded(key.to_string()));
        self.read(|rows| {
            rows.range((start, Bound::Unbounded))
                .map(|(_, row)| row)
                .filter(|row| keep(row))
                .take(limit)
                .cloned()
                .collect()
        })
        .await
    }

    /// Runs `write` (a write of one record to the store) in its turn, and records what
    /// `change` says it did.
    pub async fn write<T>(
        &self,
        write: impl Future<Output = Result<T>>,
        change: impl FnOnce(&T) -> Change<R>,
    ) -> Result<T> {
        let _turn = self.turn.lock().await;
        let mut unsure = Unsure {
            kept: self,
            settled: false,
        };
        let result = write.await;
        if let Ok(value) = &result {
            let mut rows = self.rows.write().unwrap_or_else(|e| e.into_inner());
            if let Some(rows) = rows.as_mut() {
                match change(value) {
                    Change::Stored(row) => rows.insert(record_key(row.id()), Arc::new(row.ready())),
                    Change::Removed(key) => rows.remove(&key),
                };
            }
            unsure.settled = true;
        }
        result
    }

    async fn read<T>(&self, answer: impl FnOnce(&Rows<R>) -> T) -> Result<T> {
        if let Some(rows) = self.rows.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return Ok(answer(rows));
        }
        // Boxed: the store's query is a large future, and without the box every read's
        // future (a stack's `server`, in a page of 100) would be as large, answered from
        // memory or not. GraphQL moves each field's future into an allocation of its size.
        Box::pin(self.fill(answer)).await
    }

    /// Fills the table from the store, in its turn, and answers from it.
    async fn fill<T>(&self, answer: impl FnOnce(&Rows<R>) -> T) -> Result<T> {
        let _turn = self.turn.lock().await;
        // Another read may have filled the table while this one waited for its turn.
        if let Some(rows) = self.rows.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return Ok(answer(rows));
        }
        let mut response = self
            .store
            .db()
            .query("SELECT * FROM type::table($table) ORDER BY id")
            .bind(("table", R::TABLE))
            .await?;
        let all: Vec<R> = response.take(0)?;
        let rows: Rows<R> = all
            .into_iter()
            .map(|row| (record_key(row.id()), Arc::new(row.ready())))
            .collect();
        let answered = answer(&rows);
        *self.rows.write().unwrap_or_else(|e| e.into_inner()) = Some(rows);
        Ok(answered)
    }
}

/// Held across a write: unless the write returned and was recorded (`settled`), its
/// outcome is unknown (an error, or the write's future dropped halfway), and the kept
/// copy is dropped.
struct Unsure<'a, R: Keep> {
    kept: &'a Kept<R>,
    settled: bool,
}

impl<R: Keep> Drop for Unsure<'_, R> {
    fn drop(&mut self) {
        if !self.settled {
            *self.kept.rows.write().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[derive(Debug, Clone, SurrealValue)]
    struct Note {
        id: RecordId,
        text: String,
    }

    impl Keep for Note {
        const TABLE: &'static str = "note";
        type Ready = Note;

        fn id(&self) -> &RecordId {
            &self.id
        }

        fn ready(&self) -> Note {
            self.clone()
        }
    }

    /// A store with an empty table of notes.
    async fn store_of_notes() -> Store {
        let store = Store::in_memory().await;
        store
            .db()
            .query("DEFINE TABLE note SCHEMALESS")
            .await
            .expect("the table")
            .check()
            .expect("the table");
        store
    }

    fn texts(notes: &[Arc<Note>]) -> Vec<&str> {
        notes.iter().map(|note| note.text.as_str()).collect()
    }

    #[tokio::test]
    async fn reads_answer_from_memory_once_filled_with_each_recorded_write() {
        let store = store_of_notes().await;
        store
            .db()
            .query("CREATE note:b SET text = 'b'; CREATE note:a SET text = 'a'")
            .await
            .expect("notes")
            .check()
            .expect("notes");
        let kept = Kept::<Note>::new(store);
        let all = kept.list(None, 10, |_| true).await.expect("a read");
        assert_eq!(texts(&all), ["a", "b"]);

        // Recorded, not written: what reads return now comes from memory.
        let note = Note {
            id: RecordId::new("note", "c"),
            text: "c".into(),
        };
        kept.write(async { Ok(()) }, |_| Change::Stored(Box::new(note)))
            .await
            .expect("a write");
        kept.write(async { Ok(()) }, |_| Change::Removed("a".into()))
            .await
            .expect("a write");

        let after_a = kept.list(Some("a"), 10, |_| true).await.expect("a read");
        assert_eq!(texts(&after_a), ["b", "c"]);
        let some = kept
            .get_many(&["c".into(), "a".into()])
            .await
            .expect("a read");
        assert_eq!(texts(&some), ["c"]);
    }

    #[tokio::test]
    async fn a_record_written_again_is_handed_out_anew_while_an_earlier_read_keeps_its_own() {
        let store = store_of_notes().await;
        let kept = Kept::<Note>::new(store);
        let note = |text: &str| Note {
            id: RecordId::new("note", "a"),
            text: text.into(),
        };
        kept.get("a").await.expect("a read");
        kept.write(async { Ok(()) }, |_| {
            Change::Stored(Box::new(note("first")))
        })
        .await
        .expect("a write");
        let first = kept.get("a").await.expect("a read").expect("the note");
        assert!(Arc::ptr_eq(
            &first,
            &kept.get("a").await.expect("a read").expect("the note")
        ));

        kept.write(async { Ok(()) }, |_| {
            Change::Stored(Box::new(note("second")))
        })
        .await
        .expect("a write");
        let second = kept.get("a").await.expect("a read").expect("the note");
        assert_eq!(second.text, "second");
        assert_eq!(first.text, "first");
        let listed = kept.list(None, 10, |_| true).await.expect("a read");
        assert_eq!(texts(&listed), ["second"]);
    }

    #[tokio::test]
    async fn after_a_write_given_up_halfway_reads_go_back_to_the_store() {
        let store = store_of_notes().await;
        let kept = Kept::<Note>::new(store.clone());
        assert!(
            kept.get_many(&["a".into()])
                .await
                .expect("a read")
                .is_empty()
        );

        // The write reaches the store, then its request is dropped before it returns.
        let write = async {
            store
                .db()
                .query("CREATE note:a SET text = 'a'")
                .await?
                .check()?;
            std::future::pending::<Result<()>>().await
        };
        let given_up = tokio::time::timeout(
            Duration::from_millis(100),
            kept.write(write, |_| Change::Removed("a".into())),
        )
        .await;
        assert!(given_up.is_err());

        let read = kept.get_many(&["a".into()]).await.expect("a read");
        assert_eq!(texts(&read), ["a"]);
    }

    #[tokio::test]
    async fn after_a_failed_write_reads_go_back_to_the_store() {
        let store = store_of_notes().await;
        let kept = Kept::<Note>::new(store.clone());
        assert!(
            kept.list(None, 10, |_| true)
                .await
                .expect("a read")
                .is_empty()
        );

        let failed = kept
            .write(
                async {
                    store
                        .db()
                        .query("CREATE note:a SET text = 'a'; THROW 'after the create'")
                        .await?
                        .check()?;
                    Ok(())
                },
                |_| Change::Removed("a".into()),
            )
            .await;
        assert!(failed.is_err());

        let read = kept.list(None, 10, |_| true).await.expect("a read");
        assert_eq!(texts(&read), ["a"]);
    }
}

//! One writer for every session's results: results wait in a bounded queue and are
//! stored in batches, one transaction a batch, so a thousand probes sending at once
//! make a few large writes instead of a thousand small ones racing (and conflicting)
//! on the same indexes.
//!
//! A batch's time, measured (BENCHMARKS.md, "Probes"): the insert, then the counters on
//! its assignments, written once per assignment per batch. Sessions keep several
//! results under way, so a batch holds many results of each assignment; with one
//! each, the counters cost about as much as the insert. A probe's own count is the
//! sum over its assignments, read when asked, so a batch does not also write every
//! probe it has results of. The repeat check, which at first grew slower with the
//! table, runs only for a batch that holds a result stored before.

use std::collections::{HashMap, HashSet};

use surrealdb::types::{RecordId, SurrealValue};
use tokio::sync::{mpsc, oneshot};

use super::model::ResultRow;
use super::store::Stored;
use crate::error::{Error, Result};
use crate::probes::measurements::AssignmentRow;
use crate::store::Store;

/// Groups waiting to be written, at most; a session waits for room.
const QUEUE: usize = 256;
/// Groups in one transaction, at most. A session hands over the results it read in a
/// row as one group (up to 32), so a batch (up to 2,048 results) holds many results
/// of each assignment, and its counters are written once for all of them; were each
/// result queued alone, the queue's fairness would spread a batch over as many
/// assignments as there are sessions sending.
const BATCH: usize = 64;

struct Pending {
    rows: Vec<ResultRow>,
    stored: oneshot::Sender<Result<Vec<Stored>>>,
}

/// The queue to the writer; cheap to clone.
#[derive(Clone)]
pub struct Ingester {
    queue: mpsc::Sender<Pending>,
}

impl Ingester {
    /// Starts the writer; it stops when every handle is gone.
    pub fn start(store: Store) -> Ingester {
        let (queue, pending) = mpsc::channel(QUEUE);
        tokio::spawn(write(store, pending));
        Ingester { queue }
    }

    /// Stores a group of results in one batch, each once (a key stored before is a
    /// repeat), and says which, in order.
    pub async fn store_all(&self, rows: Vec<ResultRow>) -> Result<Vec<Stored>> {
        let (stored, answer) = oneshot::channel();
        let stopped = || Error::Unavailable {
            component: "store",
            message: "the results writer stopped".into(),
        };
        self.queue
            .send(Pending { rows, stored })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write(store: Store, mut pending: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    while pending.recv_many(&mut batch, BATCH).await > 0 {
        let mut rows = Vec::with_capacity(batch.iter().map(|p| p.rows.len()).sum());
        let mut waiting = Vec::with_capacity(batch.len());
        for pending in batch.drain(..) {
            waiting.push((pending.rows.len(), pending.stored));
            rows.extend(pending.rows);
        }
        match write_batch(&store, rows).await {
            Ok(outcomes) => {
                let mut outcomes = outcomes.into_iter();
                for (count, waiting) in waiting {
                    let _ = waiting.send(Ok(outcomes.by_ref().take(count).collect()));
                }
            }
            Err(error) => {
                let message = format!("{error:#}");
                tracing::error!(%message, "cannot store a batch of results");
                for (_, waiting) in waiting {
                    let _ = waiting.send(Err(Error::Unavailable {
                        component: "store",
                        message: message.clone(),
                    }));
                }
            }
        }
    }
}

/// An assignment's new results in a batch: how many, and the latest run among them
/// with its targets, which move the assignment's resume point.
#[derive(Debug, Clone, SurrealValue)]
struct Delivered {
    id: RecordId,
    n: i64,
    run: i64,
    targets: Vec<String>,
}

impl Delivered {
    fn add(&mut self, row: &ResultRow) {
        self.n += 1;
        if row.run > self.run {
            self.run = row.run;
            self.targets.clear();
        }
        if row.run == self.run {
            self.targets.push(row.target.clone());
        }
    }
}

/// Counts a batch's results on their assignments and moves each one's resume point
/// (`last_run`, `last_run_targets`) to the latest run it has results of.
const DELIVERED: &str = "FOR $c IN $assignments { \
    UPDATE $c.id SET results_delivered += $c.n, \
      last_run_targets = IF last_run = $c.run { array::union(last_run_targets ?? [], $c.targets) } \
        ELSE IF (last_run ?? -1) < $c.run { $c.targets } ELSE { last_run_targets }, \
      last_run = math::max([last_run ?? -1, $c.run]) \
    RETURN NONE; }";

/// The batch's keys stored before: each key names its record's id, so one read a key.
const TAKEN: &str = "SELECT VALUE key FROM $ids";

/// Writes the rows whose key is not stored yet, counts them on their assignments, and
/// returns each row's outcome in order.
///
/// A key comes twice only when a probe sends again what it had no acknowledgement for
/// (after a reconnect), so a batch is first written as if every key were new: a
/// record that exists already refuses the whole transaction, and only then are the
/// batch's records looked up and the new ones written. The lookup cost a sixth of a
/// batch's time; a repeat now costs one refused transaction instead.
async fn write_batch(store: &Store, rows: Vec<ResultRow>) -> Result<Vec<Stored>> {
    let tally = Tally::of(&rows, HashSet::new());
    match tally.commit(store).await? {
        Ok(outcomes) => return Ok(outcomes),
        Err(error) => tracing::debug!(%error, "a batch holds a repeat; looking its keys up"),
    }
    let ids: Vec<RecordId> = rows.iter().map(|row| row.id.clone()).collect();
    let mut response = store.db().query(TAKEN).bind(("ids", ids)).await?;
    let taken: HashSet<String> = response.take::<Vec<String>>(0)?.into_iter().collect();
    Tally::of(&rows, taken)
        .commit(store)
        .await?
        .map_err(Error::from)
}

/// What a batch adds: its new rows, and what they count on their assignments.
struct Tally {
    fresh: Vec<ResultRow>,
    /// Per row in order: its assignment if it is new.
    is_new: Vec<Option<String>>,
    assignments: Vec<Delivered>,
}

impl Tally {
    /// The rows whose key is not in `taken` (nor earlier in the batch).
    fn of(rows: &[ResultRow], mut taken: HashSet<String>) -> Tally {
        let mut fresh = Vec::with_capacity(rows.len());
        let mut is_new = Vec::with_capacity(rows.len());
        let mut assignments = HashMap::new();
        for row in rows {
            let new = taken.insert(row.key.clone());
            is_new.push(new.then(|| row.assignment_id.clone()));
            if new {
                assignments
                    .entry(row.assignment_id.clone())
                    .or_insert_with(|| Delivered {
                        id: RecordId::new("assignment", row.assignment_id.clone()),
                        n: 0,
                        run: row.run,
                        targets: Vec::new(),
                    })
                    .add(row);
                fresh.push(row.clone());
            }
        }
        Tally {
            fresh,
            is_new,
            assignments: assignments.into_values().collect(),
        }
    }

    /// Writes it in one transaction; the inner error is a statement's (a key stored
    /// before, among others), the outer one the store's.
    async fn commit(
        self,
        store: &Store,
    ) -> Result<std::result::Result<Vec<Stored>, surrealdb::Error>> {
        let assignment_ids: Vec<RecordId> = self.assignments.iter().map(|c| c.id.clone()).collect();
        let (mut response, errors) = store
            .transaction(
                &[
                    "INSERT INTO probe_result $rows RETURN NONE",
                    DELIVERED,
                    // Only the assignments this batch completed come back: the
                    // session acts on no other, and reading all ~500 cost up to a
                    // fifth of a batch.
                    "SELECT * FROM $assignment_ids WHERE results_delivered >= results_expected",
                ],
                |query| {
                    query
                        .bind(("rows", self.fresh.clone()))
                        .bind(("assignments", self.assignments.clone()))
                        .bind(("assignment_ids", assignment_ids.clone()))
                },
            )
            .await?;
        if let Some(error) = errors.into_values().next() {
            return Ok(Err(error));
        }
        let mut complete: HashMap<String, AssignmentRow> = response
            .take::<Vec<AssignmentRow>>(3)?
            .into_iter()
            .map(|row| (row.key(), row))
            .collect();
        // A completed assignment comes with one of its results only: the session
        // marks it done once.
        Ok(Ok(self
            .is_new
            .into_iter()
            .map(|new| match new {
                Some(assignment) => Stored::New(complete.remove(&assignment).map(Box::new)),
                None => Stored::Repeat,
            })
            .collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::{MeasurementKind, Target};
    use crate::probes::protocol::{ResultKey, ResultMessage};

    impl Ingester {
        /// One result as a group of its own.
        async fn store(&self, row: ResultRow) -> Result<Stored> {
            let mut stored = self.store_all(vec![row]).await?;
            Ok(stored.remove(0))
        }
    }

    fn row(run: u64, target: &str) -> ResultRow {
        let message = ResultMessage {
            key: ResultKey {
                assignment_id: "a1".into(),
                run,
                target: Target::parse(target).unwrap(),
            },
            measurement_id: "m1".into(),
            probe_time: chrono::Utc::now(),
            offset_micros: 0,
            result: None,
            error: Some("unreachable".into()),
        };
        ResultRow::of("p1", MeasurementKind::Ping, &message)
    }

    /// Where an assignment resumes, how many results it counts, and whether the batch
    /// handed it back (as it does once the assignment has every result it owes).
    type Progress = (i64, Vec<String>, i64, bool);

    /// Stores `rows` at once (so they make one batch), and reads their assignment's
    /// progress from the store.
    async fn progress(store: &Store, ingester: &Ingester, rows: Vec<ResultRow>) -> Progress {
        let stored = futures::future::join_all(rows.into_iter().map(|row| ingester.store(row)));
        let handed = stored
            .await
            .into_iter()
            .any(|stored| matches!(stored.unwrap(), Stored::New(Some(_))));
        let mut response = store
            .db()
            .query("SELECT * FROM ONLY assignment:a1")
            .await
            .unwrap();
        let assignment: AssignmentRow = response.take::<Option<_>>(0).unwrap().unwrap();
        let mut targets = assignment.last_run_targets.unwrap_or_default();
        targets.sort();
        (
            assignment.last_run.unwrap(),
            targets,
            assignment.results_delivered,
            handed,
        )
    }

    /// A store holding probe p1's assignment a1 (of six results).
    async fn store_with_assignment() -> Store {
        let store = Store::in_memory().await;
        store
            .db()
            .query(
                "CREATE assignment:a1 CONTENT { measurement_id: 'm1', probe_id: 'p1', \
                    status: 'HELD', results_delivered: 0, results_expected: 6, \
                    created_at: time::now(), updated_at: time::now() }",
            )
            .await
            .unwrap()
            .check()
            .unwrap();
        store
    }

    #[tokio::test]
    async fn a_result_sent_again_in_the_same_batch_or_a_later_one_is_stored_and_counted_once() {
        let store = store_with_assignment().await;
        let ingester = Ingester::start(store.clone());
        let twice = vec![row(0, "192.0.2.1"), row(0, "192.0.2.1")];
        let outcomes = futures::future::join_all(twice.into_iter().map(|row| ingester.store(row)));
        let new = outcomes
            .await
            .into_iter()
            .filter(|outcome| matches!(outcome, Ok(Stored::New(_))))
            .count();
        assert_eq!(new, 1, "one of the two is new, the other a repeat");
        let again = ingester.store(row(0, "192.0.2.1")).await.unwrap();
        assert!(matches!(again, Stored::Repeat));
        let later = ingester.store(row(0, "192.0.2.2")).await.unwrap();
        assert!(
            matches!(later, Stored::New(_)),
            "a batch after a repeat is written"
        );

        let mut counted = store
            .db()
            .query(
                "(SELECT count() FROM probe_result GROUP ALL)[0].count; \
                 assignment:a1.results_delivered",
            )
            .await
            .unwrap();
        let counts: Vec<Option<i64>> = (0..2).map(|n| counted.take(n).unwrap()).collect();
        assert_eq!(
            counts,
            vec![Some(2), Some(2)],
            "stored, counted on the assignment"
        );
    }

    #[tokio::test]
    async fn an_assignment_remembers_the_targets_of_its_latest_run_with_results() {
        let store = store_with_assignment().await;
        let ingester = Ingester::start(store.clone());

        let first = vec![row(0, "192.0.2.1"), row(0, "192.0.2.2")];
        assert_eq!(
            progress(&store, &ingester, first).await,
            (0, vec!["192.0.2.1".into(), "192.0.2.2".into()], 2, false)
        );
        let next_run = vec![row(1, "192.0.2.2"), row(0, "192.0.2.3")];
        assert_eq!(
            progress(&store, &ingester, next_run).await,
            (1, vec!["192.0.2.2".into()], 4, false),
            "a late result of an earlier run does not move it back"
        );
        let repeat_and_more = vec![row(1, "192.0.2.2"), row(1, "192.0.2.1")];
        assert_eq!(
            progress(&store, &ingester, repeat_and_more).await,
            (1, vec!["192.0.2.1".into(), "192.0.2.2".into()], 5, false),
            "the repeat is not counted again"
        );
        let last = vec![row(1, "192.0.2.3")];
        assert_eq!(
            progress(&store, &ingester, last).await,
            (
                1,
                vec!["192.0.2.1".into(), "192.0.2.2".into(), "192.0.2.3".into()],
                6,
                true
            ),
            "the sixth result completes it, and the batch hands it back"
        );
    }
}

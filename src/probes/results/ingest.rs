//! One writer for every session's results: results wait in a bounded queue and are
//! stored in batches, one transaction a batch, so a thousand probes sending at once
//! make a few large writes instead of a thousand small ones racing (and conflicting)
//! on the same indexes.

use std::collections::{HashMap, HashSet};

use surrealdb::types::{RecordId, SurrealValue};
use tokio::sync::{mpsc, oneshot};

use super::model::ResultRow;
use super::store::Stored;
use crate::error::{Error, Result};
use crate::probes::measurements::AssignmentRow;
use crate::store::Store;

/// Results waiting to be written, at most; a session waits for room.
const QUEUE: usize = 8192;
/// Results in one transaction, at most.
const BATCH: usize = 512;

struct Pending {
    row: ResultRow,
    stored: oneshot::Sender<Result<Stored>>,
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

    /// Stores a result once (a key stored before is a repeat) and says which.
    pub async fn store(&self, row: ResultRow) -> Result<Stored> {
        let (stored, answer) = oneshot::channel();
        let stopped = || Error::Unavailable {
            component: "store",
            message: "the results writer stopped".into(),
        };
        self.queue
            .send(Pending { row, stored })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write(store: Store, mut pending: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    while pending.recv_many(&mut batch, BATCH).await > 0 {
        let rows: Vec<ResultRow> = batch.iter().map(|p| p.row.clone()).collect();
        match write_batch(&store, rows).await {
            Ok(outcomes) => {
                for (waiting, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = waiting.stored.send(Ok(outcome));
                }
            }
            Err(error) => {
                let message = error.to_string();
                tracing::error!(%message, "cannot store a batch of results");
                for waiting in batch.drain(..) {
                    let _ = waiting.stored.send(Err(Error::Unavailable {
                        component: "store",
                        message: message.clone(),
                    }));
                }
            }
        }
    }
}

#[derive(Debug, Clone, SurrealValue)]
struct Count {
    id: RecordId,
    n: i64,
}

/// Writes the rows whose key is not stored yet, counts them on their assignments and
/// probes, and returns each row's outcome in order.
async fn write_batch(store: &Store, rows: Vec<ResultRow>) -> Result<Vec<Stored>> {
    let keys: Vec<String> = rows.iter().map(|row| row.key.clone()).collect();
    let mut response = store
        .db()
        .query("SELECT VALUE key FROM probe_result WHERE key IN $keys")
        .bind(("keys", keys))
        .await?;
    let mut taken: HashSet<String> = response.take::<Vec<String>>(0)?.into_iter().collect();
    let mut fresh = Vec::with_capacity(rows.len());
    let mut is_new = Vec::with_capacity(rows.len());
    let (mut assignments, mut probes) = (HashMap::new(), HashMap::new());
    for row in rows {
        let new = taken.insert(row.key.clone());
        is_new.push(new.then(|| row.assignment_id.clone()));
        if new {
            *assignments.entry(row.assignment_id.clone()).or_insert(0) += 1;
            *probes.entry(row.probe_id.clone()).or_insert(0) += 1;
            fresh.push(row);
        }
    }
    let counts = |table: &str, counts: HashMap<String, i64>| -> Vec<Count> {
        counts
            .into_iter()
            .map(|(key, n)| Count {
                id: RecordId::new(table, key),
                n,
            })
            .collect()
    };
    let assignment_counts = counts("assignment", assignments);
    let assignment_ids: Vec<RecordId> = assignment_counts.iter().map(|c| c.id.clone()).collect();
    let probe_counts = counts("probe", probes);
    let (mut response, errors) = store
        .transaction(
            &[
                "INSERT INTO probe_result $rows RETURN NONE",
                "FOR $c IN $assignments { UPDATE $c.id SET results_delivered += $c.n RETURN NONE; }",
                "FOR $c IN $probes { UPDATE $c.id SET results_delivered += $c.n RETURN NONE; }",
                "SELECT * FROM $assignment_ids",
            ],
            |query| {
                query
                    .bind(("rows", fresh.clone()))
                    .bind(("assignments", assignment_counts.clone()))
                    .bind(("probes", probe_counts.clone()))
                    .bind(("assignment_ids", assignment_ids.clone()))
            },
        )
        .await?;
    if let Some(error) = errors.into_values().next() {
        return Err(error.into());
    }
    let after: HashMap<String, AssignmentRow> = response
        .take::<Vec<AssignmentRow>>(4)?
        .into_iter()
        .map(|row| (row.key(), row))
        .collect();
    Ok(is_new
        .into_iter()
        .map(|new| match new {
            Some(assignment) => Stored::New(after.get(&assignment).cloned()),
            None => Stored::Repeat,
        })
        .collect())
}

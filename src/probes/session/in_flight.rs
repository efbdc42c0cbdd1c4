//! The results a session has taken and not yet acknowledged. A session reads on while
//! its results are stored: the results it reads in a row are handed to the store as
//! one group (one queue entry, one batch, one `ack`), so the writer's batches hold
//! many results of each assignment (counted once per assignment per batch) instead of
//! one result of each of a thousand probes.
//!
//! No task per result: the groups are polled by the session itself, beside its
//! socket, and an idle session holds none of this (the queue is made with the first
//! group and dropped with the last).

use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};

use crate::error::Result;
use crate::probes::protocol::ResultKey;
use crate::probes::results::{Checked, Results};

/// Results taken and not yet stored per session, at most; the session reads no
/// further message until some are stored. Enough that a probe's results share
/// batches (the writer takes up to 2,048 a batch), few enough that a thousand probes
/// hold a bounded amount.
pub const MAX_IN_FLIGHT: usize = 32;

type Storing = BoxFuture<'static, (Vec<ResultKey>, Result<()>)>;

#[derive(Default)]
pub struct InFlight {
    /// Read since the last group was handed over.
    keys: Vec<ResultKey>,
    rows: Vec<Checked>,
    storing: Option<FuturesUnordered<Storing>>,
    /// Results in `storing`.
    under_way: usize,
}

impl InFlight {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.under_way == 0
    }

    /// Whether another result may be taken.
    pub fn has_room(&self) -> bool {
        self.keys.len() + self.under_way < MAX_IN_FLIGHT
    }

    /// Takes a checked result; it is stored with those read after it in a row.
    pub fn take(&mut self, key: ResultKey, row: Checked) {
        self.keys.push(key);
        self.rows.push(row);
    }

    /// Hands what was read since the last group to the store, as one group.
    fn hand_over(&mut self, results: &Results) {
        if self.rows.is_empty() {
            return;
        }
        let keys = std::mem::take(&mut self.keys);
        let rows = std::mem::take(&mut self.rows);
        self.under_way += keys.len();
        self.storing
            .get_or_insert_with(FuturesUnordered::new)
            .push(results.store(rows).map(|stored| (keys, stored)).boxed());
    }

    /// Hands over what was read (so poll it only when nothing more is ready to read),
    /// waits for a group to be stored, then takes every other one stored by then: the
    /// keys to acknowledge together, or the first store error. Pending for good while
    /// nothing is under way. Cancel-safe: it gives up nothing it took.
    pub async fn stored(&mut self, results: &Results) -> Result<Vec<ResultKey>> {
        self.hand_over(results);
        let Some(storing) = self.storing.as_mut() else {
            return std::future::pending().await;
        };
        let Some((mut keys, first)) = storing.next().await else {
            return std::future::pending().await;
        };
        self.under_way -= keys.len();
        first?;
        while let Some(Some((more, stored))) = storing.next().now_or_never() {
            self.under_way -= more.len();
            stored?;
            keys.extend(more);
        }
        if storing.is_empty() {
            self.storing = None;
        }
        Ok(keys)
    }

    /// Stores what was read and waits for every group under way (the store writes
    /// what it was handed, and what follows a stored result must run); the keys of
    /// those stored.
    pub async fn settle(&mut self, results: &Results) -> Vec<ResultKey> {
        self.hand_over(results);
        self.under_way = 0;
        let Some(storing) = self.storing.take() else {
            return Vec::new();
        };
        storing
            .filter_map(|(keys, stored)| async move { stored.ok().map(|()| keys) })
            .concat()
            .await
    }
}

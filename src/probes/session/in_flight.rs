//! The results a session has handed to the store and not yet acknowledged. A session
//! keeps a few of them under way while it reads on, so the writer's batches hold many
//! results of each assignment (counted once per assignment per batch) instead of one
//! result of each of a thousand probes; and it acknowledges those that are stored in
//! one `ack` instead of one per result.
//!
//! No task per result: the stores are polled by the session itself, beside its
//! socket, and an idle session holds none of this (the queue is made with the first
//! result and dropped with the last).

use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};

use crate::error::Result;
use crate::probes::protocol::ResultKey;

/// Results under way per session, at most; the session reads no further message
/// until one is stored. Enough that a probe's results share batches (the writer takes
/// thousands a batch), few enough that a thousand probes hold a bounded amount.
pub const MAX_IN_FLIGHT: usize = 32;

type Storing = BoxFuture<'static, (ResultKey, Result<()>)>;

#[derive(Default)]
pub struct InFlight {
    storing: Option<FuturesUnordered<Storing>>,
}

impl InFlight {
    pub fn is_empty(&self) -> bool {
        self.storing.as_ref().is_none_or(FuturesUnordered::is_empty)
    }

    /// Whether another result may be taken.
    pub fn has_room(&self) -> bool {
        self.storing
            .as_ref()
            .is_none_or(|storing| storing.len() < MAX_IN_FLIGHT)
    }

    /// Starts storing the result with this key.
    pub fn push(
        &mut self,
        key: ResultKey,
        storing: impl Future<Output = Result<()>> + Send + 'static,
    ) {
        self.storing
            .get_or_insert_with(FuturesUnordered::new)
            .push(storing.map(|stored| (key, stored)).boxed());
    }

    /// Waits for a result to be stored, then takes every other one stored by then:
    /// the keys to acknowledge together, or the first store error. Pending for good
    /// while nothing is under way. Cancel-safe: it gives up nothing it took.
    pub async fn stored(&mut self) -> Result<Vec<ResultKey>> {
        let Some(storing) = self.storing.as_mut() else {
            return std::future::pending().await;
        };
        let Some((key, first)) = storing.next().await else {
            return std::future::pending().await;
        };
        first?;
        let mut keys = vec![key];
        while let Some(Some((key, stored))) = storing.next().now_or_never() {
            stored?;
            keys.push(key);
        }
        if storing.is_empty() {
            self.storing = None;
        }
        Ok(keys)
    }

    /// Waits for every result under way (the store writes what it was handed, and
    /// what follows a stored result must run); the keys of those stored.
    pub async fn settle(&mut self) -> Vec<ResultKey> {
        let Some(storing) = self.storing.take() else {
            return Vec::new();
        };
        storing
            .filter_map(|(key, stored)| async move { stored.ok().map(|()| key) })
            .collect()
            .await
    }
}

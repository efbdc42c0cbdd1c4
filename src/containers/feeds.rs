//! Shared live feeds, one per (server, container) being followed: the first subscriber
//! starts the engine read, later ones join it, and the read's task removes its entry
//! when it ends. Used by live logs and live stats.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::Stream;
use tokio::sync::broadcast;

use crate::error::{Error, Result};

/// (server id, container id)
pub type FeedKey = (String, String);

/// What a feed carries: items, or, last, why the engine read failed.
#[derive(Debug)]
pub enum FeedItem<T> {
    Item(Arc<T>),
    Failed(String),
}

impl<T> Clone for FeedItem<T> {
    fn clone(&self) -> Self {
        match self {
            FeedItem::Item(item) => FeedItem::Item(item.clone()),
            FeedItem::Failed(message) => FeedItem::Failed(message.clone()),
        }
    }
}

pub struct Feeds<T> {
    map: Arc<Mutex<HashMap<FeedKey, broadcast::Sender<FeedItem<T>>>>>,
}

impl<T> Clone for Feeds<T> {
    fn clone(&self) -> Self {
        Feeds {
            map: self.map.clone(),
        }
    }
}

impl<T> Default for Feeds<T> {
    fn default() -> Self {
        Feeds {
            map: Arc::default(),
        }
    }
}

type Map<T> = HashMap<FeedKey, broadcast::Sender<FeedItem<T>>>;

impl<T: Send + Sync + 'static> Feeds<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Map<T>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Joins the feed of `key`, or spawns `read(sender)` to start it with a buffer of
    /// `capacity` items; `None` when `limit` feeds are open already.
    pub fn join<F, Fut>(
        &self,
        key: FeedKey,
        capacity: usize,
        limit: usize,
        read: F,
    ) -> Option<broadcast::Receiver<FeedItem<T>>>
    where
        F: FnOnce(broadcast::Sender<FeedItem<T>>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let mut feeds = self.lock();
        if let Some(sender) = feeds.get(&key) {
            return Some(sender.subscribe());
        }
        if feeds.len() >= limit {
            return None;
        }
        let (sender, receiver) = broadcast::channel(capacity);
        feeds.insert(key.clone(), sender.clone());
        let feeds = self.clone();
        let reading = read(sender.clone());
        tokio::spawn(async move {
            reading.await;
            feeds.finished(&key, &sender);
        });
        Some(receiver)
    }

    /// Forgets a feed whose read ended (unless a newer one already took its place).
    fn finished(&self, key: &FeedKey, sender: &broadcast::Sender<FeedItem<T>>) {
        let mut feeds = self.lock();
        if feeds
            .get(key)
            .is_some_and(|current| current.same_channel(sender))
        {
            feeds.remove(key);
        }
    }
}

/// A subscriber's read of a feed: each item; a `LAGGED` error (and the stream goes on)
/// when it fell more than the buffer behind; an `UNAVAILABLE` error that ends it when
/// the engine read failed on `server`.
pub fn follow<T: Send + Sync + 'static>(
    mut receiver: broadcast::Receiver<FeedItem<T>>,
    server: String,
) -> impl Stream<Item = Result<Arc<T>>> + Send {
    async_stream::stream! {
        loop {
            match receiver.recv().await {
                Ok(FeedItem::Item(item)) => yield Ok(item),
                Ok(FeedItem::Failed(message)) => {
                    yield Err(crate::docker::unreachable_engine(&server, &message));
                    return;
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    yield Err(Error::Lagged { missed });
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

//! The event bus: one way to publish a change that subscriptions read.
//!
//! A topic is a message type that implements [`Topic`], beside the type in its domain:
//! the audit log's events, operation changes, container changes. A new domain adds a
//! topic with that one impl. Publishing never waits: each topic is a bounded buffer, and
//! a subscriber that falls more than [`Topic::CAPACITY`] messages behind loses the
//! oldest and is told how many ([`Received::Lagged`]), while the producer and every
//! other subscriber carry on.
//!
//! High-volume feeds (a followed container's log, a running operation's output lines)
//! keep their own bounded fan-out, one per container or operation, with the same
//! contract: bounded, lag reported, the producer never slowed.
//!
//! Everything here is in-process. Running several monitors on one SurrealDB server
//! changes this module and [`crate::runner`] only: [`Bus::publish`] would also write
//! the message where the other monitors read it (a table they follow with a live
//! query), and a task on the runner would feed what arrives from the others into the
//! same topics. Nothing that publishes or subscribes would change.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use futures::{Stream, StreamExt};
use tokio::sync::broadcast;

use crate::error::{Error, Result};

/// A kind of message on the bus.
pub trait Topic: Clone + Send + Sync + 'static {
    /// What the topic carries, for logs.
    const NAME: &'static str;
    /// How many messages a subscriber may fall behind before it misses some.
    const CAPACITY: usize = 1024;
}

/// The topics of one monitor; cheap to clone.
#[derive(Clone, Default)]
pub struct Bus {
    /// One `broadcast::Sender<T>` per topic `T`, keyed by the topic's type.
    topics: Arc<RwLock<HashMap<TypeId, Box<dyn Any + Send + Sync>>>>,
}

impl Bus {
    pub fn new() -> Bus {
        Bus::default()
    }

    /// Sends a message to the topic's subscribers, now; nobody listening is fine.
    pub fn publish<T: Topic>(&self, message: T) {
        let _ = self.sender::<T>().send(message);
    }

    /// The topic's messages from now on.
    pub fn subscribe<T: Topic>(&self) -> Subscriber<T> {
        Subscriber {
            receiver: self.sender::<T>().subscribe(),
        }
    }

    fn sender<T: Topic>(&self) -> broadcast::Sender<T> {
        let key = TypeId::of::<T>();
        // Each map change is one insert: a panic elsewhere cannot leave it half-done.
        if let Some(sender) = self
            .topics
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .and_then(|sender| sender.downcast_ref::<broadcast::Sender<T>>())
        {
            return sender.clone();
        }
        let mut topics = self.topics.write().unwrap_or_else(|e| e.into_inner());
        let sender = topics.entry(key).or_insert_with(|| {
            tracing::debug!(topic = T::NAME, "opening a topic");
            Box::new(broadcast::channel::<T>(T::CAPACITY).0)
        });
        sender
            .downcast_ref::<broadcast::Sender<T>>()
            .cloned()
            .expect("a topic's entry is keyed by its own type")
    }
}

/// What a subscriber receives next.
#[derive(Debug, PartialEq)]
pub enum Received<T> {
    Message(T),
    /// The subscriber fell behind and this many messages were dropped for it.
    Lagged(u64),
}

/// One subscriber's bounded view of a topic.
pub struct Subscriber<T> {
    receiver: broadcast::Receiver<T>,
}

impl<T: Topic> Subscriber<T> {
    /// The next message, or how many were missed; `None` once the bus is gone.
    pub async fn recv(&mut self) -> Option<Received<T>> {
        match self.receiver.recv().await {
            Ok(message) => Some(Received::Message(message)),
            Err(broadcast::error::RecvError::Lagged(missed)) => Some(Received::Lagged(missed)),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }

    /// The messages that `keep` accepts, as a stream; a lag is an [`Error::Lagged`] item,
    /// after which the stream goes on.
    pub fn stream_where(
        self,
        keep: impl Fn(&T) -> bool + Send + 'static,
    ) -> impl Stream<Item = Result<T>> + Send + 'static {
        futures::stream::unfold(self, |mut subscriber| async move {
            let received = subscriber.recv().await?;
            Some((received, subscriber))
        })
        .filter_map(move |received| {
            std::future::ready(match received {
                Received::Message(message) if keep(&message) => Some(Ok(message)),
                Received::Message(_) => None,
                Received::Lagged(missed) => Some(Err(Error::Lagged { missed })),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Ping(u32);

    impl Topic for Ping {
        const NAME: &'static str = "ping";
        const CAPACITY: usize = 4;
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Pong;

    impl Topic for Pong {
        const NAME: &'static str = "pong";
    }

    #[tokio::test]
    async fn each_topic_reaches_only_its_own_subscribers() {
        let bus = Bus::new();
        let mut pings = bus.subscribe::<Ping>();
        let mut pongs = bus.subscribe::<Pong>();

        bus.publish(Ping(1));
        bus.publish(Pong);

        assert_eq!(pings.recv().await, Some(Received::Message(Ping(1))));
        assert_eq!(pongs.recv().await, Some(Received::Message(Pong)));
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_is_told_how_many_it_missed_and_goes_on() {
        let bus = Bus::new();
        let mut slow = bus.subscribe::<Ping>();

        for n in 0..10 {
            bus.publish(Ping(n));
        }

        assert_eq!(slow.recv().await, Some(Received::Lagged(6)));
        assert_eq!(slow.recv().await, Some(Received::Message(Ping(6))));
    }

    #[tokio::test]
    async fn a_filtered_stream_skips_what_it_does_not_keep_and_reports_lag() {
        let bus = Bus::new();
        let stream = bus.subscribe::<Ping>().stream_where(|ping| ping.0 % 2 == 0);

        for n in 0..6 {
            bus.publish(Ping(n));
        }
        drop(bus);

        let items: Vec<_> = stream.collect().await;
        assert!(matches!(items[0], Err(Error::Lagged { missed: 2 })));
        let kept: Vec<u32> = items[1..]
            .iter()
            .map(|item| item.as_ref().map(|ping| ping.0).expect("a message"))
            .collect();
        assert_eq!(kept, [2, 4]);
    }
}

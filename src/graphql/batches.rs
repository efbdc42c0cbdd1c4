//! When a request's DataLoaders read: once the request can go no further without them.
//!
//! async-graphql's DataLoader gathers keys for a fixed delay after the first one, then
//! reads. On a busy machine the fields of a long page can take longer than that to ask
//! for their keys, and the page's keys were split over several reads (measured: a
//! page of 100 operations cost one more round trip than a page of 10, at 1 ms and at
//! 5 ms). Here the loaders of a request hand their reads to [`Batches`] instead of
//! spawning them, and the request runs as [`Driven`]: the reads start only when the
//! request, polled, is waiting and did not wake itself, that is once every field that
//! could ask for a key has asked. A page costs one read per loader and level, whatever
//! its length, and no read waits for a timer.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, FuturesUnordered};
use futures::task::ArcWake;
use futures::{Stream, StreamExt};

/// The reads a request's loaders have asked for, not started yet.
#[derive(Clone, Default)]
pub struct Batches {
    queued: Arc<Mutex<Vec<BoxFuture<'static, ()>>>>,
}

impl Batches {
    /// What the request's DataLoaders spawn their reads with.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
        let queued = self.queued.clone();
        move |read| lock(&queued).push(read)
    }

    fn take(&self) -> Vec<BoxFuture<'static, ()>> {
        std::mem::take(&mut *lock(&self.queued))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Each change under this lock is one push or one take: never half-done.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A request's execution (a future) or a subscription's responses (a stream), with the
/// reads its loaders asked for.
pub struct Driven<T> {
    inner: T,
    batches: Batches,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
}

impl<T> Driven<T> {
    pub fn new(inner: T, batches: Batches) -> Driven<T> {
        Driven {
            inner,
            batches,
            running: FuturesUnordered::new(),
        }
    }

    /// Starts the queued reads and lets every read make progress; a read that ends
    /// wakes the fields waiting for it, and so this task.
    fn read(&mut self, cx: &mut Context<'_>) {
        self.running.extend(self.batches.take());
        while let Poll::Ready(Some(())) = self.running.poll_next_unpin(cx) {}
    }
}

impl<R> Future for Driven<BoxFuture<'static, R>> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = &mut *self;
        let (result, woke_itself) = watching(cx, |cx| this.inner.as_mut().poll(cx));
        if result.is_pending() && !woke_itself {
            this.read(cx);
        }
        result
    }
}

impl<R> Stream for Driven<BoxStream<'static, R>> {
    type Item = R;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<R>> {
        let this = &mut *self;
        let (result, woke_itself) = watching(cx, |cx| this.inner.poll_next_unpin(cx));
        if result.is_pending() && !woke_itself {
            this.read(cx);
        }
        result
    }
}

/// Polls with a waker that notes whether it was woken during the poll: a future that
/// yields to let others run wakes itself, and has more to do before it waits.
fn watching<T>(cx: &mut Context<'_>, poll: impl FnOnce(&mut Context<'_>) -> T) -> (T, bool) {
    let flag = Arc::new(Flag {
        woken: AtomicBool::new(false),
        task: cx.waker().clone(),
    });
    let waker: Waker = futures::task::waker(flag.clone());
    let result = poll(&mut Context::from_waker(&waker));
    (result, flag.woken.load(Ordering::Acquire))
}

struct Flag {
    woken: AtomicBool,
    task: Waker,
}

impl ArcWake for Flag {
    fn wake_by_ref(flag: &Arc<Self>) {
        flag.woken.store(true, Ordering::Release);
        flag.task.wake_by_ref();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use async_graphql::dataloader::{DataLoader, Loader};

    use super::*;

    /// Records the size of every read.
    struct Sizes(Arc<Mutex<Vec<usize>>>);

    impl Loader<u32> for Sizes {
        type Value = u32;
        type Error = std::convert::Infallible;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            self.0.lock().expect("sizes").push(keys.len());
            Ok(keys.iter().map(|key| (*key, key * 2)).collect())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn keys_asked_for_by_slow_fields_are_read_together() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let batches = Batches::default();
        let loader = Arc::new(
            DataLoader::new(Sizes(sizes.clone()), batches.spawner())
                .delay(std::time::Duration::ZERO),
        );
        // Fields that are slow to ask (a preempted thread, a debug build) or yield
        // first: 10 ms pass between the first key and the last.
        let fields = (0..100u32).map(|key| {
            let loader = loader.clone();
            async move {
                if key % 10 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                for _ in 0..key % 3 {
                    tokio::task::yield_now().await;
                }
                loader.load_one(key).await.expect("loaded")
            }
        });
        let request: BoxFuture<'static, Vec<Option<u32>>> =
            Box::pin(futures::future::join_all(fields));

        let values = Driven::new(request, batches).await;

        assert_eq!(values[99], Some(198));
        assert_eq!(*sizes.lock().expect("sizes"), [100]);
    }
}

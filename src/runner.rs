//! One way to run a background loop: named tasks under supervision.
//!
//! The runner holds the shutdown token. Each task gets a token that shutdown (or its
//! owner, e.g. when a server is removed) cancels, and the task is expected to return
//! once it is. A task that returns an error or panics is logged, counted in
//! `monitor_task_restarts_total` and started again after a pause that doubles up to
//! [`MAX_BACKOFF`] (and starts over once a run has lasted [`STEADY`]). A task that
//! returns `Ok` is done. Shutdown waits for every task to return.
//!
//! Today's tasks: one supervisor per server, the managed registry's set-up, and the
//! scheduled backups. Running several monitors on one SurrealDB server changes this
//! module and [`crate::bus`] only: the runner would take a lease in the store before
//! starting a task that must run once across monitors (the managed registry, the
//! scheduled backups), and run the bus's relay.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures::FutureExt;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::metrics::TaskLabels;

/// The first pause before a failed task runs again.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest pause between restarts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A run this long counts as healthy: the next failure restarts after the first pause.
pub const STEADY: Duration = Duration::from_secs(60);

/// Runs and supervises background loops; cheap to clone.
#[derive(Clone)]
pub struct Runner {
    shutdown: CancellationToken,
    tasks: TaskTracker,
    restarts: Family<TaskLabels, Counter>,
    first_backoff: Duration,
}

impl Runner {
    /// A runner whose tasks stop with `shutdown`, counting restarts in `restarts`.
    pub fn new(shutdown: CancellationToken, restarts: Family<TaskLabels, Counter>) -> Runner {
        Runner {
            shutdown,
            tasks: TaskTracker::new(),
            restarts,
            first_backoff: FIRST_BACKOFF,
        }
    }

    /// Cancelled when monitor begins to shut down.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// A token for one task: cancelled at shutdown, or earlier by whoever holds it.
    pub fn task_token(&self) -> CancellationToken {
        self.shutdown.child_token()
    }

    /// Runs `body` until it returns `Ok` or `stop` is cancelled, starting it again after
    /// an error or a panic. `kind` names the loop in metrics (`server`), `name` the
    /// instance in logs (the server's name).
    pub fn spawn<Body, Run>(
        &self,
        kind: &'static str,
        name: impl Into<String>,
        stop: CancellationToken,
        mut body: Body,
    ) where
        Body: FnMut(CancellationToken) -> Run + Send + 'static,
        Run: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let name = name.into();
        let restarts = self
            .restarts
            .get_or_create(&TaskLabels { task: kind })
            .clone();
        let first_backoff = self.first_backoff;
        self.tasks.spawn(async move {
            let mut backoff = first_backoff;
            loop {
                let started = Instant::now();
                let outcome = AssertUnwindSafe(body(stop.clone())).catch_unwind().await;
                let failure = match outcome {
                    Ok(Ok(())) => return,
                    Ok(Err(error)) => format!("{error:#}"),
                    Err(panic) => panic_message(panic.as_ref()),
                };
                if stop.is_cancelled() {
                    return;
                }
                if started.elapsed() >= STEADY {
                    backoff = first_backoff;
                }
                restarts.inc();
                tracing::error!(task = kind, name = %name, error = %failure, retry_in = ?backoff, "a background task failed; restarting it");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.cancelled() => return,
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        });
    }

    /// Cancels every task and waits for all of them to return.
    pub async fn stop(&self) {
        self.shutdown.cancel();
        self.tasks.close();
        self.tasks.wait().await;
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    format!("panicked: {text}")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// A runner whose restarts wait a millisecond, not a second.
    fn runner() -> (Runner, Family<TaskLabels, Counter>) {
        let restarts = Family::default();
        let runner = Runner {
            first_backoff: Duration::from_millis(1),
            ..Runner::new(CancellationToken::new(), restarts.clone())
        };
        (runner, restarts)
    }

    #[tokio::test]
    async fn a_task_that_errs_or_panics_is_restarted_and_counted() {
        let (runner, restarts) = runner();
        let runs = Arc::new(AtomicU32::new(0));
        let (done_tx, done) = tokio::sync::oneshot::channel();
        let mut done_tx = Some(done_tx);
        let counted = runs.clone();
        runner.spawn("flaky", "test", runner.task_token(), move |_| {
            let run = counted.fetch_add(1, Ordering::SeqCst);
            let finished = if run == 2 { done_tx.take() } else { None };
            async move {
                match run {
                    0 => anyhow::bail!("the first run fails"),
                    1 => panic!("the second run panics"),
                    _ => {
                        if let Some(finished) = finished {
                            let _ = finished.send(());
                        }
                        Ok(())
                    }
                }
            }
        });

        done.await.expect("the third run ends the task");
        runner.stop().await;

        assert_eq!(runs.load(Ordering::SeqCst), 3);
        assert_eq!(
            restarts.get_or_create(&TaskLabels { task: "flaky" }).get(),
            2
        );
    }

    #[tokio::test]
    async fn stopping_the_runner_waits_for_every_task_to_return() {
        let (runner, _) = runner();
        let returned = Arc::new(AtomicU32::new(0));
        for _ in 0..3 {
            let returned = returned.clone();
            runner.spawn("waiting", "test", runner.task_token(), move |stop| {
                let returned = returned.clone();
                async move {
                    stop.cancelled().await;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    returned.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            });
        }

        runner.stop().await;

        assert_eq!(returned.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_task_stopped_by_its_owner_is_not_restarted() {
        let (runner, restarts) = runner();
        let stop = runner.task_token();
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let mut started_tx = Some(started_tx);
        runner.spawn("owned", "test", stop.clone(), move |stop| {
            if let Some(started) = started_tx.take() {
                let _ = started.send(());
            }
            async move {
                stop.cancelled().await;
                anyhow::bail!("stopped")
            }
        });

        started.await.expect("the task starts");
        stop.cancel();
        runner.stop().await;

        assert_eq!(
            restarts.get_or_create(&TaskLabels { task: "owned" }).get(),
            0
        );
    }
}

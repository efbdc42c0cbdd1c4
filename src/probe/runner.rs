//! The assignments a probe holds: each runs on its schedule, and no more measurements
//! run at once than the probe's capacity (the others queue for a slot).
//!
//! A run's due time is on the server's clock, read through the measured offset. A run
//! whose slot has passed (the probe was offline, or busy) is skipped, not run late. A
//! result already in the spool, or one the server says it holds, is not measured
//! again: an assignment re-sent after a reconnect or a restart resumes where the probe
//! stood.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::measure::measure;
use super::spool::Spool;
use crate::probes::input::Target;
use crate::probes::protocol::{Assignment, MAX_CAPACITY, ResultKey, ResultMessage};

/// What the probe is doing, as `status` reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    pub running: u32,
    pub queued: u32,
    pub spooled: u64,
}

pub struct Runner {
    spool: Arc<Spool>,
    slots: Arc<Semaphore>,
    assignments: Mutex<HashMap<String, CancellationToken>>,
    offset_micros: AtomicI64,
    load: watch::Sender<Load>,
    stop: CancellationToken,
}

impl Runner {
    pub fn new(spool: Arc<Spool>, capacity: u32, stop: CancellationToken) -> Arc<Runner> {
        let load = Load {
            spooled: spool.len(),
            ..Load::default()
        };
        Arc::new(Runner {
            spool,
            slots: Arc::new(Semaphore::new(capacity as usize)),
            assignments: Mutex::new(HashMap::new()),
            offset_micros: AtomicI64::new(0),
            load: watch::Sender::new(load),
            stop,
        })
    }

    /// Takes an assignment; taking one already held is a no-op (the server re-sends
    /// them after a reconnect). Refuses, saying why, when the probe holds too many.
    pub fn assign(self: &Arc<Self>, assignment: Assignment) -> Result<(), String> {
        let mut held = self.held();
        if held.contains_key(&assignment.assignment_id) {
            return Ok(());
        }
        if held.len() >= MAX_CAPACITY as usize {
            return Err(format!(
                "this probe holds {MAX_CAPACITY} assignments already"
            ));
        }
        let cancel = self.stop.child_token();
        held.insert(assignment.assignment_id.clone(), cancel.clone());
        let runner = Arc::clone(self);
        tokio::spawn(async move {
            let id = assignment.assignment_id.clone();
            runner.run(assignment, cancel).await;
            runner.held().remove(&id);
        });
        Ok(())
    }

    /// Stops an assignment; what it already measured stays in the spool.
    pub fn cancel(&self, assignment_id: &str) {
        if let Some(cancel) = self.held().remove(assignment_id) {
            cancel.cancel();
        }
    }

    pub fn set_offset(&self, offset_micros: i64) {
        self.offset_micros.store(offset_micros, Ordering::Relaxed);
    }

    pub fn offset_micros(&self) -> i64 {
        self.offset_micros.load(Ordering::Relaxed)
    }

    pub fn load(&self) -> watch::Receiver<Load> {
        self.load.subscribe()
    }

    /// The spool changed (a result came or went).
    pub fn spool_changed(&self) {
        let spooled = self.spool.len();
        self.load.send_if_modified(|load| {
            let changed = load.spooled != spooled;
            load.spooled = spooled;
            changed
        });
    }

    fn server_now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::microseconds(self.offset_micros())
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancellationToken>> {
        self.assignments
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn run(self: &Arc<Self>, assignment: Assignment, cancel: CancellationToken) {
        let assignment = Arc::new(assignment);
        let mut measurements = JoinSet::new();
        for run in assignment.first_run..assignment.schedule.runs() {
            let Some((due, until)) = assignment.schedule.slot(run) else {
                break;
            };
            if self.server_now() >= until {
                continue;
            }
            if let Ok(wait) = (due - self.server_now()).to_std() {
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = cancel.cancelled() => return,
                }
            }
            for target in &assignment.targets {
                if run == assignment.first_run && assignment.measured.contains(target) {
                    continue;
                }
                let key = ResultKey {
                    assignment_id: assignment.assignment_id.clone(),
                    run,
                    target: target.clone(),
                };
                if !self.spool.contains(&key) {
                    let runner = Arc::clone(self);
                    let assignment = Arc::clone(&assignment);
                    let target = target.clone();
                    measurements
                        .spawn(async move { runner.measure(&assignment, key, &target).await });
                }
            }
        }
        tokio::select! {
            () = async { while measurements.join_next().await.is_some() {} } => {}
            () = cancel.cancelled() => measurements.abort_all(),
        }
    }

    /// Measures one target for one run when a slot is free, and spools the result.
    async fn measure(&self, assignment: &Assignment, key: ResultKey, target: &Target) {
        let queued = Counted::new(&self.load, |load| &mut load.queued);
        let slot = self.slots.acquire().await;
        drop(queued);
        let running = Counted::new(&self.load, |load| &mut load.running);
        let probe_time = Utc::now();
        let outcome = measure(&assignment.params, target).await;
        drop((slot, running));
        let (result, error) = match outcome {
            Ok(result) => (Some(result), None),
            Err(error) => (None, Some(error)),
        };
        let message = ResultMessage {
            key,
            measurement_id: assignment.measurement_id.clone(),
            probe_time,
            offset_micros: self.offset_micros(),
            result,
            error,
        };
        if let Err(error) = self.spool.put(message).await {
            tracing::error!(error = %format!("{error:#}"), "cannot spool a result; it is lost");
        }
        self.spool_changed();
    }
}

/// Counts one in a field of the load for as long as it lives, even when the task
/// holding it is aborted (a cancelled assignment).
struct Counted<'a> {
    load: &'a watch::Sender<Load>,
    field: fn(&mut Load) -> &mut u32,
}

impl<'a> Counted<'a> {
    fn new(load: &'a watch::Sender<Load>, field: fn(&mut Load) -> &mut u32) -> Self {
        load.send_modify(|load| *field(load) += 1);
        Counted { load, field }
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.load.send_modify(|load| *(self.field)(load) -= 1);
    }
}

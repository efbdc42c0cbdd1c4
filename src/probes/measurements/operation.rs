//! The Operation each measurement runs under: it ends when the measurement does, and
//! cancelling it cancels the measurement (tried until the store takes it).

use std::collections::HashMap;

use tokio::sync::watch;

use super::{MeasurementStatus, Measurements, store};
use crate::audit::Actor;
use crate::error::Result;
use crate::operations::{Ending, OperationKind, OperationSpec, OperationSubject, OperationTrigger};

impl Measurements {
    /// Records the operation a measurement runs under, and starts it: it ends when the
    /// measurement does, and cancelling it cancels the measurement.
    pub(super) async fn start_operation(
        &self,
        actor: &Actor,
        key: &str,
        target: String,
        trigger: OperationTrigger,
    ) -> Result<String> {
        let (ended, mut wait) = watch::channel(false);
        self.lock_ends().insert(key.to_string(), ended);
        let guard = CancelOnDrop {
            measurements: self.clone(),
            key: key.to_string(),
        };
        let spec = OperationSpec {
            kind: OperationKind::Measurement,
            trigger,
            subject: OperationSubject::Measurement {
                measurement_id: key.to_string(),
            },
            parent_id: None,
            target,
            working_directory: None,
            queued: false,
        };
        let launched = self
            .operations
            .launch(actor, spec, None, move |progress| async move {
                let _guard = guard;
                progress.note("measuring: the probes' results are the measurement's results");
                let _ = wait.wait_for(|ended| *ended).await;
                Ending::succeeded()
            })
            .await?;
        let operation_id = launched.operation.key();
        store::set_operation(&self.store, key, &operation_id).await?;
        Ok(operation_id)
    }

    pub(super) fn lock_ends(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<bool>>> {
        // Each change is one insert or remove: a poisoned lock still holds a whole map.
        self.ends.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Cancels its measurement when its operation is dropped while the measurement still
/// runs (the operation was cancelled), unless monitor is shutting down.
struct CancelOnDrop {
    measurements: Measurements,
    key: String,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let running = self.measurements.lock_ends().contains_key(&self.key);
        if !running || self.measurements.shutdown.is_cancelled() {
            return;
        }
        let (measurements, key) = (self.measurements.clone(), self.key.clone());
        tokio::spawn(async move {
            measurements
                .end_unattended(&key, MeasurementStatus::Cancelled)
                .await;
        });
    }
}

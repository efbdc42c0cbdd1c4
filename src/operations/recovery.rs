//! Starting after a crash: operations a previous process left queued or running are
//! marked INTERRUPTED, and what their commands left running on this host is killed,
//! each such operation saying in its output and its error which processes those were.

use std::sync::Arc;

use chrono::Utc;
use surrealdb::types::SurrealValue;

use super::model::{Operation, OutputLine, OutputStream};
use super::{ENDED_KEPT, Operations, store};
use crate::audit::AuditLog;
use crate::bus::Bus;
use crate::error::{Error, Result};
use crate::host::leftovers::{self, Leftover};
use crate::store::Store;

impl Operations {
    /// The service, once what a previous process left running is marked interrupted
    /// and the processes it left behind are killed.
    pub async fn recover(store: Store, audit: AuditLog, bus: Bus) -> Result<Operations> {
        let interrupted = store::interrupt_leftovers(&store).await?;
        if !interrupted.is_empty() {
            let keys: Vec<String> = interrupted.iter().map(Operation::key).collect();
            let killed = tokio::task::spawn_blocking(move || leftovers::kill(&keys))
                .await
                .map_err(|error| {
                    Error::Internal(anyhow::anyhow!(
                        "looking for leftover processes failed: {error}"
                    ))
                })?;
            tracing::warn!(
                interrupted = interrupted.len(),
                processes_killed = killed.values().map(Vec::len).sum::<usize>(),
                "marked operations left running by the previous process as INTERRUPTED, and killed the processes they had left running"
            );
            for operation in &interrupted {
                if let Some(processes) = killed.get(&operation.key()) {
                    explain(&store, operation, processes).await?;
                }
            }
        }
        Ok(Operations {
            store,
            audit,
            running: Default::default(),
            ended: Arc::new(quick_cache::sync::Cache::new(ENDED_KEPT)),
            bus,
        })
    }
}

/// Writes which processes were killed as the operation's last output line, and how
/// many into its error.
async fn explain(store: &Store, operation: &Operation, processes: &[Leftover]) -> Result<()> {
    #[derive(SurrealValue)]
    struct Explained {
        error: String,
    }
    let count = match processes.len() {
        1 => "1 process".to_string(),
        n => format!("{n} processes"),
    };
    let list: Vec<String> = processes.iter().map(ToString::to_string).collect();
    let line = OutputLine {
        // Stored lines are always the first ones, so the count is the next number.
        seq: operation.output_lines,
        stream: OutputStream::Monitor,
        text: format!(
            "monitor stopped while this ran; its next start killed the {count} the operation had left running: {}",
            list.join(", ")
        ),
        timestamp: Utc::now(),
    };
    let error = format!(
        "monitor stopped while this operation ran; its next start killed the {count} it had left running"
    );
    store::finish(store, &operation.key(), vec![line], Explained { error }).await?;
    Ok(())
}

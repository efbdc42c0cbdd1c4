//! What an operation is: a unit of work with a lifecycle and its output.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::subject::OperationSubject;
use crate::audit::Actor;
use crate::store::record_key;

/// The kind of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationKind {
    /// A shell command on a server.
    Command,
    /// Cloning a stack's repository.
    Clone,
    /// Pulling a stack's branch.
    Pull,
    /// Running one of a stack's repo scripts.
    Script,
    /// Building a stack's image.
    Build,
    /// Pushing a stack's image to the registry.
    Push,
    /// Creating (or replacing) a stack's container.
    Deploy,
    /// A stack's pipeline run; its steps are operations with this one as parent.
    Pipeline,
    /// Deploying (or reverting to) a version of an app on the cluster.
    AppDeploy,
    /// Undeploying an app, keeping its resource.
    AppUndeploy,
    /// A measurement's runs on its probes, from creation until its last result,
    /// cancellation, or a restart of monitor (which starts a new one).
    Measurement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// monitor stopped (or crashed) while the operation ran.
    Interrupted,
}

impl OperationStatus {
    /// Whether the operation is over: its record changes no more.
    pub fn has_ended(self) -> bool {
        !matches!(self, OperationStatus::Queued | OperationStatus::Running)
    }
}

/// What started an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationTrigger {
    /// A person or script, through the API.
    Manual,
    /// A git push, through a webhook.
    Webhook,
    /// monitor itself, e.g. resuming a measurement after a restart.
    System,
}

// Stored as it is shown: the GraphQL fields resolve from the stored record, and
// `graphql.rs` adds the id, the subject's ids and the related records.
/// A unit of work monitor did or is doing, with its output kept.
#[derive(Debug, Clone, SimpleObject, SurrealValue)]
#[graphql(complex)]
pub struct Operation {
    #[graphql(skip)]
    pub id: RecordId,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub trigger: OperationTrigger,
    /// What it is about: a server, a stack…
    #[graphql(skip)]
    pub subject: OperationSubject,
    /// The pipeline run this operation is a step of.
    #[graphql(skip)]
    pub parent_id: Option<String>,
    /// What it works on, e.g. the command line.
    pub target: String,
    pub working_directory: Option<String>,
    /// Who started it.
    pub actor: Actor,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub exit_code: Option<i64>,
    /// Why it failed, was cancelled or was interrupted.
    pub error: Option<String>,
    /// Lines of output stored so far.
    pub output_lines: i64,
}

impl Operation {
    /// The operation's id, as the API shows it.
    pub fn key(&self) -> String {
        record_key(&self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutputStream {
    Stdout,
    Stderr,
    /// Written by monitor itself, e.g. that output was truncated.
    Monitor,
}

/// One line of an operation's output; `seq` counts from 0 and orders the lines.
#[derive(Debug, Clone, PartialEq, SimpleObject, SurrealValue)]
#[graphql(name = "OperationOutputLine")]
pub struct OutputLine {
    pub seq: i64,
    pub stream: OutputStream,
    pub text: String,
    pub timestamp: DateTime<Utc>,
}

/// Consecutive output lines stored as one record.
#[derive(Debug, Clone, SurrealValue)]
pub struct OutputChunk {
    pub operation: String,
    pub first_seq: i64,
    pub lines: Vec<OutputLine>,
}

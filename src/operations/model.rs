//! What an operation is: a unit of work with a lifecycle and its output.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::{Actor, record_key};

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

/// What started an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationTrigger {
    /// A person or script, through the API.
    Manual,
    /// A git push, through a webhook.
    Webhook,
}

#[derive(Debug, Clone, SurrealValue)]
pub struct OperationRow {
    pub id: RecordId,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub trigger: OperationTrigger,
    pub server_id: String,
    pub stack_id: Option<String>,
    pub parent_id: Option<String>,
    /// What the operation works on, as a person reads it (the command line).
    pub target: String,
    pub working_directory: Option<String>,
    pub actor: Actor,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub exit_code: Option<i64>,
    pub error: Option<String>,
    pub output_lines: i64,
}

impl OperationRow {
    pub fn to_operation(&self) -> Operation {
        Operation {
            id: ID(record_key(&self.id)),
            kind: self.kind,
            status: self.status,
            trigger: self.trigger,
            server_id: ID(self.server_id.clone()),
            stack_id: self.stack_id.clone().map(ID),
            parent_id: self.parent_id.clone().map(ID),
            target: self.target.clone(),
            working_directory: self.working_directory.clone(),
            actor: self.actor.clone(),
            created_at: self.created_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
            exit_code: self.exit_code,
            error: self.error.clone(),
            output_lines: self.output_lines,
        }
    }
}

/// A unit of work monitor did or is doing, with its output kept.
#[derive(Debug, Clone, SimpleObject)]
pub struct Operation {
    pub id: ID,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub trigger: OperationTrigger,
    pub server_id: ID,
    /// The stack it works for, if any.
    pub stack_id: Option<ID>,
    /// The pipeline run this operation is a step of.
    pub parent_id: Option<ID>,
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

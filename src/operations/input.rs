//! Operation inputs: running a command, cancelling, and filtering the history.

use async_graphql::{Enum, ID, InputObject};

use super::model::{Operation, OperationKind, OperationStatus};
use super::subject::SubjectFilter;
use crate::error::{Error, Result};
use crate::host::protocol::CommandRequest;
use crate::servers::ServerConnection;
use crate::store::page::OrderDirection;

#[derive(Debug, InputObject)]
pub struct RunCommandInput {
    pub server_id: ID,
    /// Run by `sh -c` on the server.
    pub command: String,
    /// An absolute path; the server's root directory when left out.
    pub working_directory: Option<String>,
}

impl RunCommandInput {
    pub fn parse(&self, server: &ServerConnection) -> Result<CommandRequest> {
        let command = self.command.trim();
        if command.is_empty() || command.len() > 65536 || command.contains('\0') {
            return Err(Error::bad_input(
                &["input", "command"],
                "command must be 1 to 65536 characters with no NUL",
            ));
        }
        if let Some(directory) = &self.working_directory
            && (!directory.starts_with('/') || directory.contains('\0'))
        {
            return Err(Error::bad_input(
                &["input", "workingDirectory"],
                "workingDirectory must be an absolute path",
            ));
        }
        if !server.endpoint.runs_commands() {
            return Err(Error::bad_input(
                &["input", "serverId"],
                format!(
                    "server {} is a plain Docker engine ({}): commands need the local engine or an agent",
                    server.name, server.endpoint
                ),
            ));
        }
        Ok(CommandRequest {
            command: command.to_string(),
            working_directory: self
                .working_directory
                .clone()
                .or_else(|| server.root_directory.clone()),
            operation_id: None,
        })
    }
}

#[derive(Debug, InputObject)]
pub struct CancelOperationInput {
    pub id: ID,
}

#[derive(Debug, Default, InputObject)]
pub struct OperationFilter {
    pub statuses: Option<Vec<OperationStatus>>,
    pub kinds: Option<Vec<OperationKind>>,
    /// What the operations are about (`serverId`, `stackId`, `measurementId`).
    #[graphql(flatten)]
    pub subject: SubjectFilter,
    /// The steps of one pipeline run.
    pub parent_id: Option<ID>,
    /// Only operations that are not a step of a pipeline run (`true`), or only steps.
    pub top_level: Option<bool>,
}

impl OperationFilter {
    /// Whether an operation passes the filter, for live changes.
    pub fn matches(&self, operation: &Operation) -> bool {
        self.statuses
            .as_ref()
            .is_none_or(|statuses| statuses.contains(&operation.status))
            && self
                .kinds
                .as_ref()
                .is_none_or(|kinds| kinds.contains(&operation.kind))
            && self.subject.matches(&operation.subject)
            && self
                .parent_id
                .as_ref()
                .is_none_or(|wanted| operation.parent_id.as_deref() == Some(wanted.as_str()))
            && self
                .top_level
                .is_none_or(|top| top == operation.parent_id.is_none())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum OperationOrderField {
    #[default]
    CreatedAt,
}

/// Operations are listed by when they were created; newest first by default.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub struct OperationOrder {
    #[graphql(default)]
    pub field: OperationOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

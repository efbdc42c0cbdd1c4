//! What a stack is: a named piece of software on a server, with how to fetch its source
//! (repo), how to build its image (build) and how to run it (deploy), each optional.

use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use serde::Serialize;
use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::Actor;
use crate::containers::MASK;
use crate::operations::OperationSubject;
use crate::store::record_key;

/// A stack as stored. The webhook secret is kept as given, because monitor must check
/// signatures with it; the API shows it only to admins and operators.
#[derive(Debug, Clone, SurrealValue)]
pub struct StackRow {
    pub id: RecordId,
    pub name: String,
    pub server_id: String,
    pub owner: Actor,
    pub repo: Option<StackRepo>,
    pub build: Option<StackBuild>,
    pub deploy: Option<StackDeploy>,
    pub pipeline: Vec<PipelineStep>,
    pub webhook_secret: String,
    /// The commit checked out by the last clone or pull.
    pub commit: Option<String>,
    /// The image the last successful build produced (its commit tag).
    pub built_image: Option<String>,
    /// The image the last successful deploy ran.
    pub deployed_image: Option<String>,
    /// The operation the stack's last action (or pipeline run) started.
    pub last_operation_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StackRow {
    pub fn key(&self) -> String {
        record_key(&self.id)
    }

    /// What the stack's operations are about.
    pub fn subject(&self) -> OperationSubject {
        OperationSubject::Stack {
            stack_id: self.key(),
            server_id: self.server_id.clone(),
        }
    }

    /// The configuration as recorded in the audit log (no secret).
    pub fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "serverId": self.server_id,
            "repo": self.repo,
            "build": self.build,
            "deploy": self.deploy.as_ref().map(|deploy| StackDeploy {
                env: deploy.masked_env(),
                ..deploy.clone()
            }),
            "pipeline": self.pipeline,
        })
    }
}

/// Where a stack's repository is checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, SurrealValue)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CloneLocation {
    /// In monitor's data directory; builds send the context from there.
    Monitor,
    /// On the stack's server, under its root directory (through the agent if remote).
    Server,
}

#[derive(Debug, Clone, PartialEq, Serialize, SimpleObject, SurrealValue)]
#[serde(rename_all = "camelCase")]
pub struct StackRepo {
    /// `https://…`, `ssh://…`, `git@host:path`, `file://…` or an absolute path.
    pub url: String,
    pub branch: String,
    pub clone_on: CloneLocation,
    /// Named shell commands run in the repository's root.
    pub scripts: Vec<RepoScript>,
}

#[derive(Debug, Clone, PartialEq, Serialize, SimpleObject, SurrealValue)]
pub struct RepoScript {
    pub name: String,
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, SimpleObject, SurrealValue)]
#[serde(rename_all = "camelCase")]
pub struct StackBuild {
    /// The build context, relative to the repository's root.
    pub path: String,
    /// The Dockerfile, relative to the build context.
    pub dockerfile: String,
    pub args: Vec<KeyValue>,
    /// Names of repo scripts run, in order, before each build.
    pub pre_build_scripts: Vec<String>,
    /// Network for `RUN` steps: `default`, `host` or `none`.
    pub network_mode: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, SimpleObject, InputObject, SurrealValue)]
#[graphql(input_name = "KeyValueInput")]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, SimpleObject, SurrealValue)]
#[serde(rename_all = "camelCase")]
#[graphql(complex)]
pub struct StackDeploy {
    /// A prebuilt image to run; when absent, the stack's latest build.
    pub image: Option<String>,
    pub ports: Vec<String>,
    pub volumes: Vec<String>,
    pub network: Option<String>,
    pub restart_policy: Option<String>,
    /// Read through the `env` field, which masks values for readers below OPERATOR.
    #[graphql(skip)]
    pub env: Vec<String>,
    /// Arguments after the image (the container's command).
    pub command: Vec<String>,
    /// Lines of the container's log shown with the stack.
    pub log_tail: i32,
}

impl StackDeploy {
    /// The environment with every value masked, as readers below OPERATOR and the
    /// audit log see it. An entry without `=` has no value to hide.
    pub fn masked_env(&self) -> Vec<String> {
        self.env
            .iter()
            .map(|entry| match entry.split_once('=') {
                Some((name, _)) => format!("{name}={MASK}"),
                None => entry.clone(),
            })
            .collect()
    }
}

/// One step of a stack's pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, SimpleObject, SurrealValue)]
#[serde(rename_all = "camelCase")]
pub struct PipelineStep {
    pub kind: PipelineStepKind,
    /// The repo script a SCRIPT step runs.
    pub script: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, SurrealValue)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PipelineStepKind {
    /// Clone the repo if it is not checked out yet, else pull the branch.
    Pull,
    Build,
    Push,
    Deploy,
    Script,
}

/// What can be done with a stack, given its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum StackAction {
    Clone,
    Pull,
    RunScript,
    Build,
    Push,
    Deploy,
    Rollback,
    RunPipeline,
}

/// Something monitor runs and watches, from source to container.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Stack {
    pub id: async_graphql::ID,
    pub name: String,
    pub server_id: async_graphql::ID,
    /// Who created it.
    pub owner: Actor,
    pub repo: Option<StackRepo>,
    pub build: Option<StackBuild>,
    pub deploy: Option<StackDeploy>,
    pub pipeline: Vec<PipelineStep>,
    /// The commit checked out by the last clone or pull.
    pub commit: Option<String>,
    /// The image the last successful build produced.
    pub built_image: Option<String>,
    /// The image the last successful deploy ran.
    pub deployed_image: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub webhook_secret: String,
    #[graphql(skip)]
    pub last_operation_id: Option<String>,
}

impl From<&StackRow> for Stack {
    fn from(row: &StackRow) -> Stack {
        Stack {
            id: async_graphql::ID(row.key()),
            name: row.name.clone(),
            server_id: async_graphql::ID(row.server_id.clone()),
            owner: row.owner.clone(),
            repo: row.repo.clone(),
            build: row.build.clone(),
            deploy: row.deploy.clone(),
            pipeline: row.pipeline.clone(),
            commit: row.commit.clone(),
            built_image: row.built_image.clone(),
            deployed_image: row.deployed_image.clone(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            webhook_secret: row.webhook_secret.clone(),
            last_operation_id: row.last_operation_id.clone(),
        }
    }
}

//! What an audit event is: who did what, to which thing, when, and what changed.

use async_graphql::{Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::query::mirror;
use crate::store::record_key;

/// What happened. Every mutation and trigger in monitor records one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditKind {
    LoginSucceeded,
    LoginFailed,
    UserCreated,
    UserUpdated,
    UserDeleted,
    ApiTokenCreated,
    ApiTokenRevoked,
    BackupDownloaded,
    ServerCreated,
    ServerUpdated,
    ServerDeleted,
    ContainerCreated,
    ContainerStarted,
    ContainerStopped,
    ContainerRestarted,
    ContainerRemoved,
    CommandStarted,
    OperationCancelled,
    StackCreated,
    StackUpdated,
    StackDeleted,
    StackCloneStarted,
    StackPullStarted,
    StackScriptStarted,
    StackBuildStarted,
    StackPushStarted,
    StackDeployStarted,
    StackRollbackStarted,
    PipelineStarted,
    WebhookRejected,
    WebhookSecretRotated,
    ServerCloned,
    ImageRemoved,
    ImagesPruned,
    VolumeRemoved,
    VolumesPruned,
    NetworkRemoved,
    NetworksPruned,
    ContainerShellOpened,
    ContainerShellClosed,
    AppCreated,
    AppUpdated,
    AppDeleted,
    AppGraphSaved,
    AppGraphChangedInCluster,
    AppFoundInCluster,
    AppDeletedInCluster,
    AppDeployStarted,
    AppRevertStarted,
    AppAutoRevertStarted,
    AppUndeployStarted,
    ComponentConfigCreated,
    ComponentConfigUpdated,
    ComponentConfigDeleted,
}

impl AuditKind {
    /// The stored (and GraphQL) name, e.g. `USER_CREATED`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::LoginSucceeded => "LOGIN_SUCCEEDED",
            AuditKind::LoginFailed => "LOGIN_FAILED",
            AuditKind::UserCreated => "USER_CREATED",
            AuditKind::UserUpdated => "USER_UPDATED",
            AuditKind::UserDeleted => "USER_DELETED",
            AuditKind::ApiTokenCreated => "API_TOKEN_CREATED",
            AuditKind::ApiTokenRevoked => "API_TOKEN_REVOKED",
            AuditKind::BackupDownloaded => "BACKUP_DOWNLOADED",
            AuditKind::ServerCreated => "SERVER_CREATED",
            AuditKind::ServerUpdated => "SERVER_UPDATED",
            AuditKind::ServerDeleted => "SERVER_DELETED",
            AuditKind::ContainerCreated => "CONTAINER_CREATED",
            AuditKind::ContainerStarted => "CONTAINER_STARTED",
            AuditKind::ContainerStopped => "CONTAINER_STOPPED",
            AuditKind::ContainerRestarted => "CONTAINER_RESTARTED",
            AuditKind::ContainerRemoved => "CONTAINER_REMOVED",
            AuditKind::CommandStarted => "COMMAND_STARTED",
            AuditKind::OperationCancelled => "OPERATION_CANCELLED",
            AuditKind::StackCreated => "STACK_CREATED",
            AuditKind::StackUpdated => "STACK_UPDATED",
            AuditKind::StackDeleted => "STACK_DELETED",
            AuditKind::StackCloneStarted => "STACK_CLONE_STARTED",
            AuditKind::StackPullStarted => "STACK_PULL_STARTED",
            AuditKind::StackScriptStarted => "STACK_SCRIPT_STARTED",
            AuditKind::StackBuildStarted => "STACK_BUILD_STARTED",
            AuditKind::StackPushStarted => "STACK_PUSH_STARTED",
            AuditKind::StackDeployStarted => "STACK_DEPLOY_STARTED",
            AuditKind::StackRollbackStarted => "STACK_ROLLBACK_STARTED",
            AuditKind::PipelineStarted => "PIPELINE_STARTED",
            AuditKind::WebhookRejected => "WEBHOOK_REJECTED",
            AuditKind::WebhookSecretRotated => "WEBHOOK_SECRET_ROTATED",
            AuditKind::ServerCloned => "SERVER_CLONED",
            AuditKind::ImageRemoved => "IMAGE_REMOVED",
            AuditKind::ImagesPruned => "IMAGES_PRUNED",
            AuditKind::VolumeRemoved => "VOLUME_REMOVED",
            AuditKind::VolumesPruned => "VOLUMES_PRUNED",
            AuditKind::NetworkRemoved => "NETWORK_REMOVED",
            AuditKind::NetworksPruned => "NETWORKS_PRUNED",
            AuditKind::ContainerShellOpened => "CONTAINER_SHELL_OPENED",
            AuditKind::ContainerShellClosed => "CONTAINER_SHELL_CLOSED",
            AuditKind::AppCreated => "APP_CREATED",
            AuditKind::AppUpdated => "APP_UPDATED",
            AuditKind::AppDeleted => "APP_DELETED",
            AuditKind::AppGraphSaved => "APP_GRAPH_SAVED",
            AuditKind::AppGraphChangedInCluster => "APP_GRAPH_CHANGED_IN_CLUSTER",
            AuditKind::AppFoundInCluster => "APP_FOUND_IN_CLUSTER",
            AuditKind::AppDeletedInCluster => "APP_DELETED_IN_CLUSTER",
            AuditKind::AppDeployStarted => "APP_DEPLOY_STARTED",
            AuditKind::AppRevertStarted => "APP_REVERT_STARTED",
            AuditKind::AppAutoRevertStarted => "APP_AUTO_REVERT_STARTED",
            AuditKind::AppUndeployStarted => "APP_UNDEPLOY_STARTED",
            AuditKind::ComponentConfigCreated => "COMPONENT_CONFIG_CREATED",
            AuditKind::ComponentConfigUpdated => "COMPONENT_CONFIG_UPDATED",
            AuditKind::ComponentConfigDeleted => "COMPONENT_CONFIG_DELETED",
        }
    }
}

/// Who acted: a person (through a session or API token), monitor itself, or a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActorKind {
    User,
    System,
    Webhook,
}

#[derive(Debug, Clone, PartialEq, SimpleObject, SurrealValue)]
#[graphql(name = "AuditActor")]
pub struct Actor {
    pub kind: ActorKind,
    /// The username, `system`, or the webhook's name.
    pub name: String,
    /// The user's id when a user acted.
    #[surreal(wrap)]
    pub user_id: Option<ID>,
}

impl Actor {
    /// monitor itself, e.g. creating the first admin.
    pub fn system() -> Actor {
        Actor {
            kind: ActorKind::System,
            name: "system".into(),
            user_id: None,
        }
    }
}

/// The kind of thing an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditSubjectType {
    User,
    ApiToken,
    Session,
    Backup,
    Stack,
    Server,
    App,
    Container,
    Operation,
    Image,
    Volume,
    Network,
    ComponentConfig,
}

/// The thing an event is about.
#[derive(Debug, Clone, PartialEq, SimpleObject, SurrealValue)]
pub struct AuditSubject {
    #[graphql(name = "type")]
    pub kind: AuditSubjectType,
    #[surreal(wrap)]
    pub id: Option<ID>,
    pub name: Option<String>,
}

/// A configuration change, as the JSON of the object before and after.
#[derive(Debug, Clone, PartialEq, SimpleObject, SurrealValue)]
pub struct AuditDiff {
    #[surreal(wrap)]
    pub before: Option<Json<serde_json::Value>>,
    #[surreal(wrap)]
    pub after: Option<Json<serde_json::Value>>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
#[graphql(complex)]
pub struct AuditEvent {
    pub id: ID,
    pub occurred_at: DateTime<Utc>,
    pub kind: AuditKind,
    pub actor: Actor,
    /// One line a person reads, e.g. `created user alice (OPERATOR)`.
    pub summary: String,
    pub subject: Option<AuditSubject>,
    pub stack_id: Option<ID>,
    pub server_id: Option<ID>,
    pub app_id: Option<ID>,
    pub diff: Option<AuditDiff>,
}

/// The stored record: the event plus its record id, whose ULID key orders events in time.
/// Absent stack, server and app ids are stored as empty strings so that sorting and
/// keyset cursors on those columns see one total order.
#[derive(Debug, Clone, SurrealValue)]
pub(super) struct AuditRow {
    pub id: RecordId,
    /// The same value (1) on every event: the equality prefix of the indexes that serve
    /// unfiltered pages (see `query`).
    pub log: i64,
    /// Sort keys (see `query`): the id's ULID as a plain string, and mirrored twins of
    /// it and of the sortable columns, so that every order is an ascending scan.
    pub seq: String,
    pub rseq: String,
    pub rkind: String,
    pub rstack: String,
    pub rserver: String,
    pub occurred_at: DateTime<Utc>,
    pub kind: AuditKind,
    pub actor: Actor,
    pub summary: String,
    pub subject: Option<AuditSubject>,
    pub stack_id: String,
    pub server_id: String,
    pub app_id: String,
    pub diff: Option<AuditDiff>,
}

impl AuditRow {
    pub fn from_event(event: &AuditEvent) -> AuditRow {
        AuditRow {
            id: RecordId::new(super::store::TABLE, event.id.to_string()),
            log: 1,
            seq: event.id.to_string(),
            rseq: mirror(&event.id),
            rkind: mirror(event.kind.as_str()),
            rstack: mirror(&id_or_empty(&event.stack_id)),
            rserver: mirror(&id_or_empty(&event.server_id)),
            occurred_at: event.occurred_at,
            kind: event.kind,
            actor: event.actor.clone(),
            summary: event.summary.clone(),
            subject: event.subject.clone(),
            stack_id: id_or_empty(&event.stack_id),
            server_id: id_or_empty(&event.server_id),
            app_id: id_or_empty(&event.app_id),
            diff: event.diff.clone(),
        }
    }

    pub fn into_event(self) -> AuditEvent {
        AuditEvent {
            id: ID(record_key(&self.id)),
            occurred_at: self.occurred_at,
            kind: self.kind,
            actor: self.actor,
            summary: self.summary,
            subject: self.subject,
            stack_id: empty_to_none(self.stack_id),
            server_id: empty_to_none(self.server_id),
            app_id: empty_to_none(self.app_id),
            diff: self.diff,
        }
    }
}

fn id_or_empty(id: &Option<ID>) -> String {
    id.as_ref().map(|id| id.to_string()).unwrap_or_default()
}

fn empty_to_none(id: String) -> Option<ID> {
    Some(id).filter(|id| !id.is_empty()).map(ID)
}

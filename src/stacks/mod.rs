//! Stacks: software monitor takes from a git repository to a running container.
//!
//! A stack names a server and up to three parts: where its source is (repo), how its
//! image is built (build) and how it runs (deploy). Each action on a stack (clone, pull,
//! script, build, push, deploy, a pipeline run) is an operation with live output, and
//! the actions on one stack run one at a time: a second waits, QUEUED, for the first.

mod actions;
mod copy;
pub mod graphql;
mod input;
mod model;
mod registry_stack;
mod store;
pub mod webhook;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use chrono::Utc;
use rand::RngCore;
use surrealdb::types::SurrealValue;

pub use input::{CreateStackInput, DeleteStackInput, UpdateStackInput};
pub use model::{Stack, StackAction};

use crate::audit::{Actor, AuditEvent, AuditKind, AuditLog, AuditSubjectType};
use crate::containers::Containers;
use crate::error::{Error, Result};
use crate::operations::Operations;
use crate::registry::Registry;
use crate::servers::Servers;
use crate::store::Store;
use crate::store::kept::{Change, Kept};
use input::{PipelineStepInput, RawConfig, StackBuildInput, StackConfig, StackDeployInput};
use model::{CloneLocation, StackRow};

/// Creates, changes and removes stacks, and runs their actions.
#[derive(Clone)]
pub struct Stacks {
    store: Store,
    /// The stacks, kept in memory for reads (see [`crate::store::kept`]).
    kept: Kept<StackRow>,
    audit: AuditLog,
    servers: Servers,
    containers: Containers,
    operations: Operations,
    /// The registry in use: configured, or started by monitor (see [`registry_stack`]).
    registry: Arc<RwLock<Option<Registry>>>,
    /// Where repositories cloned on the monitor host live: `<data dir>/stacks/<id>`.
    checkouts: PathBuf,
    /// One lock per stack, so its actions never overlap.
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    /// Push deliveries refused lately, per stack id.
    webhook_refusals: Arc<webhook::refusals::Refusals>,
    /// What a delivery for a stack that does not exist is checked against: a secret
    /// nobody has, so it is refused as a wrong signature is.
    unknown_stack_secret: Arc<str>,
}

impl Stacks {
    pub fn new(
        store: Store,
        audit: AuditLog,
        servers: Servers,
        containers: Containers,
        operations: Operations,
        registry: Option<Registry>,
        data_dir: &std::path::Path,
    ) -> Stacks {
        Stacks {
            kept: Kept::new(store.clone()),
            store,
            audit,
            servers,
            containers,
            operations,
            registry: Arc::new(RwLock::new(registry)),
            checkouts: data_dir.join("stacks"),
            locks: Default::default(),
            webhook_refusals: Default::default(),
            unknown_stack_secret: new_secret().into(),
        }
    }

    /// The stack of this id, from memory (see [`crate::store::kept`]).
    pub async fn get(&self, id: &str) -> Result<Option<Arc<Stack>>> {
        self.kept.get(id).await
    }

    /// The stacks with these ids that exist, from memory (see [`crate::store::kept`]).
    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<Arc<Stack>>> {
        self.kept.get_many(ids).await
    }

    /// Stacks in creation order after the id `after`, from memory (see [`crate::store::kept`]).
    pub async fn list(
        &self,
        server_id: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Arc<Stack>>> {
        self.kept
            .list(after, limit, |stack| {
                server_id.is_none_or(|id| stack.server_id.as_str() == id)
            })
            .await
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.name))]
    pub async fn create(&self, actor: &Actor, input: CreateStackInput) -> Result<Stack> {
        let config = RawConfig {
            name: &input.name,
            server_id: &input.server_id,
            repo: input.repo,
            build: input.build,
            deploy: input.deploy,
            pipeline: input.pipeline.unwrap_or_default(),
        }
        .check()?;
        let key = ulid::Ulid::new().to_string();
        self.check_placement(&key, &config)?;
        let row = new_row(&key, config, actor);
        let event = self
            .event(
                AuditKind::StackCreated,
                actor,
                &row,
                format!("created stack {}", row.name),
            )
            .with_diff(None, Some(row.audit_view()));
        let stored = self.save(store::CREATE, &row, event).await?;
        Ok(Stack::from(&stored))
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.id.as_str()))]
    pub async fn update(&self, actor: &Actor, input: UpdateStackInput) -> Result<Stack> {
        let before = self.existing(&input.id).await?;
        let config = RawConfig {
            name: input.name.as_deref().unwrap_or(&before.name),
            server_id: input.server_id.as_deref().unwrap_or(&before.server_id),
            repo: keep_or(input.repo, before.repo.as_ref().map(Into::into)),
            build: keep_or(
                input.build,
                before.build.as_ref().map(StackBuildInput::from),
            ),
            deploy: keep_or(
                input.deploy,
                before.deploy.as_ref().map(StackDeployInput::from),
            ),
            pipeline: input.pipeline.unwrap_or_else(|| {
                before
                    .pipeline
                    .iter()
                    .map(PipelineStepInput::from)
                    .collect()
            }),
        }
        .check()?;
        self.check_placement(&before.key(), &config)?;
        let row = StackRow {
            name: config.name,
            server_id: config.server_id,
            repo: config.repo,
            build: config.build,
            deploy: config.deploy,
            pipeline: config.pipeline,
            updated_at: Utc::now(),
            ..before.clone()
        };
        let event = self
            .event(
                AuditKind::StackUpdated,
                actor,
                &row,
                format!("changed stack {}", before.name),
            )
            .with_diff(Some(before.audit_view()), Some(row.audit_view()));
        let stored = self.save(store::REPLACE, &row, event).await?;
        Ok(Stack::from(&stored))
    }

    /// Removes a stack, and (unless told not to) its containers; its checkout on the
    /// monitor host goes too.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.id.as_str()))]
    pub async fn delete(&self, actor: &Actor, input: DeleteStackInput) -> Result<Stack> {
        let row = self.existing(&input.id).await?;
        let _turn = self.exclusive(&row.key()).await;
        if input.remove_containers {
            let server = self.servers.connection(&row.server_id)?;
            actions::deploy::remove_containers(self, &server, &row.key(), None).await?;
        }
        let event = self
            .event(
                AuditKind::StackDeleted,
                actor,
                &row,
                format!("deleted stack {}", row.name),
            )
            .with_diff(Some(row.audit_view()), None);
        let write = self.audit.write::<Option<StackRow>>(
            store::DELETE,
            ("stack_id", row.id.clone()),
            event,
        );
        self.kept
            .write(write, |_| Change::Removed(row.key()))
            .await?;
        let checkout = self.checkouts.join(row.key());
        if let Err(error) = tokio::fs::remove_dir_all(&checkout).await
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %checkout.display(), %error, "cannot remove a deleted stack's checkout");
        }
        Ok(Stack::from(&row))
    }

    /// Replaces the webhook secret; the old one stops working at once.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %id))]
    pub async fn rotate_webhook_secret(&self, actor: &Actor, id: &str) -> Result<Stack> {
        let before = self.existing(id).await?;
        let row = StackRow {
            webhook_secret: new_secret(),
            updated_at: Utc::now(),
            ..before
        };
        let event = self.event(
            AuditKind::WebhookSecretRotated,
            actor,
            &row,
            format!("rotated the webhook secret of stack {}", row.name),
        );
        self.save(store::REPLACE, &row, event).await?;
        Ok(Stack::from(&row))
    }

    /// Writes a stack with its audit event; a taken name is a CONFLICT that names it.
    async fn save(&self, statement: &str, row: &StackRow, event: AuditEvent) -> Result<StackRow> {
        let write = async {
            let stored: Option<StackRow> = self
                .audit
                .write(
                    statement,
                    ("stack_id", row.id.clone(), "stack_row", row.clone()),
                    event,
                )
                .await
                .map_err(|e| name_taken(e, &row.name))?;
            Ok(stored.unwrap_or_else(|| row.clone()))
        };
        self.kept
            .write(write, |stored| Change::Stored(Box::new(stored.clone())))
            .await
    }

    /// Records what an action learned about a stack (see [`store::remember`]).
    async fn remember(&self, key: &str, facts: impl SurrealValue + Clone) -> Result<()> {
        let write = store::remember(&self.store, key, facts);
        self.kept
            .write(write, |stored| match stored {
                Some(row) => Change::Stored(Box::new(row.clone())),
                None => Change::Removed(key.to_string()),
            })
            .await?;
        Ok(())
    }

    /// Checks what depends on the server: that it exists, that a checkout on it has a
    /// place to live, and that a checkout already on this host has the Dockerfile.
    fn check_placement(&self, key: &str, config: &StackConfig) -> Result<()> {
        let server = self.servers.connection(&config.server_id).map_err(|_| {
            Error::bad_input(
                &["input", "serverId"],
                format!("there is no server {}", config.server_id),
            )
        })?;
        let Some(repo) = &config.repo else {
            return Ok(());
        };
        if repo.clone_on == CloneLocation::Server
            && (!server.endpoint.runs_commands() || server.root_directory.is_none())
        {
            return Err(Error::bad_input(
                &["input", "repo", "cloneOn"],
                format!(
                    "server {} cannot hold a checkout: it needs the local engine or an agent, and a root directory",
                    server.name
                ),
            ));
        }
        if let Some(build) = &config.build
            && let Some(dir) = self.local_checkout(key, &config.name, repo, &server)
            && dir.join(".git").exists()
        {
            let dockerfile = dir.join(&build.path).join(&build.dockerfile);
            if !dockerfile.is_file() {
                return Err(Error::bad_input(
                    &["input", "build", "dockerfile"],
                    format!("the checkout has no {}/{}", build.path, build.dockerfile),
                ));
            }
        }
        Ok(())
    }

    /// The registry stacks push to now, if there is one.
    pub fn registry(&self) -> Option<Registry> {
        self.registry
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Where a stack's images go: the registry's repository, or `monitor/<name>` on the
    /// building server when no registry is configured.
    fn image_repository(&self, name: &str) -> String {
        match self.registry() {
            Some(registry) => registry.repository(name),
            None => format!("monitor/{name}"),
        }
    }

    /// Waits for the stack's other actions to end; its turn lasts as long as the guard.
    async fn exclusive(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        self.lock_of(key).lock_owned().await
    }

    /// The stack's turn if nothing else of it runs now, without waiting.
    fn exclusive_now(&self, key: &str) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        self.lock_of(key).try_lock_owned().ok()
    }

    fn lock_of(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.to_string())
            .or_default()
            .clone()
    }

    async fn existing(&self, key: &str) -> Result<StackRow> {
        store::find(&self.store, key)
            .await?
            .ok_or_else(|| not_found(key))
    }

    fn event(&self, kind: AuditKind, actor: &Actor, row: &StackRow, summary: String) -> AuditEvent {
        let server = self.servers.connection(&row.server_id).ok();
        self.audit
            .event(kind, actor, summary)
            .about(AuditSubjectType::Stack, Some(&row.key()), Some(&row.name))
            .on_stack(&row.key(), &row.name)
            .on_server(
                &row.server_id,
                server.as_ref().map(|server| server.name.as_str()),
            )
    }
}

/// A new stack's row: its configuration, a fresh webhook secret, nothing done yet.
fn new_row(key: &str, config: StackConfig, owner: &Actor) -> StackRow {
    let now = Utc::now();
    StackRow {
        id: store::record_id(key),
        name: config.name,
        server_id: config.server_id,
        owner: owner.clone(),
        repo: config.repo,
        build: config.build,
        deploy: config.deploy,
        pipeline: config.pipeline,
        webhook_secret: new_secret(),
        commit: None,
        built_image: None,
        deployed_image: None,
        last_operation_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// An update's value for an optional part: left out keeps it, null removes it.
fn keep_or<T>(given: async_graphql::MaybeUndefined<T>, kept: Option<T>) -> Option<T> {
    use async_graphql::MaybeUndefined;
    match given {
        MaybeUndefined::Undefined => kept,
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(value) => Some(value),
    }
}

/// 32 random bytes, hex: the secret a git host signs webhook deliveries with.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn name_taken(error: Error, name: &str) -> Error {
    match error {
        Error::Conflict(_) => {
            Error::Conflict(format!("the server already has a stack named {name}"))
        }
        other => other,
    }
}

pub fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "stack",
        id: id.to_string(),
    }
}

//! Servers: the hosts monitor deploys to, each a Docker engine reached directly or
//! through `monitor agent`, with its live state checked in the background.
//!
//! The service owns the server table and one [`ServerConnection`] per server; other
//! domains (containers, operations) reach an engine only through [`Servers::connection`].
//! It sits below them: what each supervisor learns of its engine goes to the
//! [`EngineListener`] the wiring gives it (the containers domain), never to a type of
//! a domain above.

pub mod graphql;
mod input;
mod listener;
mod live;
mod model;
mod store;

use chrono::Utc;
use secrecy::SecretString;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub use input::{CreateServerInput, DeleteServerInput, ServerConfig, UpdateServerInput};
pub use listener::EngineListener;
pub use live::{ServerConnection, Supervision};
pub use model::{ContainerCounts, HostStats, Reachability, Server, ServerState};

use crate::audit::{Actor, AuditEvent, AuditKind, AuditLog, AuditSubjectType};
use crate::docker::{Endpoint, Engine};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::kept::{Change, Kept};
use model::ServerRow;

/// Creates, changes and removes servers, and keeps a live connection to each.
#[derive(Clone)]
pub struct Servers {
    store: Store,
    /// The servers, kept in memory for reads (see [`crate::store::kept`]).
    kept: Kept<ServerRow>,
    audit: AuditLog,
    connections: Arc<RwLock<HashMap<String, Arc<ServerConnection>>>>,
    supervision: Supervision,
}

impl Servers {
    /// The service, with every stored server read and its supervisor started.
    pub async fn load(store: Store, audit: AuditLog, supervision: Supervision) -> Result<Servers> {
        let servers = Servers {
            kept: Kept::new(store.clone()),
            store,
            audit,
            connections: Default::default(),
            supervision,
        };
        for row in store::all(&servers.store).await? {
            match engine_for(&row) {
                Ok(engine) => servers.watch(&row, engine),
                Err(error) => {
                    tracing::error!(server = %row.name, %error, "cannot watch this server")
                }
            }
        }
        Ok(servers)
    }

    /// The server of this id, from memory (see [`crate::store::kept`]).
    pub async fn get(&self, id: &str) -> Result<Option<Arc<Server>>> {
        self.kept.get(id).await
    }

    /// The server of this id if the servers are in memory now, without waiting (see
    /// [`Kept::get_now`]).
    pub fn get_now(&self, id: &str) -> Option<Option<Arc<Server>>> {
        self.kept.get_now(id)
    }

    /// The servers with these ids that exist, from memory.
    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<Arc<Server>>> {
        self.kept.get_many(ids).await
    }

    /// Servers in the order they were added after the id `after`, from memory.
    pub async fn list(&self, after: Option<&str>, limit: usize) -> Result<Vec<Arc<Server>>> {
        self.kept.list(after, limit, |_| true).await
    }

    /// The live connection to a server; `NOT_FOUND` for an unknown id.
    pub fn connection(&self, id: &str) -> Result<Arc<ServerConnection>> {
        self.read_connections()
            .get(id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    /// Every server's live connection, in no particular order.
    pub fn connections(&self) -> Vec<Arc<ServerConnection>> {
        self.read_connections().values().cloned().collect()
    }

    pub fn state_of(&self, id: &str) -> Option<Arc<ServerState>> {
        self.read_connections()
            .get(id)
            .map(|connection| connection.state())
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.name))]
    pub async fn create(&self, actor: &Actor, input: CreateServerInput) -> Result<Server> {
        let config = ServerConfig::parse(
            &input.name,
            &input.endpoint,
            input.agent_token.as_deref(),
            input.root_directory.as_deref(),
            input.tags.as_deref().unwrap_or_default(),
        )?;
        let key = ulid::Ulid::new().to_string();
        let now = Utc::now();
        let row = row_of(&key, config, now, now);
        let server = row.to_server();
        let event = self
            .event(
                AuditKind::ServerCreated,
                actor,
                &server,
                format!("added server {}", server.name),
            )
            .with_diff(None, Some(server.audit_view()));
        let engine = engine_for(&row)?;
        self.save(store::CREATE, &row, event).await?;
        self.watch(&row, engine);
        Ok(server)
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.id.as_str()))]
    pub async fn update(&self, actor: &Actor, input: UpdateServerInput) -> Result<Server> {
        let before = self.existing(&input.id).await?;
        let agent_token = match &input.agent_token {
            async_graphql::MaybeUndefined::Undefined => before.agent_token.clone(),
            async_graphql::MaybeUndefined::Null => None,
            async_graphql::MaybeUndefined::Value(token) => Some(token.clone()),
        };
        let root_directory = match &input.root_directory {
            async_graphql::MaybeUndefined::Undefined => before.root_directory.clone(),
            async_graphql::MaybeUndefined::Null => None,
            async_graphql::MaybeUndefined::Value(dir) => Some(dir.clone()),
        };
        let config = ServerConfig::parse(
            input.name.as_deref().unwrap_or(&before.name),
            input.endpoint.as_deref().unwrap_or(&before.endpoint),
            agent_token.as_deref(),
            root_directory.as_deref(),
            input.tags.as_deref().unwrap_or(&before.tags),
        )?;
        let row = row_of(&input.id, config, before.created_at, Utc::now());
        let (old, new) = (before.to_server(), row.to_server());
        let event = self
            .event(
                AuditKind::ServerUpdated,
                actor,
                &new,
                format!("changed server {}", old.name),
            )
            .with_diff(Some(old.audit_view()), Some(new.audit_view()));
        let engine = engine_for(&row)?;
        self.save(store::REPLACE, &row, event).await?;
        self.watch(&row, engine);
        Ok(new)
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.id.as_str()))]
    pub async fn delete(&self, actor: &Actor, input: DeleteServerInput) -> Result<Server> {
        let row = self.existing(&input.id).await?;
        let server = row.to_server();
        let event = self
            .event(
                AuditKind::ServerDeleted,
                actor,
                &server,
                format!("removed server {}", server.name),
            )
            .with_diff(Some(server.audit_view()), None);
        let write =
            self.audit
                .write::<ServerRow>(store::DELETE, ("server_id", row.id.clone()), event);
        self.kept
            .write(write, |_| Change::Removed(row.key()))
            .await?;
        if let Some(connection) = self.write_connections().remove(&*input.id) {
            connection.stop();
        }
        Ok(server)
    }

    /// Writes a server with its audit event; a taken name is a CONFLICT that names it.
    async fn save(&self, statement: &str, row: &ServerRow, event: AuditEvent) -> Result<()> {
        let write = self.audit.write(
            statement,
            ("server_id", row.id.clone(), "server_row", row.clone()),
            event,
        );
        let stored = |stored: &Option<ServerRow>| {
            Change::Stored(Box::new(stored.clone().unwrap_or_else(|| row.clone())))
        };
        self.kept
            .write(write, stored)
            .await
            .map_err(|e| name_taken(e, &row.name))?;
        Ok(())
    }

    /// Starts (or restarts, after a change) the supervisor of a stored server.
    fn watch(&self, row: &ServerRow, (endpoint, engine): (Endpoint, Engine)) {
        let connection = ServerConnection::start(
            row.key(),
            row.name.clone(),
            endpoint,
            row.root_directory.clone(),
            engine,
            &self.supervision,
        );
        if let Some(previous) = self.write_connections().insert(row.key(), connection) {
            previous.stop();
        }
    }

    fn event(
        &self,
        kind: AuditKind,
        actor: &Actor,
        server: &Server,
        summary: String,
    ) -> AuditEvent {
        self.audit
            .event(kind, actor, summary)
            .about(
                AuditSubjectType::Server,
                Some(&server.id),
                Some(&server.name),
            )
            .on_server(&server.id, Some(&server.name))
    }

    async fn existing(&self, key: &str) -> Result<ServerRow> {
        store::find(&self.store, key)
            .await?
            .ok_or_else(|| not_found(key))
    }

    fn read_connections(
        &self,
    ) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<ServerConnection>>> {
        // A panic while holding this lock cannot leave the map half-changed (each change
        // is one insert or remove), so a poisoned lock is still safe to use.
        self.connections.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_connections(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<ServerConnection>>> {
        self.connections.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn row_of(
    key: &str,
    config: ServerConfig,
    created_at: chrono::DateTime<Utc>,
    updated_at: chrono::DateTime<Utc>,
) -> ServerRow {
    ServerRow {
        id: store::record_id(key),
        name: config.name,
        endpoint: config.endpoint.to_string(),
        agent_token: config.agent_token,
        root_directory: config.root_directory,
        tags: config.tags,
        created_at,
        updated_at,
    }
}

/// The clients for a server's endpoint; contacts nothing.
fn engine_for(row: &ServerRow) -> Result<(Endpoint, Engine)> {
    let endpoint = Endpoint::parse(&row.endpoint, &["input", "endpoint"])?;
    let token = row.agent_token.clone().map(SecretString::from);
    let engine = Engine::connect(&endpoint, token.as_ref())?;
    Ok((endpoint, engine))
}

fn name_taken(error: Error, name: &str) -> Error {
    match error {
        Error::Conflict(_) => Error::Conflict(format!("a server named {name} already exists")),
        other => other,
    }
}

pub fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "server",
        id: id.to_string(),
    }
}

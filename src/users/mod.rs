//! Users: who may sign in, and with which role.
//!
//! The service owns the user table and password hashing; changes are audited with a
//! diff that never holds a password or its hash.

pub mod graphql;
mod input;
mod model;
mod password;
mod store;

use std::collections::BTreeMap;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use surrealdb::types::{SurrealValue, Value};
use tokio::sync::OnceCell;

pub use input::{CreateUserInput, DeleteUserInput, Password, UpdateUserInput, Username};
pub use model::{Role, User};
pub use store::record_id;

use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::error::{Error, Result};
use crate::store::Store;
use model::UserRow;

/// Creates, changes, removes and authenticates users.
#[derive(Clone)]
pub struct Users {
    store: Store,
    audit: AuditLog,
    /// A hash checked when a username is unknown, so a failed login takes as long
    /// whether or not the user exists.
    decoy_hash: std::sync::Arc<OnceCell<String>>,
}

impl Users {
    pub fn new(store: Store, audit: AuditLog) -> Users {
        Users {
            store,
            audit,
            decoy_hash: Default::default(),
        }
    }

    pub async fn get(&self, id: &str) -> Result<Option<User>> {
        Ok(store::find(&self.store, id).await?.map(|row| row.to_user()))
    }

    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<User>> {
        let rows = store::find_many(&self.store, ids).await?;
        Ok(rows.iter().map(UserRow::to_user).collect())
    }

    /// Users in creation order; `limit` rows after the user `after`.
    pub async fn list(&self, after: Option<&str>, limit: usize) -> Result<Vec<User>> {
        let rows = store::list(&self.store, after, limit).await?;
        Ok(rows.iter().map(UserRow::to_user).collect())
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.username))]
    pub async fn create(&self, actor: &Actor, input: CreateUserInput) -> Result<User> {
        let username = Username::parse(&input.username, &["input", "username"])?;
        let password = Password::parse(&input.password, &["input", "password"])?;
        self.insert(actor, username, password.secret().clone(), input.role)
            .await
    }

    async fn insert(
        &self,
        actor: &Actor,
        username: Username,
        password: SecretString,
        role: Role,
    ) -> Result<User> {
        let now = Utc::now();
        let key = ulid::Ulid::new().to_string();
        let row = UserRow {
            id: store::record_id(&key),
            username: username.as_str().to_string(),
            password_hash: password::hash(password).await?,
            role,
            created_at: now,
            updated_at: now,
        };
        let user = row.to_user();
        let event = self
            .audit
            .event(
                AuditKind::UserCreated,
                actor,
                format!("created user {} ({})", user.username, role.as_str()),
            )
            .about(AuditSubjectType::User, Some(&key), Some(&user.username))
            .with_diff(None, Some(user.audit_view()));
        let _: Option<UserRow> = self
            .audit
            .write(
                store::CREATE,
                ("user_id", row.id.clone(), "user_row", row),
                event,
            )
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => {
                    Error::Conflict(format!("username {} is taken", user.username))
                }
                other => other,
            })?;
        Ok(user)
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.id.as_str()))]
    pub async fn update(&self, actor: &Actor, input: UpdateUserInput) -> Result<User> {
        if input.username.is_none() && input.password.is_none() && input.role.is_none() {
            return Err(Error::bad_input(
                &["input"],
                "give at least one of username, password and role to change",
            ));
        }
        let before = self.existing(&input.id).await?.to_user();
        let mut changes: BTreeMap<String, Value> = BTreeMap::new();
        let mut after_view = before.audit_view();
        if let Some(raw) = &input.username {
            let username = Username::parse(raw, &["input", "username"])?;
            after_view["username"] = username.as_str().into();
            changes.insert(
                "username".into(),
                username.as_str().to_string().into_value(),
            );
        }
        if let Some(role) = input.role {
            if before.role == Role::Admin && role != Role::Admin {
                self.ensure_not_last_admin().await?;
            }
            after_view["role"] = serde_json::to_value(role).unwrap_or_default();
            changes.insert("role".into(), role.into_value());
        }
        if let Some(raw) = &input.password {
            let password = Password::parse(raw, &["input", "password"])?;
            let hash = password::hash(password.secret().clone()).await?;
            after_view["passwordChanged"] = true.into();
            changes.insert("password_hash".into(), hash.into_value());
        }
        changes.insert("updated_at".into(), Utc::now().into_value());
        let event = self
            .audit
            .event(
                AuditKind::UserUpdated,
                actor,
                format!("updated user {}", before.username),
            )
            .about(
                AuditSubjectType::User,
                Some(&input.id),
                Some(&before.username),
            )
            .with_diff(Some(before.audit_view()), Some(after_view));
        let after: Option<UserRow> = self
            .audit
            .write(
                store::UPDATE,
                ("user_id", store::record_id(&input.id), "changes", changes),
                event,
            )
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => Error::Conflict("that username is taken".into()),
                other => other,
            })?;
        Ok(after.ok_or_else(|| not_found(&input.id))?.to_user())
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.id.as_str()))]
    pub async fn delete(&self, actor: &Actor, input: DeleteUserInput) -> Result<User> {
        let row = self.existing(&input.id).await?;
        if row.role == Role::Admin {
            self.ensure_not_last_admin().await?;
        }
        let user = row.to_user();
        let event = self
            .audit
            .event(
                AuditKind::UserDeleted,
                actor,
                format!("deleted user {}", user.username),
            )
            .about(
                AuditSubjectType::User,
                Some(&input.id),
                Some(&user.username),
            )
            .with_diff(Some(user.audit_view()), None);
        let _: Option<UserRow> = self
            .audit
            .write(store::DELETE, ("user_id", row.id.clone()), event)
            .await?;
        Ok(user)
    }

    /// The user with this name and password, or `None`. Takes as long for an unknown
    /// name as for a wrong password.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<Option<User>> {
        let secret = SecretString::from(password.to_string());
        match store::find_by_username(&self.store, username).await? {
            Some(row) => {
                let ok = password::verify(secret, row.password_hash.clone()).await?;
                Ok(ok.then(|| row.to_user()))
            }
            None => {
                let decoy = self
                    .decoy_hash
                    .get_or_try_init(|| password::hash(SecretString::from("decoy password")))
                    .await?;
                password::verify(secret, decoy.clone()).await?;
                Ok(None)
            }
        }
    }

    /// On a store with no users, creates `admin` with the given password, or with a
    /// generated one that is returned so it can be shown once.
    pub async fn ensure_first_admin(
        &self,
        password: Option<&SecretString>,
    ) -> Result<Option<String>> {
        if store::count_all(&self.store).await? > 0 {
            return Ok(None);
        }
        let (secret, generated) = match password {
            Some(given) => {
                Password::parse(given.expose_secret(), &["MONITOR_ADMIN_PASSWORD"])?;
                (given.clone(), None)
            }
            None => {
                let generated = crate::secret::random_secret(18);
                (SecretString::from(generated.clone()), Some(generated))
            }
        };
        let username = Username::parse("admin", &["username"])?;
        self.insert(&Actor::system(), username, secret, Role::Admin)
            .await?;
        Ok(generated)
    }

    async fn existing(&self, key: &str) -> Result<UserRow> {
        store::find(&self.store, key)
            .await?
            .ok_or_else(|| not_found(key))
    }

    async fn ensure_not_last_admin(&self) -> Result<()> {
        if store::count_with_role(&self.store, Role::Admin).await? <= 1 {
            return Err(Error::Conflict(
                "this is the last admin: make another user admin first".into(),
            ));
        }
        Ok(())
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "user",
        id: id.to_string(),
    }
}

//! Users and their roles.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::store::record_key;

/// What a user may do. Each role includes everything the roles below it may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Enum, SurrealValue, serde::Serialize,
)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Reads everything except users and secrets.
    Viewer,
    /// Also acts: deploys, runs, starts and stops.
    Operator,
    /// Also manages users, tokens of others, backups and the store.
    Admin,
}

impl Role {
    /// The name clients see, e.g. `OPERATOR`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "VIEWER",
            Role::Operator => "OPERATOR",
            Role::Admin => "ADMIN",
        }
    }
}

/// A person (or a script acting for one) who signs in to monitor.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct User {
    pub id: ID,
    pub username: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The stored record, with the password hash that never leaves this module's room.
#[derive(Debug, Clone, SurrealValue)]
pub(super) struct UserRow {
    pub id: RecordId,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserRow {
    pub fn to_user(&self) -> User {
        User {
            id: ID(record_key(&self.id)),
            username: self.username.clone(),
            role: self.role,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl User {
    /// What the audit log shows of a user: never the password or its hash.
    pub fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({ "username": self.username, "role": self.role })
    }
}

#[cfg(test)]
mod tests {
    use surrealdb::types::{SurrealValue, Value};

    use super::Role;

    #[test]
    fn roles_are_stored_as_their_names_so_they_sort_and_compare() {
        assert_eq!(
            Role::Operator.into_value(),
            Value::String("OPERATOR".into())
        );
        assert_eq!(
            Role::from_value(Value::String("ADMIN".into())).ok(),
            Some(Role::Admin)
        );
    }
}

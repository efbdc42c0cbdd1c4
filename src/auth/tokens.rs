//! Bearer tokens: login sessions and API tokens, stored only as SHA-256 hashes.
//!
//! Tokens are 256 random bits, so a fast hash is enough to make a stolen table useless
//! (argon2 is for guessable passwords); a fast hash also keeps every request cheap.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue};

use crate::secret::random_secret;
use crate::store::record_key;
use crate::users::Role;

pub const TABLE: &str = "token";

/// Every token starts with this, so leaked tokens are easy to recognise and grep for.
const PREFIX: &str = "mon_";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenKind {
    /// Made by `login`; expires after the session lifetime.
    Session,
    /// Made by `createApiToken` for scripts; expires when its owner says.
    Api,
}

/// A new token's text, shown to its owner once.
pub fn new_token() -> String {
    format!("{PREFIX}{}", random_secret(32))
}

/// What the store keeps of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a string could be one of our tokens at all; anything else is refused
/// without a store round trip.
pub fn looks_like_token(token: &str) -> bool {
    token.len() == PREFIX.len() + 43 && token.starts_with(PREFIX)
}

#[derive(Debug, Clone, SurrealValue)]
pub(super) struct TokenRow {
    pub id: RecordId,
    pub kind: TokenKind,
    pub name: String,
    pub owner: RecordId,
    pub hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token and the parts of its owner needed to authorise a request, in one read.
#[derive(Debug, Clone, SurrealValue)]
pub(super) struct TokenWithOwner {
    pub id: RecordId,
    pub owner: RecordId,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub owner_username: Option<String>,
    pub owner_role: Option<Role>,
}

/// An API token as its owner sees it: everything but the secret.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct ApiToken {
    pub id: ID,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub owner_id: String,
}

impl TokenRow {
    pub fn to_api_token(&self) -> ApiToken {
        ApiToken {
            id: ID(record_key(&self.id)),
            name: self.name.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
            owner_id: record_key(&self.owner),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_tokens_are_recognisable_and_distinct() {
        let (a, b) = (new_token(), new_token());
        assert!(looks_like_token(&a) && looks_like_token(&b));
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
        assert!(!looks_like_token("Bearer nonsense"));
    }
}

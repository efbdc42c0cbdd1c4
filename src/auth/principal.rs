//! Who a request acts for: the outcome of checking its bearer token, and the role check
//! every resolver and HTTP handler makes against it.

use async_graphql::ID;
use chrono::{DateTime, Utc};

use crate::audit::{Actor, ActorKind};
use crate::error::{Error, Result};
use crate::users::Role;

/// Who is making a request, established from its bearer token.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub token_id: String,
    /// When the token stops working, if it ever does.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Principal {
    /// The principal as the audit log names it.
    pub fn actor(&self) -> Actor {
        Actor {
            kind: ActorKind::User,
            name: self.username.clone(),
            user_id: Some(ID(self.user_id.clone())),
        }
    }
}

/// The outcome of checking a request's credentials.
#[derive(Debug, Clone)]
pub enum Authentication {
    /// No token was presented.
    Anonymous,
    Authenticated(Principal),
    /// A token was presented and refused, for the given reason.
    Rejected(&'static str),
    /// A token was presented but could not be checked: the store did not answer.
    Unavailable(String),
}

/// The caller, if it has at least `role`; `UNAUTHENTICATED` or `FORBIDDEN` otherwise.
/// Resolvers reach it through `ContextExt::require`; the websocket handshake and the
/// HTTP handlers call it with the token they checked.
pub fn require(authentication: Option<&Authentication>, role: Role) -> Result<&Principal> {
    match authentication {
        Some(Authentication::Authenticated(principal)) if principal.role >= role => Ok(principal),
        Some(Authentication::Authenticated(principal)) => Err(Error::Forbidden(format!(
            "this needs the {role:?} role; {} is {:?}",
            principal.username, principal.role
        ))),
        Some(Authentication::Rejected(reason)) => Err(Error::Unauthenticated(reason)),
        Some(Authentication::Unavailable(message)) => Err(Error::Unavailable {
            component: "store",
            message: format!("cannot check the token: {message}"),
        }),
        Some(Authentication::Anonymous) | None => Err(Error::Unauthenticated(
            "authentication required: send `Authorization: Bearer <token>`; get a token with the login mutation",
        )),
    }
}

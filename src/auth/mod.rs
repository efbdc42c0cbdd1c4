//! Authentication: login sessions, API tokens, and turning a bearer token into the
//! [`Principal`] every resolver checks roles against.

pub mod graphql;
mod limiter;
mod live;
mod password;
mod principal;
mod store;
mod tokens;

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Duration, Utc};

pub use live::{LiveSessions, OpenSocket, SocketCredentials};
pub use password::ChangePasswordInput;
pub use principal::{Authentication, Principal, require};
pub use tokens::{ApiToken, hash as hash_token};

use crate::audit::{Actor, ActorKind, AuditKind, AuditLog, AuditSubjectType};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::users::{Role, User, Users};
use limiter::LoginLimiter;
use tokens::{TokenKind, TokenRow};

#[derive(InputObject)]
pub struct LoginInput {
    pub username: String,
    #[graphql(secret)]
    pub password: String,
}

#[derive(SimpleObject)]
pub struct LoginPayload {
    /// The session token: send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What the token is for, e.g. `ci-deploy`.
    pub name: String,
    /// When the token stops working; never when left out.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(SimpleObject)]
pub struct CreatedApiToken {
    /// The token itself, shown this once: it is stored only as a hash.
    pub token: String,
    pub api_token: ApiToken,
}

#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    pub id: ID,
}

/// How often a token's `lastUsedAt` is written: once a minute is enough to answer
/// "is this token still used?" without a store write on every request.
const LAST_USED_RESOLUTION: Duration = Duration::seconds(60);

#[derive(Clone)]
pub struct Auth {
    store: Store,
    audit: AuditLog,
    users: Users,
    session_ttl: Duration,
    limiter: Arc<LoginLimiter>,
    live: Arc<LiveSessions>,
}

impl Auth {
    pub fn new(
        store: Store,
        audit: AuditLog,
        users: Users,
        session_ttl_hours: u32,
        attempts_per_minute: u32,
    ) -> Auth {
        Auth {
            store,
            audit,
            users,
            session_ttl: Duration::hours(i64::from(session_ttl_hours.max(1))),
            limiter: Arc::new(LoginLimiter::per_minute(attempts_per_minute)),
            live: Arc::default(),
        }
    }

    /// Open websockets per user, and the feed of users whose access changed.
    pub fn live(&self) -> &Arc<LiveSessions> {
        &self.live
    }

    /// Tells open websockets of this user that its access changed (a role or name
    /// change), so they check their token again.
    pub fn access_changed(&self, user_id: &str) {
        self.live.changed(user_id);
    }

    /// Resolves an `Authorization` header value; a store that cannot answer makes the
    /// outcome [`Authentication::Unavailable`].
    pub async fn check(&self, header: Option<&str>) -> Authentication {
        match self.authenticate(header).await {
            Ok(authentication) => authentication,
            Err(error) => {
                tracing::warn!(%error, "could not check a token");
                Authentication::Unavailable(error.to_string())
            }
        }
    }

    /// [`Auth::check`], with the generation of access changes it is current for (read
    /// before the check, so a change during it makes the outcome stale).
    pub async fn check_live(&self, header: Option<&str>) -> (Authentication, u64) {
        let generation = self.live.generation();
        (self.check(header).await, generation)
    }

    /// Resolves an `Authorization` header value.
    pub async fn authenticate(&self, header: Option<&str>) -> Result<Authentication> {
        let Some(header) = header else {
            return Ok(Authentication::Anonymous);
        };
        let Some(token) = header.strip_prefix("Bearer ").map(str::trim) else {
            return Ok(Authentication::Rejected(
                "the Authorization header must be `Bearer <token>`",
            ));
        };
        if !tokens::looks_like_token(token) {
            return Ok(Authentication::Rejected("the token is not valid"));
        }
        let Some(found) = store::find_by_hash(&self.store, &tokens::hash(token)).await? else {
            return Ok(Authentication::Rejected("the token is not valid"));
        };
        let now = Utc::now();
        if found.revoked_at.is_some() {
            return Ok(Authentication::Rejected("the token was revoked"));
        }
        if found.expires_at.is_some_and(|at| at <= now) {
            return Ok(Authentication::Rejected("the token has expired"));
        }
        let (Some(username), Some(role)) = (found.owner_username, found.owner_role) else {
            return Ok(Authentication::Rejected(
                "the token's user no longer exists",
            ));
        };
        if found
            .last_used_at
            .is_none_or(|at| now - at > LAST_USED_RESOLUTION)
        {
            let store = self.store.clone();
            let id = found.id.clone();
            tokio::spawn(async move {
                if let Err(error) = store::touch(&store, id, now).await {
                    tracing::warn!(%error, "could not record token use");
                }
            });
        }
        Ok(Authentication::Authenticated(Principal {
            user_id: crate::store::record_key(&found.owner),
            username,
            role,
            token_id: crate::store::record_key(&found.id),
            expires_at: found.expires_at,
        }))
    }

    /// Checks a username and password and opens a session. Failures are audited and
    /// throttled; the error never says whether the username exists.
    #[tracing::instrument(skip_all, fields(actor = %input.username))]
    pub async fn login(&self, input: LoginInput, client: Option<IpAddr>) -> Result<LoginPayload> {
        let username = input.username.trim().to_lowercase();
        self.limiter.check(&username, client)?;
        let Some(user) = self.users.authenticate(&username, &input.password).await? else {
            let attempted = Actor {
                kind: ActorKind::User,
                name: username.clone(),
                user_id: None,
            };
            let event = self.audit.event(
                AuditKind::LoginFailed,
                &attempted,
                format!("failed login as {username}"),
            );
            self.audit.append(event).await?;
            return Err(Error::Unauthenticated("wrong username or password"));
        };
        let token = tokens::new_token();
        let expires_at = Utc::now() + self.session_ttl;
        let row = self.new_row(
            TokenKind::Session,
            "session".into(),
            &user,
            &token,
            Some(expires_at),
        );
        let actor = Actor {
            kind: ActorKind::User,
            name: user.username.clone(),
            user_id: Some(user.id.clone()),
        };
        let event = self
            .audit
            .event(
                AuditKind::LoginSucceeded,
                &actor,
                format!("{} logged in", user.username),
            )
            .about(
                AuditSubjectType::Session,
                Some(&crate::store::record_key(&row.id)),
                None,
            );
        self.insert(row, event).await?;
        Ok(LoginPayload {
            token,
            expires_at,
            user,
        })
    }

    #[tracing::instrument(skip_all, fields(actor = %principal.username, target = %input.name))]
    pub async fn create_api_token(
        &self,
        principal: &Principal,
        input: CreateApiTokenInput,
    ) -> Result<CreatedApiToken> {
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::bad_input(
                &["input", "name"],
                "name must be 1 to 100 characters long",
            ));
        }
        if input.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(Error::bad_input(
                &["input", "expiresAt"],
                "expiresAt must be in the future",
            ));
        }
        let owner = self
            .users
            .get(&principal.user_id)
            .await?
            .ok_or(Error::Unauthenticated("the token's user no longer exists"))?;
        let token = tokens::new_token();
        let row = self.new_row(
            TokenKind::Api,
            name.to_string(),
            &owner,
            &token,
            input.expires_at,
        );
        let api_token = row.to_api_token();
        let event = self
            .audit
            .event(
                AuditKind::ApiTokenCreated,
                &principal.actor(),
                format!("created API token {name}"),
            )
            .about(AuditSubjectType::ApiToken, Some(&api_token.id), Some(name));
        self.insert(row, event).await?;
        Ok(CreatedApiToken { token, api_token })
    }

    /// Revokes a token its owner holds, or any token for an admin.
    #[tracing::instrument(skip_all, fields(actor = %principal.username, target = %id))]
    pub async fn revoke(&self, principal: &Principal, id: &str) -> Result<ApiToken> {
        let not_found = || Error::NotFound {
            what: "API token",
            id: id.to_string(),
        };
        let row = store::find(&self.store, id).await?.ok_or_else(not_found)?;
        let owned = crate::store::record_key(&row.owner) == principal.user_id;
        if row.kind != TokenKind::Api || !(owned || principal.role == Role::Admin) {
            return Err(not_found());
        }
        if row.revoked_at.is_some() {
            return Ok(row.to_api_token());
        }
        let event = self
            .audit
            .event(
                AuditKind::ApiTokenRevoked,
                &principal.actor(),
                format!("revoked API token {}", row.name),
            )
            .about(AuditSubjectType::ApiToken, Some(id), Some(&row.name));
        let after: Option<TokenRow> = self
            .audit
            .write(store::REVOKE, ("token_id", row.id.clone()), event)
            .await?;
        self.live.changed(&crate::store::record_key(&row.owner));
        Ok(after.ok_or_else(not_found)?.to_api_token())
    }

    /// A user's API tokens, in creation order.
    pub async fn api_tokens_of(
        &self,
        user_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ApiToken>> {
        let owner = crate::users::record_id(user_id);
        let rows = store::list_of(&self.store, owner, TokenKind::Api, after, limit).await?;
        Ok(rows.iter().map(TokenRow::to_api_token).collect())
    }

    /// Signs a user out everywhere (after a password change).
    pub async fn end_sessions_of(&self, user_id: &str) -> Result<()> {
        store::revoke_sessions_of(&self.store, crate::users::record_id(user_id), None).await?;
        self.live.changed(user_id);
        Ok(())
    }

    /// Forgets every token of a removed user.
    pub async fn remove_tokens_of(&self, user_id: &str) -> Result<()> {
        store::delete_all_of(&self.store, crate::users::record_id(user_id)).await?;
        self.live.changed(user_id);
        Ok(())
    }

    /// Stores a new token together with its audit event.
    async fn insert(&self, row: TokenRow, event: crate::audit::AuditEvent) -> Result<()> {
        let _: Option<TokenRow> = self
            .audit
            .write(
                store::CREATE,
                ("token_id", row.id.clone(), "token_row", row),
                event,
            )
            .await?;
        Ok(())
    }

    fn new_row(
        &self,
        kind: TokenKind,
        name: String,
        owner: &User,
        token: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> TokenRow {
        TokenRow {
            id: store::record_id(&ulid::Ulid::new().to_string()),
            kind,
            name,
            owner: crate::users::record_id(&owner.id),
            hash: tokens::hash(token),
            created_at: Utc::now(),
            expires_at,
            last_used_at: None,
            revoked_at: None,
        }
    }
}

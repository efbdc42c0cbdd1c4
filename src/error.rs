//! The one error type of monitor, and how it reaches GraphQL and HTTP clients.
//!
//! Client-facing variants carry a machine-readable code (`extensions.code`); internal
//! errors are logged with their whole cause chain and reach clients only as an opaque
//! message, so nothing about the store or the host leaks through an error.

use async_graphql::ErrorExtensions;

/// Result with monitor's [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, sorted by what a client can do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No valid token was presented (`UNAUTHENTICATED`, HTTP 401).
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The caller's role does not allow this (`FORBIDDEN`, HTTP 403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The named thing does not exist (`NOT_FOUND`, HTTP 404).
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// An input value is invalid (`BAD_USER_INPUT`); `field` is its path in the input.
    #[error("{message}")]
    BadInput { field: Vec<String>, message: String },
    /// The change clashes with existing state, e.g. a taken name (`CONFLICT`, HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; try again after the given number of seconds (`RATE_LIMITED`).
    #[error("too many attempts, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A live stream could not keep up and dropped items (`LAGGED`); the stream goes on.
    #[error("this subscription fell behind and {missed} items were dropped; reload to see them")]
    Lagged { missed: u64 },
    /// A component monitor depends on is down (`UNAVAILABLE`, HTTP 503).
    #[error("{component} is unavailable: {message}")]
    Unavailable {
        component: &'static str,
        message: String,
    },
    /// A bug or an unexpected failure (`INTERNAL`, HTTP 500); details are only logged.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// A `BAD_USER_INPUT` error for the input field at `path` (e.g. `["input", "username"]`).
    pub fn bad_input(path: &[&str], message: impl Into<String>) -> Self {
        Error::BadInput {
            field: path.iter().map(|p| p.to_string()).collect(),
            message: message.into(),
        }
    }

    /// Moves a bad-input error's field path from `["input", …]` to `[at…, …]`, for
    /// input checked as part of a larger one (a stack's deploy settings are checked as
    /// a container's).
    pub fn under(self, at: &[&str]) -> Self {
        match self {
            Error::BadInput { field, message } => Error::BadInput {
                field: at
                    .iter()
                    .map(|p| p.to_string())
                    .chain(field.into_iter().skip(1))
                    .collect(),
                message,
            },
            other => other,
        }
    }

    /// The machine-readable code clients see in `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::NotFound { .. } => "NOT_FOUND",
            Error::BadInput { .. } => "BAD_USER_INPUT",
            Error::Conflict(_) => "CONFLICT",
            Error::RateLimited { .. } => "RATE_LIMITED",
            Error::Lagged { .. } => "LAGGED",
            Error::Unavailable { .. } => "UNAVAILABLE",
            Error::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status for plain HTTP endpoints (`/backup`, webhooks).
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::BadInput { .. } => StatusCode::BAD_REQUEST,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Lagged { .. } => StatusCode::OK,
            Error::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a client may see: internal causes are logged here and replaced.
    pub fn client_message(&self) -> String {
        match self {
            Error::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error");
                "internal error: see the server log".to_string()
            }
            other => other.to_string(),
        }
    }
}

impl ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.client_message()).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                Error::BadInput { field, .. } => ext.set("field", field.clone()),
                Error::RateLimited { retry_after_secs } => {
                    ext.set("retryAfterSeconds", *retry_after_secs)
                }
                Error::Unavailable { component, .. } => ext.set("component", *component),
                Error::Lagged { missed } => ext.set("missed", *missed),
                _ => {}
            }
        })
    }
}

/// An error shared by every field of a batch (a DataLoader's), as each field's own: the
/// same code, and for an internal one the same cause in the log.
impl From<std::sync::Arc<Error>> for Error {
    fn from(shared: std::sync::Arc<Error>) -> Self {
        match shared.as_ref() {
            Error::Unauthenticated(reason) => Error::Unauthenticated(reason),
            Error::Forbidden(message) => Error::Forbidden(message.clone()),
            Error::NotFound { what, id } => Error::NotFound {
                what,
                id: id.clone(),
            },
            Error::BadInput { field, message } => Error::BadInput {
                field: field.clone(),
                message: message.clone(),
            },
            Error::Conflict(message) => Error::Conflict(message.clone()),
            Error::RateLimited { retry_after_secs } => Error::RateLimited {
                retry_after_secs: *retry_after_secs,
            },
            Error::Lagged { missed } => Error::Lagged { missed: *missed },
            Error::Unavailable { component, message } => Error::Unavailable {
                component,
                message: message.clone(),
            },
            Error::Internal(cause) => Error::Internal(anyhow::anyhow!("{cause:#}")),
        }
    }
}

impl From<surrealdb::Error> for Error {
    fn from(error: surrealdb::Error) -> Self {
        if error.is_connection() {
            return Error::Unavailable {
                component: "store",
                message: error.to_string(),
            };
        }
        Error::Internal(anyhow::Error::new(error).context("store query failed"))
    }
}

impl axum::response::IntoResponse for Error {
    fn into_response(self) -> axum::response::Response {
        let body = serde_json::json!({
            "errors": [{ "message": self.client_message(), "extensions": { "code": self.code() } }]
        });
        (self.status(), axum::Json(body)).into_response()
    }
}

/// `.context("while …")` for any fallible call, turning its error into an internal one.
pub trait Context<T> {
    /// Wraps the error with what monitor was doing when it happened.
    fn context(self, doing: &'static str) -> Result<T>;
}

impl<T, E> Context<T> for std::result::Result<T, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn context(self, doing: &'static str) -> Result<T> {
        self.map_err(|e| Error::Internal(anyhow::Error::new(e).context(doing)))
    }
}

//! What went wrong talking to the API server, kept as the API said it: its HTTP code, its
//! `reason` and its own message, so an operation can fail "with the API's own message"
//! and callers can still tell a missing object (404) or a compacted history (410) apart.

use std::fmt;

use crate::error::Error;

/// A refused or failed request to the API server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterError {
    /// The HTTP status the API server answered with; `None` when it never answered.
    pub code: Option<u16>,
    /// The `Status` reason (`NotFound`, `Forbidden`, `Conflict`, `Invalid`, `Expired`…).
    pub reason: String,
    /// The API server's own message, or what stopped the request from reaching it.
    pub message: String,
}

impl ClusterError {
    pub fn is_not_found(&self) -> bool {
        self.code == Some(404)
    }

    /// The API's history no longer reaches back to the version asked for: relist.
    pub fn is_gone(&self) -> bool {
        self.code == Some(410)
    }

    pub(crate) fn unanswered(message: impl Into<String>) -> ClusterError {
        ClusterError {
            code: None,
            reason: String::new(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "the API server answered {code}: {}", self.message),
            None => write!(f, "the API server is unreachable: {}", self.message),
        }
    }
}

impl std::error::Error for ClusterError {}

impl From<kube::Error> for ClusterError {
    fn from(error: kube::Error) -> Self {
        match error {
            kube::Error::Api(status) => ClusterError {
                code: Some(status.code),
                reason: status.reason.clone(),
                message: status.message.clone(),
            },
            other => ClusterError::unanswered(chain(&other)),
        }
    }
}

/// An error and its causes on one line: hyper's "client error (Connect)" says nothing
/// until its source says "Connection refused".
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// How a cluster failure reaches a GraphQL client: a missing object is `NOT_FOUND`, a
/// change the API refused as conflicting `CONFLICT`, one it refused as invalid
/// `BAD_USER_INPUT` on the graph; anything else means the cluster cannot do what was
/// asked right now (`UNAVAILABLE`), with the API's message either way.
impl From<ClusterError> for Error {
    fn from(error: ClusterError) -> Self {
        match error.code {
            Some(404) => Error::NotFound {
                what: "Kubernetes resource",
                id: error.message,
            },
            Some(409) => Error::Conflict(error.message),
            Some(422) => Error::BadInput {
                field: vec!["input".into(), "graph".into()],
                message: error.message,
            },
            _ => Error::Unavailable {
                component: "kubernetes",
                message: error.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, reason: &str, message: &str) -> ClusterError {
        let status = kube::core::Status::failure(message, reason).with_code(code);
        ClusterError::from(kube::Error::Api(status.boxed()))
    }

    #[test]
    fn the_api_servers_own_message_is_kept() {
        let error = api(
            403,
            "Forbidden",
            "rampartgraphs.rampart.petuum.com \"a\" is forbidden",
        );
        assert_eq!(error.code, Some(403));
        assert_eq!(error.reason, "Forbidden");
        let client = Error::from(error);
        assert_eq!(client.code(), "UNAVAILABLE");
        assert!(
            client.to_string().contains("\"a\" is forbidden"),
            "{client}"
        );
    }

    #[test]
    fn not_found_conflict_and_invalid_map_to_their_client_codes() {
        assert_eq!(
            Error::from(api(404, "NotFound", "gone")).code(),
            "NOT_FOUND"
        );
        assert_eq!(
            Error::from(api(409, "Conflict", "clash")).code(),
            "CONFLICT"
        );
        let invalid = Error::from(api(422, "Invalid", "spec.deploy: Invalid value"));
        assert_eq!(invalid.code(), "BAD_USER_INPUT");
        assert!(invalid.to_string().contains("spec.deploy"));
    }

    #[test]
    fn a_410_is_gone() {
        assert!(api(410, "Expired", "too old resource version: 1 (5)").is_gone());
    }
}

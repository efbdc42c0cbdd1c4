//! What an operation is about: its subject, and the filter that finds operations by it.
//!
//! This file is the one place a new kind of subject goes (an app on a cluster, a
//! measurement over probes): a variant of [`OperationSubject`], the accessor of its id,
//! a field of [`SubjectFilter`], and the line of [`ID_FIELDS`] that joins the two.

use async_graphql::{ID, InputObject};
// The derive names `Value` unqualified for tagged enums.
use surrealdb::types::{SurrealValue, Value};

/// The thing an operation works on, stored as `subject: { type, …ids }`.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
#[surreal(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationSubject {
    /// A server itself, e.g. a command run on it.
    Server { server_id: String },
    /// A stack, whose actions run on its server.
    Stack { stack_id: String, server_id: String },
    /// An app on the Kubernetes cluster: a deploy, revert or undeploy.
    App { app_id: String },
}

impl OperationSubject {
    /// The server the work runs on, when it runs on one.
    pub fn server_id(&self) -> Option<&str> {
        match self {
            OperationSubject::Server { server_id } | OperationSubject::Stack { server_id, .. } => {
                Some(server_id)
            }
            OperationSubject::App { .. } => None,
        }
    }

    /// The stack the work is for, if any.
    pub fn stack_id(&self) -> Option<&str> {
        match self {
            OperationSubject::Stack { stack_id, .. } => Some(stack_id),
            OperationSubject::Server { .. } | OperationSubject::App { .. } => None,
        }
    }

    /// The app the work is for, if any.
    pub fn app_id(&self) -> Option<&str> {
        match self {
            OperationSubject::App { app_id } => Some(app_id),
            _ => None,
        }
    }
}

/// Operations about a subject: every id given must be the operation's.
#[derive(Debug, Clone, Default, InputObject)]
pub struct SubjectFilter {
    /// Operations that run on this server (commands, and the actions of its stacks).
    pub server_id: Option<ID>,
    /// The actions of this stack.
    pub stack_id: Option<ID>,
    /// The deploys, reverts and undeploys of this app.
    pub app_id: Option<ID>,
}

/// An id a filter can ask for: its stored name (under `subject`), how a subject
/// carries it, and how a filter asks for it.
type IdField = (
    &'static str,
    fn(&OperationSubject) -> Option<&str>,
    fn(&SubjectFilter) -> Option<&ID>,
);

const ID_FIELDS: &[IdField] = &[
    ("server_id", OperationSubject::server_id, |filter| {
        filter.server_id.as_ref()
    }),
    ("stack_id", OperationSubject::stack_id, |filter| {
        filter.stack_id.as_ref()
    }),
    ("app_id", OperationSubject::app_id, |filter| {
        filter.app_id.as_ref()
    }),
];

impl SubjectFilter {
    /// Whether a subject passes the filter, for live changes.
    pub fn matches(&self, subject: &OperationSubject) -> bool {
        ID_FIELDS.iter().all(|(_, carried, asked)| {
            asked(self).is_none_or(|wanted| carried(subject) == Some(wanted.as_str()))
        })
    }

    /// The ids asked for, each with its stored name under `subject`, for a list.
    pub fn wanted(&self) -> Vec<(&'static str, String)> {
        ID_FIELDS
            .iter()
            .filter_map(|(name, _, asked)| Some((*name, asked(self)?.to_string())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack() -> OperationSubject {
        OperationSubject::Stack {
            stack_id: "web".into(),
            server_id: "s1".into(),
        }
    }

    #[test]
    fn a_stack_operation_is_found_by_its_stack_and_by_its_server() {
        let by_server = SubjectFilter {
            server_id: Some(ID("s1".into())),
            ..Default::default()
        };
        let by_both = SubjectFilter {
            server_id: Some(ID("s1".into())),
            stack_id: Some(ID("web".into())),
            ..Default::default()
        };
        assert!(by_server.matches(&stack()));
        assert!(by_both.matches(&stack()));
        assert!(SubjectFilter::default().matches(&stack()));
    }

    #[test]
    fn a_server_operation_is_not_found_by_a_stack() {
        let subject = OperationSubject::Server {
            server_id: "s1".into(),
        };
        let by_stack = SubjectFilter {
            stack_id: Some(ID("web".into())),
            ..Default::default()
        };
        assert!(!by_stack.matches(&subject));
    }

    #[test]
    fn a_list_is_asked_only_for_the_ids_given() {
        let filter = SubjectFilter {
            stack_id: Some(ID("web".into())),
            ..Default::default()
        };
        assert_eq!(filter.wanted(), [("stack_id", "web".to_string())]);
    }
}

//! What an operation is about: its subject, and the filter that finds operations by it.
//!
//! This file is the one place a new kind of subject goes (an app on a cluster, a
//! measurement over probes): a variant of [`OperationSubject`], the accessor of its id,
//! a field of [`SubjectFilter`], and the line of [`ID_FIELDS`] that joins the two.

use async_graphql::{ID, InputObject};
use surrealdb::types::{SurrealValue, Value};

/// The thing an operation works on, stored as `subject: { type, …ids }`.
#[derive(Debug, Clone, PartialEq, SurrealValue)]
#[surreal(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperationSubject {
    /// A server itself, e.g. a command run on it.
    Server { server_id: String },
    /// A stack, whose actions run on its server.
    Stack { stack_id: String, server_id: String },
}

impl OperationSubject {
    /// The server the work runs on, when it runs on one.
    pub fn server_id(&self) -> Option<&str> {
        match self {
            OperationSubject::Server { server_id } | OperationSubject::Stack { server_id, .. } => {
                Some(server_id)
            }
        }
    }

    /// The stack the work is for, if any.
    pub fn stack_id(&self) -> Option<&str> {
        match self {
            OperationSubject::Stack { stack_id, .. } => Some(stack_id),
            OperationSubject::Server { .. } => None,
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
}

/// An id a filter can ask for: its stored name (under `subject.`), how a subject
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
];

impl SubjectFilter {
    /// Whether a subject passes the filter, for live changes.
    pub fn matches(&self, subject: &OperationSubject) -> bool {
        ID_FIELDS.iter().all(|(_, carried, asked)| {
            asked(self).is_none_or(|wanted| carried(subject) == Some(wanted.as_str()))
        })
    }

    /// Conditions on the stored subject with the names and values they bind, for a
    /// list. Only the fixed names of `ID_FIELDS` are formatted in; ids are bound.
    pub fn conditions(&self) -> Vec<(String, &'static str, Value)> {
        ID_FIELDS
            .iter()
            .filter_map(|(name, _, asked)| {
                let wanted = asked(self)?;
                let condition = format!("subject.{name} = ${name}");
                Some((condition, *name, wanted.to_string().into_value()))
            })
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
    fn ids_are_bound_and_only_field_names_are_formatted_in() {
        let filter = SubjectFilter {
            stack_id: Some(ID("x' OR 1=1".into())),
            ..Default::default()
        };
        let conditions = filter.conditions();
        assert_eq!(conditions.len(), 1);
        assert_eq!(conditions[0].0, "subject.stack_id = $stack_id");
        assert_eq!(conditions[0].2, "x' OR 1=1".to_string().into_value());
    }
}

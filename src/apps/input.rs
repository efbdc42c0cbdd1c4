//! User input for apps: the GraphQL input objects and their validation. Each check
//! names the exact input field it refuses, and nothing is stored or sent to the cluster
//! before every field passed.

use std::collections::BTreeMap;

use async_graphql::{ID, InputObject, Json};
use serde_json::Value;

use super::validate::{is_dns_label, parse_graph};
use crate::error::{Error, Result};

/// The longest description or message kept.
const MAX_TEXT: usize = 2000;

/// A label as a key and a value, as Kubernetes labels are.
#[derive(Debug, Clone, InputObject)]
pub struct AppLabelInput {
    /// An optional DNS prefix and `/`, then 1 to 63 letters, digits, `-`, `_` or `.`.
    pub key: String,
    /// Up to 63 letters, digits, `-`, `_` or `.`, starting and ending alphanumeric.
    pub value: String,
}

#[derive(Debug, InputObject)]
pub struct CreateAppInput {
    /// The resource's namespace: a DNS-1123 label.
    pub namespace: String,
    /// The resource's name: a DNS-1123 label, unique within the namespace.
    pub name: String,
    pub description: Option<String>,
    pub labels: Option<Vec<AppLabelInput>>,
    /// `{components: {…}, flows: {…}}`, stored as version 1.
    pub graph: Json<Value>,
    /// What version 1 is; "created" when absent.
    pub message: Option<String>,
    pub auto_revert: Option<bool>,
}

/// Changes to an app; absent fields stay as they are.
#[derive(Debug, InputObject)]
pub struct UpdateAppInput {
    pub id: ID,
    pub description: Option<String>,
    /// The whole new set of labels.
    pub labels: Option<Vec<AppLabelInput>>,
    pub auto_revert: Option<bool>,
}

#[derive(Debug, InputObject)]
pub struct DeleteAppInput {
    pub id: ID,
}

#[derive(Debug, InputObject)]
pub struct SaveAppGraphInput {
    pub app_id: ID,
    pub graph: Json<Value>,
    /// What changed, for the version history.
    pub message: Option<String>,
}

/// A new app once every field is valid.
#[derive(Debug, Clone)]
pub struct NewApp {
    pub namespace: String,
    pub name: String,
    pub description: String,
    pub labels: BTreeMap<String, String>,
    pub graph: Value,
    pub message: String,
    pub auto_revert: bool,
}

impl CreateAppInput {
    pub fn parse(self) -> Result<NewApp> {
        let namespace = resource_name(&self.namespace, "namespace")?;
        let name = resource_name(&self.name, "name")?;
        let description = text(self.description, "description")?;
        let labels = labels(self.labels.unwrap_or_default())?;
        parse_graph(&self.graph, &["input", "graph"])?;
        Ok(NewApp {
            namespace,
            name,
            description,
            labels,
            graph: self.graph.0,
            message: text(self.message, "message")?.if_empty("created"),
            auto_revert: self.auto_revert.unwrap_or(false),
        })
    }
}

/// The fields of an app a change sets.
#[derive(Debug, Clone, Default)]
pub struct AppPatch {
    pub description: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub auto_revert: Option<bool>,
}

impl UpdateAppInput {
    pub fn parse(self) -> Result<(String, AppPatch)> {
        let description = match self.description {
            Some(description) => Some(text(Some(description), "description")?),
            None => None,
        };
        let labels = self.labels.map(labels).transpose()?;
        let patch = AppPatch {
            description,
            labels,
            auto_revert: self.auto_revert,
        };
        Ok((self.id.to_string(), patch))
    }
}

impl SaveAppGraphInput {
    /// The app's id, the graph and its message.
    pub fn parse(self) -> Result<(String, Value, String)> {
        parse_graph(&self.graph, &["input", "graph"])?;
        let message = text(self.message, "message")?.if_empty("saved");
        Ok((self.app_id.to_string(), self.graph.0, message))
    }
}

fn resource_name(value: &str, field: &str) -> Result<String> {
    if is_dns_label(value) {
        return Ok(value.to_string());
    }
    Err(Error::bad_input(
        &["input", field],
        format!(
            "`{value}` is not a DNS-1123 label: 1 to 63 lowercase letters, digits and `-`, \
             starting and ending with a letter or digit"
        ),
    ))
}

/// A free text of at most [`MAX_TEXT`] characters, trimmed.
pub(super) fn text(value: Option<String>, field: &str) -> Result<String> {
    let value = value.unwrap_or_default();
    if value.chars().count() > MAX_TEXT {
        return Err(Error::bad_input(
            &["input", field],
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    Ok(value.trim().to_string())
}

trait IfEmpty {
    fn if_empty(self, default: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, default: &str) -> String {
        if self.is_empty() {
            default.to_string()
        } else {
            self
        }
    }
}

fn labels(given: Vec<AppLabelInput>) -> Result<BTreeMap<String, String>> {
    let mut labels = BTreeMap::new();
    for (index, label) in given.into_iter().enumerate() {
        let at = index.to_string();
        if !is_label_key(&label.key) {
            return Err(Error::bad_input(
                &["input", "labels", &at, "key"],
                format!(
                    "`{}` is not a label key: an optional DNS prefix and `/`, then 1 to 63 \
                     letters, digits, `-`, `_` or `.`, starting and ending alphanumeric",
                    label.key
                ),
            ));
        }
        if !label.value.is_empty() && !is_label_name(&label.value) {
            return Err(Error::bad_input(
                &["input", "labels", &at, "value"],
                format!(
                    "`{}` is not a label value: up to 63 letters, digits, `-`, `_` or `.`, \
                     starting and ending alphanumeric",
                    label.value
                ),
            ));
        }
        if labels.insert(label.key.clone(), label.value).is_some() {
            return Err(Error::bad_input(
                &["input", "labels", &at, "key"],
                format!("label `{}` is given twice", label.key),
            ));
        }
    }
    Ok(labels)
}

/// A Kubernetes label key: `[prefix/]name`, the prefix a DNS subdomain.
fn is_label_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok =
        prefix.is_none_or(|prefix| prefix.len() <= 253 && prefix.split('.').all(is_dns_label));
    prefix_ok && is_label_name(name)
}

fn is_label_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn create(namespace: &str, name: &str, graph: Value) -> CreateAppInput {
        CreateAppInput {
            namespace: namespace.into(),
            name: name.into(),
            description: None,
            labels: None,
            graph: Json(graph),
            message: None,
            auto_revert: None,
        }
    }

    fn field(error: Error) -> Vec<String> {
        match error {
            Error::BadInput { field, .. } => field,
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    #[test]
    fn a_new_app_needs_dns_labels_for_namespace_and_name() {
        let graph = json!({"components": {}, "flows": {}});
        let error = create("ML", "demo", graph.clone())
            .parse()
            .expect_err("refused");
        assert_eq!(field(error), ["input", "namespace"]);
        let error = create("ml", "demo_1", graph.clone())
            .parse()
            .expect_err("refused");
        assert_eq!(field(error), ["input", "name"]);
        let app = create("ml", "demo", graph).parse().expect("valid");
        assert_eq!(app.message, "created");
    }

    #[test]
    fn a_new_app_refuses_a_graph_that_is_not_one_at_its_field() {
        let error = create("ml", "demo", json!([]))
            .parse()
            .expect_err("refused");
        assert_eq!(field(error), ["input", "graph"]);
    }

    #[test]
    fn labels_follow_kubernetes_syntax_and_are_given_once() {
        let label = |key: &str, value: &str| AppLabelInput {
            key: key.into(),
            value: value.into(),
        };
        let good = labels(vec![
            label("rampart-graph-readonly", "true"),
            label("example.com/team", "ml_ops.1"),
            label("empty", ""),
        ])
        .expect("valid");
        assert_eq!(good["example.com/team"], "ml_ops.1");
        let error = labels(vec![label("bad key", "x")]).expect_err("refused");
        assert_eq!(field(error), ["input", "labels", "0", "key"]);
        let error = labels(vec![label("a", "ok"), label("b", "-no")]).expect_err("refused");
        assert_eq!(field(error), ["input", "labels", "1", "value"]);
        let error = labels(vec![label("a", "1"), label("a", "2")]).expect_err("refused");
        assert_eq!(field(error), ["input", "labels", "1", "key"]);
    }
}

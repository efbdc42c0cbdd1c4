//! User input for the component catalog, checked field by field.

use async_graphql::{ID, InputObject, Json};
use serde_json::Value;

use crate::error::{Error, Result};

/// The longest title, type or node type.
const MAX_NAME: usize = 200;

#[derive(Debug, InputObject)]
pub struct CreateComponentConfigInput {
    /// What the catalog shows, 1 to 200 characters.
    pub title: String,
    /// The component config a graph's component starts from: an object.
    pub config: Json<Value>,
    /// The component type, e.g. `batch-uploader`.
    #[graphql(name = "type")]
    pub kind: String,
    /// How the graph editor draws it.
    pub node_type: String,
    /// What this version is; "created" when absent.
    pub message: Option<String>,
}

/// Changes to a config; absent fields stay as they are. Each change is a new version.
#[derive(Debug, InputObject)]
pub struct UpdateComponentConfigInput {
    pub id: ID,
    pub title: Option<String>,
    pub config: Option<Json<Value>>,
    #[graphql(name = "type")]
    pub kind: Option<String>,
    pub node_type: Option<String>,
    /// What changed; "updated" when absent.
    pub message: Option<String>,
}

#[derive(Debug, InputObject)]
pub struct DeleteComponentConfigInput {
    pub id: ID,
}

/// A config's fields once valid.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFields {
    pub title: String,
    pub config: Value,
    pub kind: String,
    pub node_type: String,
    pub message: String,
}

impl ConfigFields {
    pub fn parse(
        title: &str,
        config: Value,
        kind: &str,
        node_type: &str,
        message: String,
    ) -> Result<ConfigFields> {
        if !config.is_object() {
            return Err(Error::bad_input(
                &["input", "config"],
                "a component config is a JSON object",
            ));
        }
        Ok(ConfigFields {
            title: name(title, "title")?,
            config,
            kind: name(kind, "type")?,
            node_type: name(node_type, "nodeType")?,
            message: crate::apps::input::text(Some(message), "message")?,
        })
    }
}

fn name(value: &str, field: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NAME {
        return Err(Error::bad_input(
            &["input", field],
            format!("`{field}` is 1 to {MAX_NAME} characters"),
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_config_must_be_an_object_with_a_title_type_and_node_type() {
        let parse = |title: &str, config: Value, kind: &str| {
            ConfigFields::parse(title, config, kind, "node", "m".into())
        };
        assert!(parse("Uploader", json!({"chart": {}}), "batch").is_ok());
        let field = |result: Result<ConfigFields>| match result {
            Err(Error::BadInput { field, .. }) => field,
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        };
        assert_eq!(field(parse("x", json!([1]), "batch")), ["input", "config"]);
        assert_eq!(field(parse(" ", json!({}), "batch")), ["input", "title"]);
        assert_eq!(field(parse("x", json!({}), "")), ["input", "type"]);
    }
}

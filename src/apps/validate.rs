//! Checks a graph as a user sent it, before anything is stored or sent to the cluster,
//! and names the exact field that is wrong (`["input", "graph", "components", "a",
//! "chart"]`), as the controller would only say so minutes later in `status.messages`.

use serde_json::{Map, Value};

use super::graph::Graph;
use crate::error::{Error, Result};

/// Accepts `raw` as a graph or says which field at or under `at` is wrong and why.
pub fn parse_graph(raw: &Value, at: &[&str]) -> Result<Graph> {
    let root = Path::new(at);
    let graph = object(
        raw,
        &root,
        "a graph is an object with `components` and `flows`",
    )?;
    let components = member_object(graph, &root, "components")?;
    let flows = member_object(graph, &root, "flows")?;
    for name in flows.keys() {
        let path = root.join("flows").join(name);
        dns_label(name, &path, "flow")?;
        if components.contains_key(name) {
            return Err(path.error(format!(
                "flow `{name}` has the same name as a component; names are shared"
            )));
        }
        check_flow(&flows[name], &path)?;
    }
    for (name, component) in components {
        let path = root.join("components").join(name);
        dns_label(name, &path, "component")?;
        check_component(component, &path, components, flows)?;
    }
    serde_json::from_value(raw.clone())
        .map_err(|error| root.error(format!("the graph does not fit its schema: {error}")))
}

fn check_flow(flow: &Value, path: &Path) -> Result<()> {
    let flow = object(flow, path, "a flow is an object")?;
    optional_string(flow, path, "type")?;
    optional_object(flow, path, "config")
}

fn check_component(
    component: &Value,
    path: &Path,
    components: &Map<String, Value>,
    flows: &Map<String, Value>,
) -> Result<()> {
    let component = object(component, path, "a component is an object with a `chart`")?;
    let chart_path = path.join("chart");
    let chart = match component.get("chart") {
        None => return Err(chart_path.error("a component needs a `chart` {repo, name, version}")),
        Some(chart) => object(chart, &chart_path, "`chart` is {repo, name, version}")?,
    };
    for field in ["repo", "name", "version"] {
        match chart.get(field) {
            Some(Value::String(value)) if !value.trim().is_empty() => {}
            _ => {
                return Err(chart_path
                    .join(field)
                    .error(format!("the chart's `{field}` is a non-empty string")));
            }
        }
    }
    optional_object(component, path, "config")?;
    optional_string(component, path, "type")?;
    if let Some(namespace) = optional_string(component, path, "namespace")? {
        dns_label(namespace, &path.join("namespace"), "namespace")?;
    }
    if let Some(value) = component.get("ingressNeeded")
        && !value.is_boolean()
    {
        return Err(path
            .join("ingressNeeded")
            .error("`ingressNeeded` is true or false"));
    }
    check_needs(component, path, components)?;
    for side in ["inputs", "outputs"] {
        check_edges(component, &path.join(side), side, flows)?;
    }
    Ok(())
}

fn check_needs(
    component: &Map<String, Value>,
    path: &Path,
    components: &Map<String, Value>,
) -> Result<()> {
    let Some(needs) = component.get("needs") else {
        return Ok(());
    };
    let path = path.join("needs");
    let Value::Array(needs) = needs else {
        return Err(path.error("`needs` is a list of component names"));
    };
    for (index, needed) in needs.iter().enumerate() {
        let item = path.join(&index.to_string());
        match needed {
            Value::String(name) if components.contains_key(name) => {}
            Value::String(name) => {
                return Err(item.error(format!("component `{name}` is not defined")));
            }
            _ => return Err(item.error("`needs` is a list of component names")),
        }
    }
    Ok(())
}

fn check_edges(
    component: &Map<String, Value>,
    path: &Path,
    side: &str,
    flows: &Map<String, Value>,
) -> Result<()> {
    let Some(edges) = component.get(side) else {
        return Ok(());
    };
    let message = format!("`{side}` is an object of edges, each {{flow: <flow name>}}");
    let edges = object(edges, path, &message)?;
    for (edge, value) in edges {
        let edge_path = path.join(edge);
        let value = object(value, &edge_path, &message)?;
        let flow_path = edge_path.join("flow");
        match value.get("flow") {
            Some(Value::String(flow)) if flows.contains_key(flow) => {}
            Some(Value::String(flow)) => {
                return Err(flow_path.error(format!("flow `{flow}` is not defined in `flows`")));
            }
            _ => return Err(flow_path.error("an edge names its flow: {flow: <flow name>}")),
        }
        optional_string(value, &edge_path, "type")?;
    }
    Ok(())
}

/// Whether `name` is an RFC 1123 label, as Kubernetes names namespaces and services:
/// 1 to 63 lowercase letters, digits and `-`, starting and ending alphanumeric.
pub fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    let alphanumeric = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (1..=63).contains(&bytes.len())
        && bytes.first().is_some_and(alphanumeric)
        && bytes.last().is_some_and(alphanumeric)
        && bytes.iter().all(|b| alphanumeric(b) || *b == b'-')
}

fn dns_label(name: &str, path: &Path, what: &str) -> Result<()> {
    if is_dns_label(name) {
        return Ok(());
    }
    Err(path.error(format!(
        "{what} name `{name}` is not a DNS-1123 label: 1 to 63 lowercase letters, digits \
         and `-`, starting and ending with a letter or digit"
    )))
}

fn object<'a>(value: &'a Value, path: &Path, message: &str) -> Result<&'a Map<String, Value>> {
    value.as_object().ok_or_else(|| path.error(message))
}

fn member_object<'a>(
    parent: &'a Map<String, Value>,
    path: &Path,
    field: &str,
) -> Result<&'a Map<String, Value>> {
    let message = format!("`{field}` is an object keyed by name");
    match parent.get(field) {
        Some(value) => object(value, &path.join(field), &message),
        None => Err(path.join(field).error(message)),
    }
}

fn optional_object(parent: &Map<String, Value>, path: &Path, field: &str) -> Result<()> {
    match parent.get(field) {
        None | Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(path.join(field).error(format!("`{field}` is an object"))),
    }
}

fn optional_string<'a>(
    parent: &'a Map<String, Value>,
    path: &Path,
    field: &str,
) -> Result<Option<&'a str>> {
    match parent.get(field) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(path.join(field).error(format!("`{field}` is a string"))),
    }
}

/// A field path in the input, for errors.
struct Path(Vec<String>);

impl Path {
    fn new(at: &[&str]) -> Path {
        Path(at.iter().map(|part| part.to_string()).collect())
    }

    fn join(&self, part: &str) -> Path {
        let mut parts = self.0.clone();
        parts.push(part.to_string());
        Path(parts)
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::BadInput {
            field: self.0.clone(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const AT: &[&str] = &["input", "graph"];

    fn valid() -> Value {
        json!({
            "components": {
                "uploader": {
                    "type": "batch-uploader",
                    "chart": {"repo": "rampart-repo", "name": "batch-uploader", "version": "latest"},
                    "config": {"imagePullSecrets": [{"name": "staging"}]},
                    "inputs": {},
                    "outputs": {"output_1": {"type": "volume", "flow": "batch-input"}},
                    "ingressNeeded": true
                },
                "trainer": {
                    "chart": {"repo": "rampart-repo", "name": "trainer", "version": "1.2.0"},
                    "inputs": {"input_1": {"flow": "batch-input"}},
                    "needs": ["uploader"],
                    "namespace": "training"
                }
            },
            "flows": {"batch-input": {"type": "volume", "config": {"size": "1Gi"}}}
        })
    }

    fn field_of(raw: Value) -> (Vec<String>, String) {
        match parse_graph(&raw, AT) {
            Err(Error::BadInput { field, message }) => (field, message),
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    fn with(mut raw: Value, pointer: &str, value: Value) -> Value {
        *raw.pointer_mut(pointer).expect("the pointer exists") = value;
        raw
    }

    #[test]
    fn a_well_formed_graph_is_accepted_as_typed_components_and_flows() {
        let graph = parse_graph(&valid(), AT).expect("valid");
        assert_eq!(
            graph.components["trainer"].needs,
            Some(vec!["uploader".into()])
        );
        assert_eq!(graph.flows["batch-input"].kind.as_deref(), Some("volume"));
    }

    #[test]
    fn something_that_is_not_an_object_of_components_and_flows_is_refused() {
        assert_eq!(field_of(json!([1, 2])).0, AT);
        assert_eq!(
            field_of(json!({"flows": {}})).0,
            ["input", "graph", "components"]
        );
        assert_eq!(
            field_of(json!({"components": {}, "flows": []})).0,
            ["input", "graph", "flows"]
        );
    }

    #[test]
    fn a_component_without_a_chart_is_refused_at_its_chart() {
        let raw = with(valid(), "/components/trainer", json!({"inputs": {}}));
        let (field, message) = field_of(raw);
        assert_eq!(field, ["input", "graph", "components", "trainer", "chart"]);
        assert!(message.contains("chart"), "{message}");
        let raw = with(valid(), "/components/trainer/chart/version", json!(""));
        assert_eq!(
            field_of(raw).0,
            [
                "input",
                "graph",
                "components",
                "trainer",
                "chart",
                "version"
            ]
        );
    }

    #[test]
    fn a_flow_referenced_but_not_defined_is_refused_where_it_is_referenced() {
        let raw = with(
            valid(),
            "/components/trainer/inputs/input_1/flow",
            json!("features"),
        );
        let (field, message) = field_of(raw);
        assert_eq!(
            field,
            [
                "input",
                "graph",
                "components",
                "trainer",
                "inputs",
                "input_1",
                "flow"
            ]
        );
        assert!(message.contains("`features` is not defined"), "{message}");
    }

    #[test]
    fn a_needed_component_that_does_not_exist_is_refused() {
        let raw = with(
            valid(),
            "/components/trainer/needs",
            json!(["uploader", "ghost"]),
        );
        assert_eq!(
            field_of(raw).0,
            ["input", "graph", "components", "trainer", "needs", "1"]
        );
    }

    #[test]
    fn names_that_are_not_dns_labels_are_refused() {
        let mut raw = valid();
        let component = raw["components"]["trainer"].take();
        raw["components"]
            .as_object_mut()
            .expect("object")
            .insert("Trainer_1".into(), component);
        assert_eq!(
            field_of(raw).0,
            ["input", "graph", "components", "Trainer_1"]
        );
        let raw = with(valid(), "/components/trainer/namespace", json!("-bad"));
        assert_eq!(
            field_of(raw).0,
            ["input", "graph", "components", "trainer", "namespace"]
        );
    }

    #[test]
    fn a_flow_named_like_a_component_is_refused() {
        let mut raw = valid();
        raw["flows"]["uploader"] = json!({});
        assert_eq!(field_of(raw).0, ["input", "graph", "flows", "uploader"]);
    }

    #[test]
    fn dns_labels_follow_rfc_1123() {
        for good in ["a", "a-b", "0abc", &"x".repeat(63)] {
            assert!(is_dns_label(good), "{good}");
        }
        for bad in ["", "A", "a_b", "-a", "a-", "a.b", &"x".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
    }
}

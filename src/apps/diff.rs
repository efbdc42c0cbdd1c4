//! What changed between two graphs, component by component and flow by flow, down to
//! the JSON paths whose values differ, with the old and new value of each.
//!
//! Paths are JSON Pointers (RFC 6901) inside the component or flow: `/chart/version`,
//! `/config/imagePullSecrets/0/name`. Lists are compared item by item, so a changed
//! item shows as that item, and a longer list as the items added at its end.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

/// Whether something is new, gone or different.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// One path whose value differs. `path` is empty when the whole entry came or went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathChange {
    pub path: String,
    pub change: Change,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// One component or flow that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryDiff {
    pub name: String,
    pub change: Change,
    pub paths: Vec<PathChange>,
}

/// The differences between two graphs, components and flows each sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GraphDiff {
    pub components: Vec<EntryDiff>,
    pub flows: Vec<EntryDiff>,
}

impl GraphDiff {
    pub fn is_empty(&self) -> bool {
        self.components.is_empty() && self.flows.is_empty()
    }
}

/// The differences from graph `old` to graph `new` (raw `spec.graph` values).
pub fn diff_graphs(old: &Value, new: &Value) -> GraphDiff {
    GraphDiff {
        components: diff_entries(section(old, "components"), section(new, "components")),
        flows: diff_entries(section(old, "flows"), section(new, "flows")),
    }
}

fn section<'a>(graph: &'a Value, name: &str) -> Option<&'a Map<String, Value>> {
    graph.get(name).and_then(Value::as_object)
}

fn diff_entries(
    old: Option<&Map<String, Value>>,
    new: Option<&Map<String, Value>>,
) -> Vec<EntryDiff> {
    let empty = Map::new();
    let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (change, paths) = match (old.get(name), new.get(name)) {
                (Some(before), Some(after)) => {
                    let mut paths = Vec::new();
                    diff_values(before, after, &mut String::new(), &mut paths);
                    (Change::Changed, paths)
                }
                (None, after) => (Change::Added, vec![whole(Change::Added, None, after)]),
                (before, None) => (Change::Removed, vec![whole(Change::Removed, before, None)]),
            };
            (!paths.is_empty()).then(|| EntryDiff {
                name: name.clone(),
                change,
                paths,
            })
        })
        .collect()
}

fn whole(change: Change, old: Option<&Value>, new: Option<&Value>) -> PathChange {
    PathChange {
        path: String::new(),
        change,
        old: old.cloned(),
        new: new.cloned(),
    }
}

fn diff_values(old: &Value, new: &Value, path: &mut String, out: &mut Vec<PathChange>) {
    match (old, new) {
        (Value::Object(before), Value::Object(after)) => {
            let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
            for key in keys {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                descend(before.get(key), after.get(key), path, &escaped, out);
            }
        }
        (Value::Array(before), Value::Array(after)) => {
            for index in 0..before.len().max(after.len()) {
                descend(
                    before.get(index),
                    after.get(index),
                    path,
                    &index.to_string(),
                    out,
                );
            }
        }
        _ if old != new => out.push(PathChange {
            path: path.clone(),
            change: Change::Changed,
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
        _ => {}
    }
}

fn descend(
    old: Option<&Value>,
    new: Option<&Value>,
    path: &mut String,
    segment: &str,
    out: &mut Vec<PathChange>,
) {
    let length = path.len();
    path.push('/');
    path.push_str(segment);
    match (old, new) {
        (Some(before), Some(after)) => diff_values(before, after, path, out),
        (None, None) => {}
        (before, after) => out.push(PathChange {
            path: path.clone(),
            change: if before.is_none() {
                Change::Added
            } else {
                Change::Removed
            },
            old: before.cloned(),
            new: after.cloned(),
        }),
    }
    path.truncate(length);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn graph(version: &str, extra_component: bool) -> Value {
        let mut graph = json!({
            "components": {"api": {
                "chart": {"repo": "r", "name": "api", "version": version},
                "config": {"env": [{"name": "A", "value": "1"}], "a/b": 1}
            }},
            "flows": {"events": {"type": "pulsar"}}
        });
        if extra_component {
            graph["components"]["worker"] =
                json!({"chart": {"repo": "r", "name": "w", "version": "1"}});
        }
        graph
    }

    #[test]
    fn identical_graphs_have_no_differences() {
        assert!(diff_graphs(&graph("1", true), &graph("1", true)).is_empty());
    }

    #[test]
    fn a_changed_value_is_reported_at_its_path_with_old_and_new() {
        let mut new = graph("2", false);
        new["components"]["api"]["config"]["env"][0]["value"] = json!("2");
        new["components"]["api"]["config"]["a/b"] = json!(2);
        let diff = diff_graphs(&graph("1", false), &new);
        assert!(diff.flows.is_empty());
        let [api] = diff.components.as_slice() else {
            panic!("one component differs: {diff:?}")
        };
        assert_eq!(api.change, Change::Changed);
        let paths: Vec<(&str, Option<&Value>, Option<&Value>)> = api
            .paths
            .iter()
            .map(|p| (p.path.as_str(), p.old.as_ref(), p.new.as_ref()))
            .collect();
        assert_eq!(
            paths,
            [
                ("/chart/version", Some(&json!("1")), Some(&json!("2"))),
                ("/config/a~1b", Some(&json!(1)), Some(&json!(2))),
                ("/config/env/0/value", Some(&json!("1")), Some(&json!("2"))),
            ]
        );
    }

    #[test]
    fn added_and_removed_components_and_fields_are_named() {
        let mut new = graph("1", true);
        new["flows"]["events"]["config"] = json!({"retention": "1d"});
        new["flows"]["events"]
            .as_object_mut()
            .expect("object")
            .remove("type");
        let diff = diff_graphs(&graph("1", false), &new);
        assert_eq!(diff.components[0].name, "worker");
        assert_eq!(diff.components[0].change, Change::Added);
        assert_eq!(
            diff.components[0].paths[0].new,
            Some(new["components"]["worker"].clone())
        );
        let flow: Vec<(&str, Change)> = diff.flows[0]
            .paths
            .iter()
            .map(|p| (p.path.as_str(), p.change))
            .collect();
        assert_eq!(
            flow,
            [("/config", Change::Added), ("/type", Change::Removed)]
        );
        let back = diff_graphs(&new, &graph("1", false));
        assert_eq!(back.components[0].change, Change::Removed);
    }

    #[test]
    fn a_longer_list_shows_the_items_added_at_its_end() {
        let old = json!({"components": {"a": {"l": [1]}}, "flows": {}});
        let new = json!({"components": {"a": {"l": [1, 2]}}, "flows": {}});
        let diff = diff_graphs(&old, &new);
        assert_eq!(diff.components[0].paths[0].path, "/l/1");
        assert_eq!(diff.components[0].paths[0].change, Change::Added);
    }
}

//! Field ownership as server-side apply keeps it, simplified to what a resource with a
//! free-form spec needs: each manager owns a set of leaf paths (objects are walked,
//! lists and scalars are leaves, as lists are atomic in a schemaless spec).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// A path of object keys from the resource's root, e.g. `["spec", "deploy"]`.
pub type FieldPath = Vec<String>;

/// Which endpoint a write came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sub {
    Main,
    Status,
}

/// One `managedFields` entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: &'static str,
    pub sub: Sub,
    pub time: String,
    pub fields: BTreeSet<FieldPath>,
}

impl Entry {
    pub fn owns_overlapping(&self, path: &FieldPath) -> bool {
        self.fields
            .iter()
            .any(|owned| owned.starts_with(path) || path.starts_with(owned))
    }

    /// The entry as the API server writes it into `metadata.managedFields`.
    pub fn to_json(&self, api_version: &str) -> Value {
        let mut entry = serde_json::json!({
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": api_version,
            "time": self.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": fields_v1(&self.fields),
        });
        if self.sub == Sub::Status {
            entry["subresource"] = "status".into();
        }
        entry
    }
}

/// The part of an object a manager can own through `sub`: for the main resource,
/// everything but identity, server-set metadata and status; for `/status`, the status.
pub fn managed_part(object: &Value, sub: Sub) -> Value {
    let mut part = Map::new();
    match sub {
        Sub::Status => {
            if let Some(status) = object.get("status") {
                part.insert("status".into(), status.clone());
            }
        }
        Sub::Main => {
            for (key, value) in object.as_object().into_iter().flatten() {
                match key.as_str() {
                    "apiVersion" | "kind" | "status" => {}
                    "metadata" => {
                        let mut metadata = Map::new();
                        for field in ["labels", "annotations", "finalizers", "ownerReferences"] {
                            if let Some(value) = value.get(field) {
                                metadata.insert(field.into(), value.clone());
                            }
                        }
                        if !metadata.is_empty() {
                            part.insert("metadata".into(), Value::Object(metadata));
                        }
                    }
                    _ => {
                        part.insert(key.clone(), value.clone());
                    }
                }
            }
        }
    }
    Value::Object(part)
}

/// Every leaf of `value` and its value.
pub fn leaves(value: &Value) -> BTreeMap<FieldPath, Value> {
    let mut out = BTreeMap::new();
    collect(value, &mut Vec::new(), &mut out);
    out
}

fn collect(value: &Value, path: &mut FieldPath, out: &mut BTreeMap<FieldPath, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                path.push(key.clone());
                collect(child, path, out);
                path.pop();
            }
        }
        _ if !path.is_empty() => {
            out.insert(path.clone(), value.clone());
        }
        _ => {}
    }
}

/// The value at `path`, if there is one.
pub fn get<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |node, key| node.get(key))
}

/// Sets `path` to `leaf`, creating objects on the way.
pub fn set(value: &mut Value, path: &[String], leaf: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = value;
    for key in parents {
        if !node.get(key).is_some_and(Value::is_object) {
            node[key.as_str()] = Value::Object(Map::new());
        }
        node = &mut node[key.as_str()];
    }
    node[last.as_str()] = leaf;
}

/// Removes `path`, then each parent the removal left empty (never a top-level field).
pub fn remove(value: &mut Value, path: &[String]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    let Some(Value::Object(map)) = get_mut(value, parent) else {
        return;
    };
    map.remove(last);
    for depth in (2..=parent.len()).rev() {
        let (grandparent, key) = (&path[..depth - 1], &path[depth - 1]);
        let Some(Value::Object(map)) = get_mut(value, grandparent) else {
            return;
        };
        if !map
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            return;
        }
        map.remove(key);
    }
}

fn get_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, key| node.get_mut(key))
}

/// `fieldsV1`: `{"f:spec": {"f:deploy": {}}}` for the path `spec.deploy`.
pub fn fields_v1(fields: &BTreeSet<FieldPath>) -> Value {
    let mut root = Value::Object(Map::new());
    for path in fields {
        let prefixed: Vec<String> = path.iter().map(|key| format!("f:{key}")).collect();
        set(&mut root, &prefixed, Value::Object(Map::new()));
    }
    root
}

/// `.spec.graph.components.a` for a conflict message.
pub fn dotted(path: &FieldPath) -> String {
    path.iter().map(|key| format!(".{key}")).collect()
}

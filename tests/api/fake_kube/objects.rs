//! Helpers on stored objects: the metadata only the server sets, what counts for the
//! generation, comparisons that ignore field-manager times, and JSON merge patch.

use serde_json::{Map, Value};

use super::fields::{Entry, Sub};
use super::store::Resource;

/// Metadata only the server sets, taken from the stored object whatever a write said.
pub fn restore_server_metadata(old: &Value, written: &Value) -> Value {
    let mut metadata = written.clone();
    for field in [
        "name",
        "namespace",
        "uid",
        "creationTimestamp",
        "generation",
        "resourceVersion",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "managedFields",
    ] {
        match old["metadata"].get(field) {
            Some(value) => metadata[field] = value.clone(),
            None => {
                metadata
                    .as_object_mut()
                    .map(|metadata| metadata.remove(field));
            }
        }
    }
    metadata
}

/// Everything that counts for `metadata.generation`: all but metadata and status.
pub fn spec_part(object: &Value) -> Value {
    let mut part = object.clone();
    if let Some(map) = part.as_object_mut() {
        for field in ["apiVersion", "kind", "metadata", "status"] {
            map.remove(field);
        }
    }
    part
}

pub fn without_managed_fields(object: &Value) -> Value {
    let mut object = object.clone();
    object["metadata"]
        .as_object_mut()
        .map(|metadata| metadata.remove("managedFields"));
    object
}

pub fn strip_times(entries: &[Value]) -> Vec<Value> {
    entries
        .iter()
        .map(|entry| {
            let mut entry = entry.clone();
            entry.as_object_mut().map(|entry| entry.remove("time"));
            entry
        })
        .collect()
}

/// How apimachinery names a manager in a conflict: an updater with its API version and
/// time, an applier by name alone.
pub fn print_manager(entry: &Entry, resource: &Resource) -> String {
    let mut printed = format!("{:?}", entry.manager);
    if entry.sub == Sub::Status {
        printed.push_str(" with subresource \"status\"");
    }
    if entry.operation == "Update" {
        printed = format!(
            "{printed} using {} at {}",
            resource.api_version(),
            entry.time
        );
    }
    printed
}

pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// RFC 7386: objects merge key by key, `null` removes, anything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(map) = target else { return };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

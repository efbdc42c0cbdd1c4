//! Writes to the fake's store: server-side apply, JSON merge patch and delete, on the
//! resource or its `/status`, with field ownership, generations, validation, no-op
//! detection and finalizers handled as the API server handles them.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::fields::{self, Entry, FieldPath, Sub};
use super::objects::{
    json_type, merge, print_manager, restore_server_metadata, spec_part, strip_times,
    without_managed_fields,
};
use super::status::{self, Refusal};
use super::store::{ChangeKind, Key, Store, timestamp};

impl Store {
    /// Server-side apply of `body` by `manager` through `sub`.
    pub fn apply(
        &mut self,
        key: &Key,
        body: &Value,
        manager: &str,
        force: bool,
        sub: Sub,
    ) -> Result<(Value, bool), Refusal> {
        self.check_identity(key, body)?;
        let old = self.objects.get(key).cloned();
        if old.is_none() && sub == Sub::Status {
            return Err(status::not_found(&self.resource.group_resource(), &key.1));
        }
        let applied = fields::leaves(&fields::managed_part(body, sub));
        let live = old.clone().unwrap_or_else(|| self.skeleton(key));
        let mut entries = self.managers.get(key).cloned().unwrap_or_default();
        let is_mine = |entry: &Entry| {
            entry.manager == manager && entry.operation == "Apply" && entry.sub == sub
        };
        let mut conflicts = Vec::new();
        let mut taken = Vec::new();
        for (path, value) in &applied {
            if fields::get(&live, path) == Some(value) {
                continue;
            }
            for entry in entries
                .iter()
                .filter(|entry| entry.sub == sub && !is_mine(entry))
            {
                if entry.owns_overlapping(path) {
                    conflicts.push((print_manager(entry, &self.resource), fields::dotted(path)));
                    taken.push(path.clone());
                }
            }
        }
        if !conflicts.is_empty() && !force {
            return Err(status::apply_conflict(&conflicts));
        }
        let mut object = live;
        let previous = entries
            .iter()
            .find(|entry| is_mine(entry))
            .map(|entry| entry.fields.clone());
        for path in previous.unwrap_or_default() {
            let owned_by_others = entries
                .iter()
                .any(|entry| !is_mine(entry) && entry.sub == sub && entry.owns_overlapping(&path));
            if !applied.contains_key(&path) && !owned_by_others {
                fields::remove(&mut object, &path);
            }
        }
        for (path, value) in &applied {
            let keeps_children = value.as_object().is_some_and(Map::is_empty)
                && fields::get(&object, path).is_some_and(Value::is_object);
            if !keeps_children {
                fields::set(&mut object, path, value.clone());
            }
        }
        for entry in entries.iter_mut().filter(|entry| entry.sub == sub) {
            entry.fields.retain(|owned| {
                !taken
                    .iter()
                    .any(|path| owned.starts_with(path) || path.starts_with(owned))
            });
        }
        let applied_paths = applied.into_keys().collect();
        own(&mut entries, manager, "Apply", sub, |fields| {
            *fields = applied_paths
        });
        let created = old.is_none();
        let written = self.finish(key, old, object, entries, manager, "Apply", sub)?;
        Ok((written, created))
    }

    /// A JSON merge patch (RFC 7386) by `manager` through `sub`.
    pub fn merge_patch(
        &mut self,
        key: &Key,
        patch: &Value,
        manager: &str,
        sub: Sub,
    ) -> Result<Value, Refusal> {
        let old = self.get(key)?;
        if !patch.is_object() {
            return Err(status::bad_request("a merge patch is a JSON object"));
        }
        if let Some(expected) = patch["metadata"]["resourceVersion"].as_str()
            && old["metadata"]["resourceVersion"].as_str() != Some(expected)
        {
            return Err(status::conflict(&self.resource.group_resource(), &key.1));
        }
        let mut merged = old.clone();
        merge(&mut merged, patch);
        let new = match sub {
            Sub::Main => {
                let mut new = merged;
                new["metadata"] = restore_server_metadata(&old, &new["metadata"]);
                match old.get("status") {
                    Some(status) => new["status"] = status.clone(),
                    None => {
                        new.as_object_mut().map(|object| object.remove("status"));
                    }
                }
                new
            }
            Sub::Status => {
                let mut new = old.clone();
                match merged.get("status") {
                    Some(status) => new["status"] = status.clone(),
                    None => {
                        new.as_object_mut().map(|object| object.remove("status"));
                    }
                }
                new
            }
        };
        let before = fields::leaves(&fields::managed_part(&old, sub));
        let after = fields::leaves(&fields::managed_part(&new, sub));
        let changed: Vec<_> = after
            .iter()
            .filter(|(path, value)| before.get(*path) != Some(*value))
            .map(|(path, _)| path.clone())
            .collect();
        let removed: Vec<_> = before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned()
            .collect();
        let mut entries = self.managers.get(key).cloned().unwrap_or_default();
        for entry in entries.iter_mut().filter(|entry| entry.sub == sub) {
            entry.fields.retain(|owned| {
                !changed
                    .iter()
                    .chain(&removed)
                    .any(|path| owned.starts_with(path) || path.starts_with(owned))
            });
        }
        own(&mut entries, manager, "Update", sub, |fields| {
            fields.extend(changed)
        });
        self.finish(key, Some(old), new, entries, manager, "Update", sub)
    }

    /// Deletes `key`: at once without finalizers (answering a success `Status`), else
    /// marks it for deletion and answers the object.
    pub fn delete(&mut self, key: &Key) -> Result<Value, Refusal> {
        let old = self.get(key)?;
        let finalizers = old["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|list| !list.is_empty());
        if finalizers {
            if old["metadata"].get("deletionTimestamp").is_some() {
                return Ok(old);
            }
            let mut marked = old.clone();
            marked["metadata"]["deletionTimestamp"] = timestamp().into();
            marked["metadata"]["deletionGracePeriodSeconds"] = 0.into();
            let generation = marked["metadata"]["generation"].as_i64().unwrap_or(0);
            marked["metadata"]["generation"] = (generation + 1).into();
            return Ok(self.commit(key, ChangeKind::Modified, marked));
        }
        let uid = old["metadata"]["uid"].clone();
        self.commit(key, ChangeKind::Deleted, old);
        Ok(json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": {"name": key.1, "group": self.resource.group, "kind": self.resource.plural, "uid": uid},
        }))
    }

    fn check_identity(&self, key: &Key, body: &Value) -> Result<(), Refusal> {
        let api_version = self.resource.api_version();
        match body["apiVersion"].as_str() {
            Some(version) if version == api_version => {}
            other => {
                return Err(status::bad_request(format!(
                    "the API version in the data ({}) does not match the expected API version ({api_version})",
                    other.unwrap_or_default()
                )));
            }
        }
        if body["kind"].as_str() != Some(self.resource.kind.as_str()) {
            return Err(status::bad_request(format!(
                "the kind in the data ({}) does not match the expected kind ({})",
                body["kind"].as_str().unwrap_or_default(),
                self.resource.kind
            )));
        }
        match body["metadata"]["name"].as_str() {
            Some(name) if name == key.1 => {}
            other => {
                return Err(status::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({})",
                    other.unwrap_or_default(),
                    key.1
                )));
            }
        }
        match body["metadata"]["namespace"].as_str() {
            Some(namespace) if namespace != key.0 => Err(status::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            )),
            _ => Ok(()),
        }
    }

    fn skeleton(&self, key: &Key) -> Value {
        json!({
            "apiVersion": self.resource.api_version(),
            "kind": self.resource.kind,
            "metadata": {"name": key.1, "namespace": key.0},
        })
    }

    /// Validates and commits a write, unless it changed nothing (then nothing is
    /// committed, as the API server skips no-op writes).
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        key: &Key,
        old: Option<Value>,
        mut new: Value,
        mut entries: Vec<Entry>,
        manager: &str,
        operation: &str,
        sub: Sub,
    ) -> Result<Value, Refusal> {
        self.validate(&key.1, &new)?;
        match &old {
            None => {
                new["metadata"]["uid"] = uuid::Uuid::new_v4().to_string().into();
                new["metadata"]["creationTimestamp"] = timestamp().into();
                new["metadata"]["generation"] = 1.into();
            }
            Some(old) => {
                new["metadata"] = restore_server_metadata(old, &new["metadata"]);
                if spec_part(old) != spec_part(&new) {
                    let generation = old["metadata"]["generation"].as_i64().unwrap_or(0);
                    new["metadata"]["generation"] = (generation + 1).into();
                }
            }
        }
        let api_version = self.resource.api_version();
        let render = |entries: &[Entry]| -> Value {
            entries
                .iter()
                .map(|entry| entry.to_json(&api_version))
                .collect::<Vec<_>>()
                .into()
        };
        if let Some(old) = &old {
            new["metadata"]["managedFields"] = render(&entries);
            let unchanged_fields = old["metadata"]["managedFields"]
                .as_array()
                .map(|old| strip_times(old))
                == new["metadata"]["managedFields"]
                    .as_array()
                    .map(|new| strip_times(new));
            if unchanged_fields && without_managed_fields(old) == without_managed_fields(&new) {
                return Ok(old.clone());
            }
        }
        let now = timestamp();
        for entry in entries.iter_mut().filter(|entry| {
            entry.manager == manager && entry.operation == operation && entry.sub == sub
        }) {
            entry.time = now.clone();
        }
        new["metadata"]["managedFields"] = render(&entries);
        self.managers.insert(key.clone(), entries);
        let finalized = new["metadata"].get("deletionTimestamp").is_some()
            && new["metadata"]["finalizers"]
                .as_array()
                .is_none_or(Vec::is_empty);
        let kind = match (&old, finalized) {
            (_, true) => ChangeKind::Deleted,
            (None, false) => ChangeKind::Added,
            (Some(_), false) => ChangeKind::Modified,
        };
        Ok(self.commit(key, kind, new))
    }

    /// The schema's type checks: `spec` an object, `spec.graph` an object, `spec.deploy`
    /// a boolean.
    fn validate(&self, name: &str, object: &Value) -> Result<(), Refusal> {
        let checks = [
            ("spec", object.get("spec"), "object"),
            (
                "spec.graph",
                object.get("spec").and_then(|spec| spec.get("graph")),
                "object",
            ),
            (
                "spec.deploy",
                object.get("spec").and_then(|spec| spec.get("deploy")),
                "boolean",
            ),
        ];
        for (field, value, expected) in checks {
            let Some(value) = value else { continue };
            let actual = json_type(value);
            if actual != expected {
                let detail = format!(
                    "Invalid value: {actual:?}: {field} in body must be of type {expected}: {actual:?}"
                );
                return Err(status::invalid(
                    &self.resource.kind,
                    &self.resource.group,
                    name,
                    field,
                    "FieldValueTypeInvalid",
                    &detail,
                ));
            }
        }
        Ok(())
    }
}

/// Gives `manager`'s entry its new fields, in place so the entries keep their order (a
/// write that changes nothing then stays a no-op), and drops entries left owning nothing.
fn own(
    entries: &mut Vec<Entry>,
    manager: &str,
    operation: &'static str,
    sub: Sub,
    update: impl FnOnce(&mut BTreeSet<FieldPath>),
) {
    let position = entries.iter().position(|entry| {
        entry.manager == manager && entry.operation == operation && entry.sub == sub
    });
    let index = position.unwrap_or_else(|| {
        entries.push(Entry {
            manager: manager.to_string(),
            operation,
            sub,
            time: String::new(),
            fields: BTreeSet::new(),
        });
        entries.len() - 1
    });
    update(&mut entries[index].fields);
    entries.retain(|entry| !entry.fields.is_empty());
}

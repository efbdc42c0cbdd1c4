//! An app as the cluster holds it: the `RampartGraph` body monitor applies, and a live
//! resource read back into typed values (its graph, generation, status, and which field
//! manager last changed its spec).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kube::api::{ApiResource, DynamicObject};
use serde_json::{Value, json};

/// The controller's finalizer: while it is on a resource, a delete waits for teardown.
pub const FINALIZER: &str = "rampart.petuum.com/graph";

/// The label monitor puts on every resource it applies.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "monitor");

/// The whole resource monitor applies for an app: its graph and whether to deploy it.
/// Only the fields here are monitor's; status and the controller's finalizer are not.
pub fn apply_body(
    resource: &ApiResource,
    namespace: &str,
    name: &str,
    graph: &Value,
    deploy: bool,
) -> Value {
    json!({
        "apiVersion": resource.api_version,
        "kind": resource.kind,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {MANAGED_BY.0: MANAGED_BY.1},
        },
        "spec": {"graph": graph, "deploy": deploy},
    })
}

/// The controller's view of a graph, from `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Deploying,
    Deployed,
    Undeploying,
    Undeployed,
    Failed,
    Deleting,
}

impl Phase {
    fn parse(phase: &str) -> Option<Phase> {
        Some(match phase {
            "Deploying" => Phase::Deploying,
            "Deployed" => Phase::Deployed,
            "Undeploying" => Phase::Undeploying,
            "Undeployed" => Phase::Undeployed,
            "Failed" => Phase::Failed,
            "Deleting" => Phase::Deleting,
            _ => return None,
        })
    }
}

/// `status` as the controller wrote it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveStatus {
    /// `None` before the controller saw the resource, or for a phase it never writes.
    pub phase: Option<Phase>,
    pub reason: Option<String>,
    /// The controller writes one text; a list of texts is read as well.
    pub messages: Vec<String>,
    /// The `metadata.generation` the controller last finished (deployed or failed).
    pub observed_generation: Option<i64>,
    /// Each component's URL paths, from the JSON text in `endpointPaths`.
    pub endpoints: BTreeMap<String, Vec<String>>,
    pub component_namespaces: Vec<String>,
}

/// A field manager's last write, from `metadata.managedFields`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldManager {
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    pub time: Option<DateTime<Utc>>,
}

/// A resource as read from the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveGraph {
    pub namespace: String,
    pub name: String,
    pub uid: Option<String>,
    pub resource_version: Option<String>,
    pub generation: Option<i64>,
    /// Marked for deletion, waiting for the controller's finalizer.
    pub deleting: bool,
    /// `spec.graph`, raw; `None` when the spec has none.
    pub graph: Option<Value>,
    /// `spec.deploy`; the controller reads a missing one as true.
    pub deploy: bool,
    pub status: LiveStatus,
    /// The manager whose write to `spec` is the most recent.
    pub spec_manager: Option<FieldManager>,
}

impl LiveGraph {
    pub fn from_object(object: &DynamicObject) -> LiveGraph {
        let metadata = &object.metadata;
        let spec = object.data.get("spec");
        LiveGraph {
            namespace: metadata.namespace.clone().unwrap_or_default(),
            name: metadata.name.clone().unwrap_or_default(),
            uid: metadata.uid.clone(),
            resource_version: metadata.resource_version.clone(),
            generation: metadata.generation,
            deleting: metadata.deletion_timestamp.is_some(),
            graph: spec.and_then(|spec| spec.get("graph")).cloned(),
            deploy: spec
                .and_then(|spec| spec.get("deploy"))
                .and_then(Value::as_bool)
                .unwrap_or(true),
            status: object
                .data
                .get("status")
                .map(read_status)
                .unwrap_or_default(),
            spec_manager: spec_manager(object),
        }
    }

    /// Whether the controller has finished with this resource's current generation.
    pub fn is_settled(&self) -> bool {
        self.generation.is_some() && self.status.observed_generation >= self.generation
    }
}

fn read_status(status: &Value) -> LiveStatus {
    let text = |field: &str| {
        status
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let messages = strings(status.get("messages"));
    let endpoints = text("endpointPaths")
        .and_then(|json| serde_json::from_str::<BTreeMap<String, Vec<String>>>(&json).ok())
        .unwrap_or_default();
    let component_namespaces = strings(status.get("componentNamespaces"));
    LiveStatus {
        phase: status
            .get("phase")
            .and_then(Value::as_str)
            .and_then(Phase::parse),
        reason: text("reason"),
        messages,
        observed_generation: status.get("observedGeneration").and_then(Value::as_i64),
        endpoints,
        component_namespaces,
    }
}

/// A list of texts, or one text as a list of one (an empty text as none).
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(text)) if !text.is_empty() => vec![text.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The latest entry of `managedFields` on the main resource (not `/status`) that owns
/// something under `spec`.
fn spec_manager(object: &DynamicObject) -> Option<FieldManager> {
    object
        .metadata
        .managed_fields
        .as_ref()?
        .iter()
        .filter(|entry| entry.subresource.as_deref().unwrap_or_default().is_empty())
        .filter(|entry| {
            entry
                .fields_v1
                .as_ref()
                .and_then(|fields| fields.0.get("f:spec"))
                .is_some()
        })
        .max_by_key(|entry| entry.time.as_ref().map(|time| time.0))
        .map(|entry| FieldManager {
            manager: entry.manager.clone().unwrap_or_default(),
            operation: entry.operation.clone().unwrap_or_default(),
            time: entry.time.as_ref().and_then(|time| {
                DateTime::from_timestamp(
                    time.0.as_second(),
                    time.0.subsec_nanosecond().max(0) as u32,
                )
            }),
        })
}

#[cfg(test)]
mod tests {
    use kube::core::GroupVersionKind;

    use super::*;

    fn resource() -> ApiResource {
        let kind = GroupVersionKind::gvk("rampart.petuum.com", "v1beta2", "RampartGraph");
        ApiResource::from_gvk_with_plural(&kind, "rampartgraphs")
    }

    #[test]
    fn the_apply_body_is_the_whole_resource_with_graph_and_deploy() {
        let graph = json!({"components": {}, "flows": {}});
        let body = apply_body(&resource(), "ml", "demo", &graph, false);
        assert_eq!(body["apiVersion"], "rampart.petuum.com/v1beta2");
        assert_eq!(body["kind"], "RampartGraph");
        assert_eq!(body["metadata"]["namespace"], "ml");
        assert_eq!(body["spec"], json!({"graph": graph, "deploy": false}));
        assert!(body.get("status").is_none());
    }

    #[test]
    fn a_live_object_reads_into_graph_status_and_the_last_spec_manager() {
        let object: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "rampart.petuum.com/v1beta2",
            "kind": "RampartGraph",
            "metadata": {
                "name": "demo", "namespace": "ml", "uid": "u-1", "resourceVersion": "42",
                "generation": 3,
                "managedFields": [
                    {"manager": "monitor", "operation": "Apply", "apiVersion": "rampart.petuum.com/v1beta2",
                     "time": "2026-01-01T10:00:00Z", "fieldsType": "FieldsV1",
                     "fieldsV1": {"f:metadata": {}, "f:spec": {"f:deploy": {}, "f:graph": {}}}},
                    {"manager": "kubectl-edit", "operation": "Update", "apiVersion": "rampart.petuum.com/v1beta2",
                     "time": "2026-01-01T11:00:00Z", "fieldsType": "FieldsV1",
                     "fieldsV1": {"f:spec": {"f:graph": {"f:flows": {}}}}},
                    {"manager": "rampart-controller", "operation": "Update", "apiVersion": "rampart.petuum.com/v1beta2",
                     "time": "2026-01-01T12:00:00Z", "fieldsType": "FieldsV1", "subresource": "status",
                     "fieldsV1": {"f:status": {"f:phase": {}}}}
                ]
            },
            "spec": {"graph": {"components": {}, "flows": {}}},
            "status": {
                "phase": "Deployed", "observedGeneration": 3,
                "endpointPaths": "{\"api\": [\"/ml/demo/api\"]}",
                "componentNamespaces": ["ml-demo-api"],
                "messages": "all good"
            }
        }))
        .expect("a resource");
        let live = LiveGraph::from_object(&object);
        assert_eq!(live.generation, Some(3));
        assert!(live.deploy, "a missing deploy means deploy");
        assert!(live.is_settled());
        assert_eq!(live.status.phase, Some(Phase::Deployed));
        assert_eq!(live.status.endpoints["api"], ["/ml/demo/api"]);
        assert_eq!(live.status.component_namespaces, ["ml-demo-api"]);
        assert_eq!(live.status.messages, ["all good"]);
        let manager = live.spec_manager.expect("someone wrote the spec");
        assert_eq!(
            (manager.manager.as_str(), manager.operation.as_str()),
            ("kubectl-edit", "Update")
        );
    }

    #[test]
    fn a_resource_the_controller_has_not_seen_is_not_settled() {
        let object: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "rampart.petuum.com/v1beta2", "kind": "RampartGraph",
            "metadata": {"name": "demo", "namespace": "ml", "generation": 2,
                         "deletionTimestamp": "2026-01-01T10:00:00Z"},
            "spec": {"deploy": true},
            "status": {"phase": "Deployed", "observedGeneration": 1, "endpointPaths": "not json"}
        }))
        .expect("a resource");
        let live = LiveGraph::from_object(&object);
        assert!(!live.is_settled());
        assert!(live.deleting);
        assert!(live.graph.is_none());
        assert!(live.status.endpoints.is_empty());
    }
}

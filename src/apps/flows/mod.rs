//! An app's flows: what its graph says about each (type, config, the components that
//! read and write it), and where the controller serves its files.
//!
//! For each type of flow that holds files, the controller runs one flow service per
//! graph: service `flows-<type>-flows-service` in namespace
//! `<namespace>-<name>-rampart-flows-<type>`, port 8000, answering under
//! `/api/v1/app/flows_service/<flow title>/…`, where the title is the flow's own
//! namespace (`<namespace>-<name>-<flow>` unless the flow names one). monitor reaches it
//! through the API server's service proxy, read-only ([`read`]), with paths checked
//! before anything is sent ([`path`]).

pub mod path;
pub mod read;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::kube::ServicePort;

/// The port every flow service listens on.
const FLOW_SERVICE_PORT: &str = "8000";

/// The kinds of flow whose files a flow service serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFlow {
    /// A shared volume: its files as they are now.
    Volume,
    /// A git repository: its files at a branch, tag or commit.
    Repository,
}

impl FileFlow {
    fn of(kind: Option<&str>) -> Option<FileFlow> {
        match kind? {
            "volume" => Some(FileFlow::Volume),
            "repository" => Some(FileFlow::Repository),
            _ => None,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            FileFlow::Volume => "volume",
            FileFlow::Repository => "repository",
        }
    }
}

/// One flow of an app's graph.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowInfo {
    pub name: String,
    /// `type` as the graph says (volume, repository, pulsar…).
    pub kind: Option<String>,
    pub config: Option<Value>,
    /// The components with an input edge from this flow.
    pub read_by: Vec<String>,
    /// The components with an output edge to this flow.
    pub written_by: Vec<String>,
    /// The flow's namespace, which its flow service calls its title.
    pub title: String,
}

impl FlowInfo {
    /// Whether a flow service serves this flow's files, and as which kind.
    pub fn files(&self) -> Option<FileFlow> {
        FileFlow::of(self.kind.as_deref())
    }
}

/// The flows of `graph` (the graph of app `namespace/name`), by name; none when the
/// graph has no `flows` object.
pub fn flows_of(namespace: &str, name: &str, graph: &Value) -> Vec<FlowInfo> {
    let Some(flows) = graph.get("flows").and_then(Value::as_object) else {
        return Vec::new();
    };
    let components = graph.get("components").and_then(Value::as_object);
    let edges_to = |flow: &str, side: &str| -> Vec<String> {
        let Some(components) = components else {
            return Vec::new();
        };
        let names: BTreeSet<&String> = components
            .iter()
            .filter(|(_, component)| {
                component
                    .get(side)
                    .and_then(Value::as_object)
                    .is_some_and(|edges| {
                        edges
                            .values()
                            .any(|edge| edge.get("flow").and_then(Value::as_str) == Some(flow))
                    })
            })
            .map(|(name, _)| name)
            .collect();
        names.into_iter().cloned().collect()
    };
    flows
        .iter()
        .map(|(flow, body)| FlowInfo {
            name: flow.clone(),
            kind: body.get("type").and_then(Value::as_str).map(str::to_string),
            config: body.get("config").cloned(),
            read_by: edges_to(flow, "inputs"),
            written_by: edges_to(flow, "outputs"),
            title: match body.get("namespace").and_then(Value::as_str) {
                Some(own) => own.to_string(),
                None => format!("{namespace}-{name}-{}", flow.replace('_', "-")),
            },
        })
        .collect()
}

/// The flow service of app `namespace/name` for flows of kind `kind`.
pub fn flow_service(namespace: &str, name: &str, kind: FileFlow) -> ServicePort {
    let kind = kind.type_name();
    ServicePort {
        namespace: format!("{namespace}-{name}-rampart-flows-{kind}"),
        name: format!("flows-{kind}-flows-service"),
        port: FLOW_SERVICE_PORT.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn flows_list_their_type_config_readers_writers_and_title() {
        let graph = json!({
            "components": {
                "uploader": {"chart": {}, "outputs": {"out": {"flow": "batch"}}},
                "trainer": {"chart": {}, "inputs": {"in": {"flow": "batch"}},
                            "outputs": {"events": {"flow": "events"}}},
                "viewer": {"chart": {}, "inputs": {"in": {"flow": "batch"}}}
            },
            "flows": {
                "batch": {"type": "volume", "config": {"size": "1Gi"}},
                "events": {"type": "pulsar", "namespace": "shared-events"}
            }
        });

        let flows = flows_of("ml", "demo", &graph);

        assert_eq!(flows.len(), 2);
        let batch = &flows[0];
        assert_eq!(batch.name, "batch");
        assert_eq!(batch.files(), Some(FileFlow::Volume));
        assert_eq!(batch.config, Some(json!({"size": "1Gi"})));
        assert_eq!(batch.read_by, ["trainer", "viewer"]);
        assert_eq!(batch.written_by, ["uploader"]);
        assert_eq!(batch.title, "ml-demo-batch");
        let events = &flows[1];
        assert_eq!(events.files(), None, "a pulsar flow holds no files");
        assert_eq!(events.written_by, ["trainer"]);
        assert_eq!(events.title, "shared-events");
    }

    #[test]
    fn a_graph_without_flows_has_none() {
        assert!(flows_of("ml", "demo", &json!({"components": {}})).is_empty());
        assert!(flows_of("ml", "demo", &Value::Null).is_empty());
    }

    #[test]
    fn the_flow_service_of_a_kind_is_named_as_the_controller_names_it() {
        let service = flow_service("ml", "demo", FileFlow::Repository);
        assert_eq!(service.namespace, "ml-demo-rampart-flows-repository");
        assert_eq!(service.name, "flows-repository-flows-service");
        assert_eq!(service.port, "8000");
    }
}

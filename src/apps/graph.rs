//! An app's graph: components (Helm charts wired together) and the flows between them,
//! as the `RampartGraph` resource carries them in `spec.graph`.
//!
//! The raw JSON a user saved is what monitor stores, hashes and deploys, byte for byte
//! in meaning; [`Graph`] is the typed view of it, read only after [`super::validate`]
//! accepted the JSON. Fields monitor does not know are kept in `extra`, so a graph
//! written by a newer controller's users survives a round trip through monitor.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A whole graph: `{components: {<name>: …}, flows: {<name>: …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    pub components: BTreeMap<String, Component>,
    pub flows: BTreeMap<String, Flow>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One component: a chart deployed into its own namespace, reading from and writing to
/// flows through named edges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    pub chart: Chart,
    /// The chart's values, as the component's author wrote them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<BTreeMap<String, Edge>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<BTreeMap<String, Edge>>,
    /// The namespace the controller deploys the component into, when not its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Components that must be deployed before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_needed: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where a component's Helm chart comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub repo: String,
    pub name: String,
    pub version: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One end of a flow on a component: `{flow: <flow name>, type?: …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub flow: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A flow: a volume, a stream or a repository that components share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_monitor_does_not_know_survive_a_round_trip() {
        let raw = json!({
            "components": {"uploader": {
                "chart": {"repo": "r", "name": "n", "version": "1", "pullSecret": "s"},
                "outputs": {"out": {"flow": "batch", "type": "volume"}},
                "replicas": 2
            }},
            "flows": {"batch": {"type": "volume", "config": {"size": "1Gi"}, "mode": "rw"}},
            "layout": {"x": 1}
        });
        let graph: Graph = serde_json::from_value(raw.clone()).expect("a valid graph");
        assert_eq!(graph.components["uploader"].extra["replicas"], 2);
        assert_eq!(serde_json::to_value(&graph).expect("serializes"), raw);
    }
}

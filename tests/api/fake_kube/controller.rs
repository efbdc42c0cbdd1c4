//! A stand-in for the Rampart controller, doing to each resource what the real one does
//! (its `_sync_graph_task`): on a generation it has not finished, add the finalizer,
//! set `phase` Deploying (or Undeploying), then, after a delay, Deployed or Undeployed
//! with `observedGeneration`, `endpointPaths` (a JSON text) and `componentNamespaces`,
//! or Failed with a reason and messages; on deletion, `phase` Deleting, then remove the
//! finalizer so the resource goes. Its writes go through the same store as requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use super::Shared;
use super::fields::Sub;
use super::store::{ChangeKind, Key, WatchItem};

/// The field manager the controller's writes are recorded under.
pub const CONTROLLER: &str = "rampart-controller";
pub const FINALIZER: &str = "rampart.petuum.com/graph";

/// How a deployment ends.
#[derive(Debug, Clone)]
pub enum Outcome {
    Deployed,
    /// `phase` Failed, `reason` GraphDeploymentError, with this message.
    Failed(String),
    /// Stays Deploying forever, like a chart whose pods never become ready.
    Stalled,
    /// Failed, with this message, for a graph with a component at chart `version` (one
    /// the chart repository does not have); any other graph deploys.
    FailedChart {
        version: String,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct ControllerConfig {
    /// How long a deployment (or teardown) takes.
    pub delay: Duration,
    pub outcome: Outcome,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            delay: Duration::from_millis(50),
            outcome: Outcome::Deployed,
        }
    }
}

struct Controller {
    shared: Arc<Shared>,
    config: Arc<Mutex<ControllerConfig>>,
    /// The generation being deployed per resource, so one generation is handled once.
    in_flight: Mutex<HashMap<Key, i64>>,
}

pub fn spawn(shared: Arc<Shared>, config: Arc<Mutex<ControllerConfig>>) -> JoinHandle<()> {
    let controller = Arc::new(Controller {
        shared,
        config,
        in_flight: Mutex::new(HashMap::new()),
    });
    tokio::spawn(async move {
        let mut receiver = controller.shared.store().subscribe();
        controller.resync();
        loop {
            match receiver.recv().await {
                Ok(item) => {
                    if let WatchItem::Change(change) = &*item
                        && change.kind != ChangeKind::Deleted
                    {
                        let key = key_of(&change.object);
                        tokio::spawn(controller.clone().reconcile(key));
                    }
                }
                Err(RecvError::Lagged(_)) => controller.resync(),
                Err(RecvError::Closed) => break,
            }
        }
    })
}

fn key_of(object: &Value) -> Key {
    let text = |field: &str| {
        object["metadata"][field]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    (text("namespace"), text("name"))
}

impl Controller {
    fn resync(self: &Arc<Self>) {
        for key in self.shared.store().keys() {
            tokio::spawn(self.clone().reconcile(key));
        }
    }

    fn read(&self, key: &Key) -> Option<Value> {
        self.shared.store().object(key).cloned()
    }

    fn patch_status(&self, key: &Key, status: Value) {
        let _ = self.shared.store().merge_patch(
            key,
            &json!({"status": status}),
            CONTROLLER,
            Sub::Status,
        );
    }

    fn set_finalizers(&self, key: &Key, finalizers: Vec<Value>) {
        let patch = json!({"metadata": {"finalizers": finalizers}});
        let _ = self
            .shared
            .store()
            .merge_patch(key, &patch, CONTROLLER, Sub::Main);
    }

    async fn reconcile(self: Arc<Self>, key: Key) {
        let Some(object) = self.read(&key) else {
            return;
        };
        let config = self.config.lock().expect("controller config").clone();
        let finalizers: Vec<Value> = object["metadata"]["finalizers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ours = Value::from(FINALIZER);
        if object["metadata"].get("deletionTimestamp").is_some() {
            if finalizers.contains(&ours) && self.start(&key, i64::MAX) {
                self.patch_status(&key, json!({"phase": "Deleting"}));
                tokio::time::sleep(config.delay).await;
                self.set_finalizers(
                    &key,
                    finalizers.into_iter().filter(|f| f != &ours).collect(),
                );
            }
            return;
        }
        let generation = object["metadata"]["generation"].as_i64().unwrap_or(0);
        let observed = object["status"]["observedGeneration"].as_i64().unwrap_or(0);
        if observed >= generation || !self.start(&key, generation) {
            return;
        }
        if !finalizers.contains(&ours) {
            self.set_finalizers(&key, finalizers.into_iter().chain([ours]).collect());
        }
        let deploy = object["spec"]["deploy"].as_bool().unwrap_or(true);
        let phase = if deploy { "Deploying" } else { "Undeploying" };
        self.patch_status(&key, json!({"phase": phase}));
        if matches!(config.outcome, Outcome::Stalled) {
            return;
        }
        tokio::time::sleep(config.delay).await;
        let Some(now) = self.read(&key) else { return };
        if now["metadata"]["generation"].as_i64() != Some(generation)
            || now["metadata"].get("deletionTimestamp").is_some()
        {
            return;
        }
        let failure = match config.outcome {
            Outcome::Failed(message) => Some(message),
            Outcome::FailedChart { version, message }
                if components(&now["spec"]["graph"])
                    .any(|(_, component)| component["chart"]["version"] == version.as_str()) =>
            {
                Some(message)
            }
            _ => None,
        };
        let status = match failure {
            Some(message) => json!({
                "phase": "Failed",
                "reason": "GraphDeploymentError",
                "messages": message,
                "observedGeneration": generation,
            }),
            None => json!({
                "phase": if deploy { "Deployed" } else { "Undeployed" },
                "observedGeneration": generation,
                "endpointPaths": endpoint_paths(&key, &now["spec"]["graph"]),
                "componentNamespaces": component_namespaces(&key, &now["spec"]["graph"]),
            }),
        };
        self.patch_status(&key, status);
    }

    /// Claims `generation` of `key`; false when it (or a later one) is already handled.
    fn start(&self, key: &Key, generation: i64) -> bool {
        let mut in_flight = self.in_flight.lock().expect("in-flight lock");
        if in_flight
            .get(key)
            .is_some_and(|handled| *handled >= generation)
        {
            return false;
        }
        in_flight.insert(key.clone(), generation);
        true
    }
}

fn components(graph: &Value) -> impl Iterator<Item = (&String, &Value)> {
    graph["components"].as_object().into_iter().flatten()
}

/// Each component with `ingressNeeded` and its URL path, written as Python's
/// `json.dumps` writes it (`{"a": ["/x/"]}`), since the controller stores that text.
fn endpoint_paths(key: &Key, graph: &Value) -> String {
    let entries: Vec<String> = components(graph)
        .filter(|(_, component)| component["ingressNeeded"].as_bool() == Some(true))
        .map(|(name, _)| {
            let path = format!("/{}/{}/{name}/", key.0, key.1);
            format!("{}: [{}]", Value::from(name.as_str()), Value::from(path))
        })
        .collect();
    format!("{{{}}}", entries.join(", "))
}

fn component_namespaces(key: &Key, graph: &Value) -> Vec<String> {
    components(graph)
        .map(|(name, component)| match component["namespace"].as_str() {
            Some(namespace) => namespace.to_string(),
            None => format!("{}-{}-{name}", key.0, key.1),
        })
        .collect()
}

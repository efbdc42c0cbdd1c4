//! What the Kubernetes tests share: a graph, monitor's view of a fake API server through
//! a kubeconfig file, applying as monitor does, and reading a watch until something shows.

use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use kube::api::DynamicObject;
use kube::runtime::watcher;
use monitor::apps::resource::{LiveGraph, apply_body};
use monitor::config::KubernetesSettings;
use monitor::kube::{Cluster, Environment, Kubernetes};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fake_kube::FakeKube;

/// How long a test waits for the cluster to show a change.
const WAIT: Duration = Duration::from_secs(15);

pub fn graph(version: &str) -> Value {
    json!({
        "components": {"api": {
            "chart": {"repo": "rampart-repo", "name": "api", "version": version},
            "config": {"replicas": 1},
            "ingressNeeded": true,
            "outputs": {"out": {"type": "pulsar", "flow": "events"}}
        }},
        "flows": {"events": {"type": "pulsar"}}
    })
}

pub fn settings(kubeconfig: std::path::PathBuf) -> KubernetesSettings {
    KubernetesSettings {
        kubeconfig: Some(kubeconfig),
        request_timeout_seconds: 5,
        ..KubernetesSettings::default()
    }
}

/// monitor's view of `fake`, configured by a kubeconfig file in a temporary directory.
pub async fn connect(fake: &FakeKube) -> (TempDir, Kubernetes) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let kubeconfig = fake.write_kubeconfig(dir.path());
    let kubernetes =
        Kubernetes::from_settings(&settings(kubeconfig), &Environment::default()).await;
    (dir, kubernetes)
}

pub fn cluster(kubernetes: &Kubernetes) -> &Cluster {
    kubernetes.cluster().expect("the cluster is configured")
}

/// Applies `graph(version)` as `ml/<name>`, as monitor would.
pub async fn apply(cluster: &Cluster, name: &str, version: &str) -> DynamicObject {
    let body = apply_body(cluster.resource(), "ml", name, &graph(version), true);
    cluster
        .apply("ml", name, &body, false)
        .await
        .expect("apply")
}

/// Another client of the same API server (kubectl, the controller), from the same
/// kubeconfig but with kube-rs's defaults.
pub async fn other_client(dir: &TempDir, cluster: &Cluster) -> kube::Api<DynamicObject> {
    let kubeconfig =
        kube::config::Kubeconfig::read_from(dir.path().join("kubeconfig")).expect("kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .expect("config");
    let client = kube::Client::try_from(config).expect("client");
    kube::Api::namespaced_with(client, "ml", cluster.resource())
}

pub type Events = BoxStream<'static, Result<watcher::Event<DynamicObject>, watcher::Error>>;

/// Reads the watch until `done` accepts an item; returns every item read.
pub async fn until(
    events: &mut Events,
    what: &str,
    mut done: impl FnMut(&Result<watcher::Event<DynamicObject>, watcher::Error>) -> bool,
) -> Vec<Result<watcher::Event<DynamicObject>, watcher::Error>> {
    let mut seen = Vec::new();
    let result = tokio::time::timeout(WAIT, async {
        while let Some(item) = events.next().await {
            let finished = done(&item);
            seen.push(item);
            if finished {
                return;
            }
        }
    })
    .await;
    assert!(result.is_ok(), "no {what} within {WAIT:?}; saw {seen:?}");
    seen
}

pub fn applied(item: &Result<watcher::Event<DynamicObject>, watcher::Error>) -> Option<LiveGraph> {
    match item {
        Ok(watcher::Event::Apply(object) | watcher::Event::InitApply(object)) => {
            Some(LiveGraph::from_object(object))
        }
        _ => None,
    }
}

/// A watch that has listed what is there, so every later change shows as an event.
pub async fn watching(cluster: &Cluster) -> Events {
    let mut events = cluster.watch();
    until(&mut events, "the initial list", |item| {
        matches!(item, Ok(watcher::Event::InitDone))
    })
    .await;
    events
}

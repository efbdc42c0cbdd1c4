//! Watching the graph resources: resuming from the last resourceVersion after the API
//! server comes back, relisting after 410 Gone, and the watch wire format itself.

use kube::runtime::watcher;
use monitor::apps::resource::apply_body;
use monitor::kube::{ClusterHealth, Environment, Kubernetes};
use serde_json::Value;

use crate::fake_kube::FakeKube;
use crate::kube_support::{applied, apply, cluster, connect, graph, settings, until, watching};

#[tokio::test]
async fn the_watch_resumes_from_its_last_version_when_the_api_server_comes_back() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let mut events = cluster.watch();
    apply(cluster, "first", "1").await;
    until(&mut events, "the first resource", |item| {
        applied(item).is_some_and(|live| live.name == "first")
    })
    .await;

    fake.go_down().await;
    let down = until(
        &mut events,
        "an error while the API server is down",
        Result::is_err,
    )
    .await;
    fake.come_back().await;
    apply(cluster, "second", "1").await;
    let after = until(&mut events, "the second resource", |item| {
        applied(item).is_some_and(|live| live.name == "second")
    })
    .await;

    assert!(down.iter().any(Result::is_err));
    let relisted = after
        .iter()
        .any(|item| matches!(item, Ok(watcher::Event::Init)));
    assert!(
        !relisted,
        "a dropped connection resumes the watch, no relist: {after:?}"
    );
    let watches: Vec<String> = fake
        .requests()
        .into_iter()
        .map(|r| r.uri)
        .filter(|uri| uri.contains("watch=true"))
        .collect();
    let resumed = watches.last().expect("a watch request");
    assert!(resumed.contains("allowWatchBookmarks=true"), "{resumed}");
    let first_version =
        fake.object("ml", "first").expect("stored")["metadata"]["resourceVersion"].clone();
    assert!(
        resumed.contains(&format!(
            "resourceVersion={}",
            first_version.as_str().expect("a version")
        )),
        "resumed from the last version seen: {resumed}"
    );
}

#[tokio::test]
async fn an_expired_watch_relists_and_sees_what_changed_meanwhile() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    apply(cluster, "demo", "1").await;
    let mut events = watching(cluster).await;

    apply(cluster, "demo", "2").await;
    fake.compact();
    fake.expire_watches();
    let seen = until(&mut events, "a relist", |item| {
        matches!(item, Ok(watcher::Event::InitDone))
    })
    .await;

    let gone = seen.iter().find_map(|item| match item {
        Err(watcher::Error::WatchError(status)) => Some(status.clone()),
        _ => None,
    });
    let gone = gone.expect("the watch was told its version expired");
    assert_eq!((gone.code, gone.reason.as_str()), (410, "Expired"));
    let relisted: Vec<_> = seen
        .iter()
        .filter_map(|item| match item {
            Ok(watcher::Event::InitApply(object)) => {
                Some(monitor::apps::resource::LiveGraph::from_object(object))
            }
            _ => None,
        })
        .collect();
    assert_eq!(relisted.len(), 1);
    assert_eq!(relisted[0].graph, Some(graph("2")));
}

/// The watch as it is on the wire, read with a plain HTTP client.
async fn raw_watch(fake: &FakeKube, query: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!(
            "{}/apis/rampart.petuum.com/v1beta2/rampartgraphs?watch=true&{query}",
            fake.url()
        ))
        .bearer_auth(&fake.shared.token)
        .send()
        .await
        .expect("a watch")
}

async fn next_line(response: &mut reqwest::Response, buffer: &mut String) -> Value {
    loop {
        if let Some(end) = buffer.find('\n') {
            let line: String = buffer.drain(..=end).collect();
            return serde_json::from_str(&line).expect("one JSON event per line");
        }
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), response.chunk())
            .await
            .expect("an event in time")
            .expect("the stream reads")
            .expect("the stream is open");
        buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
    }
}

#[tokio::test]
async fn watch_events_are_newline_delimited_with_bookmarks_and_a_410_for_compacted_versions() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let created = apply(cluster, "demo", "1").await;
    let version = created.metadata.resource_version.expect("a version");

    let mut watch = raw_watch(&fake, "resourceVersion=1&allowWatchBookmarks=true").await;
    let mut buffer = String::new();
    let added = next_line(&mut watch, &mut buffer).await;
    fake.bookmark();
    let bookmark = next_line(&mut watch, &mut buffer).await;
    fake.compact();
    let mut stale = raw_watch(&fake, "resourceVersion=1").await;
    let expired = next_line(&mut stale, &mut String::new()).await;

    assert_eq!(watch.headers()["content-type"], "application/json");
    assert_eq!(added["type"], "ADDED");
    assert_eq!(
        added["object"]["metadata"]["resourceVersion"],
        version.as_str()
    );
    assert_eq!(bookmark["type"], "BOOKMARK");
    assert_eq!(bookmark["object"]["kind"], "RampartGraph");
    assert_eq!(
        bookmark["object"]["metadata"]["resourceVersion"],
        version.as_str()
    );
    assert_eq!(expired["type"], "ERROR");
    assert_eq!(expired["object"]["kind"], "Status");
    assert_eq!(expired["object"]["code"], 410);
    assert_eq!(expired["object"]["reason"], "Expired");
    let message = expired["object"]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("too old resource version: 1 ("),
        "{message}"
    );
}

/// Runs against the cluster `MONITOR_TEST_KUBECONFIG` names, which must serve the
/// RampartGraph CRD (`kubectl apply -f docker/kubernetes/crd-rampartgraph.yaml`).
#[tokio::test]
#[ignore = "needs a real cluster: set MONITOR_TEST_KUBECONFIG and run with --ignored"]
async fn a_real_cluster_accepts_monitors_apply_and_reads_it_back() {
    let kubeconfig = std::env::var_os("MONITOR_TEST_KUBECONFIG")
        .expect("MONITOR_TEST_KUBECONFIG names the kubeconfig of a real cluster");
    let kubernetes =
        Kubernetes::from_settings(&settings(kubeconfig.into()), &Environment::default()).await;
    let health = kubernetes.health().await;
    assert!(matches!(health, ClusterHealth::Up { .. }), "{health:?}");
    let cluster = cluster(&kubernetes);
    let name = format!("monitor-test-{}", uuid::Uuid::new_v4().simple());
    let body = apply_body(cluster.resource(), "default", &name, &graph("1.0.0"), false);

    let created = cluster
        .apply("default", &name, &body, false)
        .await
        .expect("apply");
    let read = cluster
        .get("default", &name)
        .await
        .expect("get")
        .expect("the resource exists");
    cluster.delete("default", &name).await.expect("delete");

    assert_eq!(created.metadata.uid, read.metadata.uid);
    let live = monitor::apps::resource::LiveGraph::from_object(&read);
    assert_eq!(live.graph, Some(graph("1.0.0")));
    assert_eq!(
        live.spec_manager.map(|m| m.manager).as_deref(),
        Some("monitor")
    );
}

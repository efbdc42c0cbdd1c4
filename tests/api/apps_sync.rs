//! Cluster sync: monitor follows the graph resources, so an edit made behind its back
//! becomes a CLUSTER version (with the field manager that made it) and drift, reaching
//! `appStatusChanged` subscribers; a 410 relist stores no version twice; an API server
//! that goes away and comes back is followed again from where monitor left off; a refused
//! watch shows in `health` and in `monitor_apps_sync_watch_failures_total`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::apps_support::{AppsFixture, fixture, graph};
use crate::ws;

/// How long a change in the cluster may take to reach monitor.
const WAIT: Duration = Duration::from_secs(30);

const CHANGED: &str = "subscription($id: ID) { appStatusChanged(appId: $id) { id namespace name \
     active inCluster drifted versionCount liveVersion { number source fieldManager } status { phase } } }";

/// Subscribes to `appStatusChanged` (for one app, or every app without `app_id`).
async fn subscribe(fixture: &AppsFixture, app_id: Option<&str>) -> ws::Socket {
    ws::subscribe(
        &fixture.app.ws_url(),
        "graphql-transport-ws",
        &fixture.admin,
        CHANGED,
        json!({"id": app_id}),
    )
    .await
}

/// Reads changes until `done` accepts one; returns it.
async fn until(socket: &mut ws::Socket, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut seen = Vec::new();
    let found = tokio::time::timeout(WAIT, async {
        loop {
            let payload = ws::next_payload(socket).await;
            let change = payload["data"]["appStatusChanged"].clone();
            assert!(payload["errors"].is_null(), "{payload}");
            if done(&change) {
                return change;
            }
            seen.push(change);
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("no {what} within {WAIT:?}; saw {seen:?}"))
}

/// The spec patch `kubectl edit` would send to change the chart to `chart`.
fn edit_to(chart: &str) -> Value {
    json!({"spec": {"graph": graph(chart)}})
}

/// The requests that listed the resources (not watches).
fn lists(fixture: &AppsFixture) -> usize {
    fixture
        .fake
        .requests()
        .iter()
        .filter(|request| {
            request.method == "GET"
                && request.uri.contains("/rampartgraphs?")
                && !request.uri.contains("watch=true")
        })
        .count()
}

async fn versions(fixture: &AppsFixture, app_id: &str) -> Vec<Value> {
    let body = fixture
        .graphql(
            "query($id: ID!) { app(id: $id) { versions(first: 100) { nodes { number source fieldManager hash } } } }",
            json!({"id": app_id}),
        )
        .await;
    body["data"]["app"]["versions"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("versions: {body}"))
        .clone()
}

/// Creates `ml/demo` and deploys its version 1; returns its id.
async fn deployed_demo(fixture: &AppsFixture) -> String {
    let app = fixture.create("demo", "1.0.0").await;
    let id = app["id"].as_str().expect("an id").to_string();
    let (deployed, _) = fixture
        .run(
            "deployApp",
            json!({"appId": id, "version": 1, "reason": "first deploy"}),
        )
        .await;
    assert_eq!(deployed["status"], "SUCCEEDED", "{deployed}");
    id
}

#[tokio::test]
async fn an_edit_by_another_field_manager_is_a_cluster_version_drifted_and_reaches_subscribers() {
    let fixture = fixture().await;
    let id = deployed_demo(&fixture).await;
    let mut one = subscribe(&fixture, Some(&id)).await;
    let mut every = subscribe(&fixture, None).await;

    fixture
        .fake
        .edit("ml", "demo", &edit_to("2.0.0"), "kubectl-edit");
    let drifted = until(&mut one, "drift", |change| change["drifted"] == true).await;
    let seen_by_all = until(&mut every, "drift for every app", |change| {
        change["drifted"] == true
    })
    .await;

    assert_eq!(drifted["id"], id.as_str());
    assert_eq!(drifted["versionCount"], 2);
    assert_eq!(
        drifted["liveVersion"],
        json!({"number": 2, "source": "CLUSTER", "fieldManager": "kubectl-edit"})
    );
    assert_eq!(seen_by_all["id"], id.as_str());
    let versions = versions(&fixture, &id).await;
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[0]["source"], "CLUSTER");
    assert_eq!(versions[1]["source"], "MONITOR");
}

#[tokio::test]
async fn after_410_gone_the_relist_stores_no_version_twice_and_following_goes_on() {
    let fixture = fixture().await;
    let mut changes = subscribe(&fixture, None).await;
    let object = fixture.fake.apply_as(
        "ml",
        "found",
        &json!({"graph": graph("1.0.0"), "deploy": true}),
        "kubectl",
    );
    assert_eq!(object["metadata"]["generation"], 1);
    let found = until(&mut changes, "the app found in the cluster", |change| {
        change["name"] == "found" && change["versionCount"] == 1
    })
    .await;
    let id = found["id"].as_str().expect("an id").to_string();
    let lists_before = lists(&fixture);

    fixture.fake.compact();
    fixture.fake.expire_watches();
    fixture
        .fake
        .edit("ml", "found", &edit_to("2.0.0"), "kubectl-edit");
    let edited = until(&mut changes, "the edit after the relist", |change| {
        change["name"] == "found" && change["versionCount"] == 2
    })
    .await;

    assert!(
        lists(&fixture) > lists_before,
        "a 410 makes monitor list again"
    );
    assert_eq!(edited["liveVersion"]["fieldManager"], "kubectl-edit");
    let versions = versions(&fixture, &id).await;
    let numbers: Vec<&Value> = versions.iter().map(|v| &v["number"]).collect();
    assert_eq!(numbers, [2, 1], "{versions:?}");
    assert_eq!(versions[1]["fieldManager"], "kubectl");
}

#[tokio::test]
async fn with_the_api_server_down_monitor_serves_what_it_knows_and_resumes_when_it_returns() {
    let fixture = fixture().await;
    let id = deployed_demo(&fixture).await;
    let mut changes = subscribe(&fixture, Some(&id)).await;
    let lists_before = lists(&fixture);

    fixture.fake.go_down().await;
    let while_down = fixture.get(&id).await;
    fixture
        .fake
        .edit("ml", "demo", &edit_to("3.0.0"), "kubectl-edit");
    fixture.fake.come_back().await;
    let resumed = until(
        &mut changes,
        "the edit made while the API was down",
        |change| change["versionCount"] == 2,
    )
    .await;

    assert_eq!(while_down["status"]["phase"], "DEPLOYED", "{while_down}");
    assert_eq!(while_down["inCluster"], true);
    assert_eq!(resumed["drifted"], true);
    assert_eq!(resumed["liveVersion"]["source"], "CLUSTER");
    assert_eq!(
        lists(&fixture),
        lists_before,
        "the watch resumes from its resourceVersion, without listing again"
    );
}

#[tokio::test]
async fn a_resource_deleted_in_the_cluster_marks_its_app_undeployed_and_keeps_history() {
    let fixture = fixture().await;
    let id = deployed_demo(&fixture).await;
    let mut changes = subscribe(&fixture, Some(&id)).await;

    fixture.fake.delete("ml", "demo");
    let gone = until(&mut changes, "the app out of the cluster", |change| {
        change["inCluster"] == false
    })
    .await;

    assert_eq!(gone["versionCount"], 1);
    let now = fixture.get(&id).await;
    assert_eq!(now["active"], false, "{now}");
    assert_eq!(now["inCluster"], false);
}

/// The `kubernetes` component of `health`.
async fn kubernetes_health(fixture: &AppsFixture) -> Value {
    let body = fixture
        .graphql(
            "{ health { components { name status message } } }",
            json!({}),
        )
        .await;
    body["data"]["health"]["components"]
        .as_array()
        .and_then(|components| components.iter().find(|c| c["name"] == "kubernetes"))
        .cloned()
        .unwrap_or_else(|| panic!("a kubernetes component: {body}"))
}

/// `monitor_apps_sync_watch_failures_total` on `/metrics`, once it is at least `least`.
/// Nothing announces a failure, so this reads the count as Prometheus would.
async fn watch_failures(fixture: &AppsFixture, least: u64) -> u64 {
    let url = format!("{}/metrics", fixture.app.address);
    crate::dockerd::eventually("the watch failures to be counted", WAIT, || async {
        let text = reqwest::get(&url).await.ok()?.text().await.ok()?;
        let count: u64 = text
            .lines()
            .find_map(|line| line.strip_prefix("monitor_apps_sync_watch_failures_total "))?
            .trim()
            .parse()
            .ok()?;
        (count >= least).then_some(count)
    })
    .await
}

#[tokio::test]
async fn a_refused_watch_is_told_by_health_and_counted_until_it_delivers_again() {
    let fixture = fixture().await;
    let mut changes = subscribe(&fixture, None).await;
    let before = kubernetes_health(&fixture).await;
    let failures_before = watch_failures(&fixture, 0).await;

    // As an RBAC grant without `watch` would: lists work, watches are refused. The
    // expired watch (410) is relisted, then its new watch refused twice, then allowed.
    fixture.fake.refuse(403, 2, Some("watch"), None);
    fixture.fake.expire_watches();
    watch_failures(&fixture, failures_before + 3).await;
    let refused = kubernetes_health(&fixture).await;
    fixture.fake.apply_as(
        "ml",
        "later",
        &json!({"graph": graph("1.0.0"), "deploy": true}),
        "kubectl",
    );
    until(
        &mut changes,
        "a resource made once watches are allowed",
        |change| change["name"] == "later",
    )
    .await;
    let delivering = kubernetes_health(&fixture).await;

    assert_eq!(before["status"], "UP", "{before}");
    assert_eq!(refused["status"], "DEGRADED", "{refused}");
    let message = refused["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("the watch of graph resources in every namespace fails since")
            && message.contains("forbidden"),
        "{message}"
    );
    assert_eq!(delivering["status"], "UP", "{delivering}");
    assert!(delivering["message"].is_null(), "{delivering}");
}

use serde_json::{Value, json};

use crate::fake_grafana::FakeGrafana;
use crate::fake_kube::FakeKube;
use crate::helpers::TestApp;

const HEALTH: &str = "{ health { status components { name status message } } }";

/// The component called `name` in a health answer.
fn component<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["data"]["health"]["components"]
        .as_array()
        .and_then(|components| components.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no {name} component: {body}"))
}

#[tokio::test]
async fn health_needs_no_token_and_reports_the_store_up() {
    let app = TestApp::spawn().await;

    let body = app
        .graphql(
            None,
            "{ health { status version components { name status message latencyMs } } }",
            json!({}),
        )
        .await;

    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["health"]["status"], "UP");
    let store = &body["data"]["health"]["components"][0];
    assert_eq!(store["name"], "store");
    assert_eq!(store["status"], "UP");
    assert!(store["latencyMs"].as_f64().is_some_and(|ms| ms >= 0.0));
}

#[tokio::test]
async fn liveness_readiness_and_metrics_answer_for_orchestrators() {
    let app = TestApp::spawn().await;
    app.graphql(None, "{ health { status } }", json!({})).await;

    let healthz = app
        .http
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .expect("healthz");
    let readyz = app
        .http
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .expect("readyz");
    let metrics = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics");

    assert_eq!(healthz.status(), 200);
    assert_eq!(readyz.status(), 200);
    assert!(readyz.text().await.expect("body").contains("store Up"));
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.expect("body");
    assert!(
        text.contains(
            r#"monitor_http_requests_total{method="POST",route="/graphql",status="200"}"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"monitor_task_restarts_total{task="managed_registry"} 0"#),
        "background tasks count their restarts: {text}"
    );
}

#[tokio::test]
async fn metrics_report_the_heap_the_server_holds_in_use() {
    let app = TestApp::spawn().await;

    let arenas = app
        .metric(r#"monitor_heap_in_use_bytes{allocated_in="arenas"}"#)
        .await;
    let own_mappings = app
        .metric(r#"monitor_heap_in_use_bytes{allocated_in="own_mappings"}"#)
        .await;

    // A serving monitor holds its store's tables, the schema and its services.
    assert!(arenas > f64::from(1 << 20), "in arenas: {arenas} bytes");
    assert!(own_mappings >= 0.0, "in own mappings: {own_mappings} bytes");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;

    let response = app
        .http
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .expect("healthz");

    let id = response
        .headers()
        .get("x-request-id")
        .expect("a request id header");
    assert_eq!(id.len(), 36);
}

#[tokio::test]
async fn an_in_memory_store_serves_through_the_same_code_path() {
    let app = TestApp::spawn_with_env(vec![("MONITOR_DB".into(), "mem://".into())]).await;
    let admin = app.admin_token().await;

    let body = app
        .graphql(
            Some(&admin),
            "{ viewer { username } health { status } }",
            json!({}),
        )
        .await;

    assert_eq!(body["data"]["viewer"]["username"], "admin");
    assert_eq!(body["data"]["health"]["status"], "UP");
}

#[tokio::test]
async fn without_a_cluster_or_grafana_both_are_not_configured_and_monitor_is_up() {
    let app = TestApp::spawn_with_env(vec![
        ("KUBECONFIG".into(), String::new()),
        ("HOME".into(), "/nonexistent-home".into()),
    ])
    .await;

    let body = app.graphql(None, HEALTH, json!({})).await;

    assert_eq!(body["data"]["health"]["status"], "UP", "{body}");
    assert_eq!(component(&body, "kubernetes")["status"], "NOT_CONFIGURED");
    assert_eq!(component(&body, "grafana")["status"], "NOT_CONFIGURED");
}

#[tokio::test]
async fn an_unreachable_cluster_and_a_grafana_without_token_are_down_with_the_reason() {
    let fake = FakeKube::start().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let kubeconfig = fake.write_kubeconfig(dir.path());
    fake.go_down().await;
    let app = TestApp::spawn_with_env(vec![
        (
            "MONITOR_KUBERNETES__KUBECONFIG".into(),
            kubeconfig.display().to_string(),
        ),
        ("MONITOR_GRAFANA__URL".into(), "http://127.0.0.1:9".into()),
    ])
    .await;

    let down = app.graphql(None, HEALTH, json!({})).await;
    fake.come_back().await;
    // The cluster answers at once; the sync's watch is back at its next list, after the
    // watcher's pause, and until then health says so (DEGRADED). Nothing announces it:
    // health is read as a monitoring system would.
    let back = crate::dockerd::eventually(
        "the cluster and its watch to be back",
        std::time::Duration::from_secs(30),
        || async {
            let body = app.graphql(None, HEALTH, json!({})).await;
            (component(&body, "kubernetes")["status"] == "UP").then_some(body)
        },
    )
    .await;

    assert_eq!(down["data"]["health"]["status"], "DEGRADED", "{down}");
    let kubernetes = component(&down, "kubernetes");
    assert_eq!(kubernetes["status"], "DOWN");
    assert!(
        kubernetes["message"]
            .as_str()
            .is_some_and(|message| message.contains("unreachable")),
        "{kubernetes}"
    );
    let grafana = component(&down, "grafana");
    assert_eq!(grafana["status"], "DOWN");
    assert_eq!(
        grafana["message"],
        "grafana.url is set but grafana.token is not"
    );
    assert!(
        component(&back, "kubernetes")["message"].is_null(),
        "{back}"
    );
}

#[tokio::test]
async fn a_configured_grafana_is_up_then_down_when_it_stops_answering() {
    let grafana = FakeGrafana::start().await;
    let app = TestApp::spawn_with_env(vec![
        ("MONITOR_GRAFANA__URL".into(), grafana.url()),
        ("MONITOR_GRAFANA__TOKEN".into(), grafana.token.clone()),
    ])
    .await;

    let up = app.graphql(None, HEALTH, json!({})).await;
    grafana.go_down().await;
    let down = app.graphql(None, HEALTH, json!({})).await;

    assert_eq!(component(&up, "grafana")["status"], "UP", "{up}");
    let gone = component(&down, "grafana");
    assert_eq!(gone["status"], "DOWN");
    assert!(
        gone["message"]
            .as_str()
            .is_some_and(|message| message.starts_with("Grafana is unreachable")),
        "{gone}"
    );
    assert_eq!(down["data"]["health"]["status"], "DEGRADED");
}

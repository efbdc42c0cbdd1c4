use serde_json::json;

use crate::helpers::TestApp;

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

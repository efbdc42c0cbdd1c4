//! Grafana dashboards of deployed apps, against the fake Grafana: Grafana down never
//! blocks a deploy (`app.dashboard` answers UNAVAILABLE) and monitor catches up when it
//! returns; a deploy that grows the generation regenerates the dashboard, over edits
//! made in Grafana (its 412 version-mismatch); a page of apps reads their dashboards from
//! the store in one round trip.

use std::time::Duration;

use serde_json::{Value, json};

use crate::apps_support::{AppsFixture, fixture_with_env};
use crate::fake_grafana::FakeGrafana;
use crate::helpers::error_code;

/// How long monitor may take to save a dashboard once Grafana answers.
const WAIT: Duration = Duration::from_secs(30);

const DASHBOARD: &str = "query($id: ID!) { app(id: $id) { dashboard { uid version url \
     panels { title url } generation upToDate pendingReason } } }";

async fn dashboard(fixture: &AppsFixture, id: &str) -> Value {
    fixture.graphql(DASHBOARD, json!({"id": id})).await
}

/// Asks for the dashboard until `done` accepts the answer. Nothing tells a client that
/// Grafana took a dashboard, so this reads, as a user reloading the page would.
async fn dashboard_until(fixture: &AppsFixture, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let body = dashboard(fixture, id).await;
        if done(&body) {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no such dashboard within {WAIT:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// monitor with `grafana` configured, and the app `ml/demo` (not deployed) with its id.
async fn demo_with(grafana: &FakeGrafana) -> (AppsFixture, String) {
    let fixture = fixture_with_env(vec![
        ("MONITOR_GRAFANA__URL".into(), grafana.url()),
        ("MONITOR_GRAFANA__TOKEN".into(), grafana.token.clone()),
    ])
    .await;
    let app = fixture.create("demo", "1.0.0").await;
    let id = app["id"].as_str().expect("an id").to_string();
    (fixture, id)
}

async fn deploy(fixture: &AppsFixture, id: &str, version: i64) {
    let (operation, _) = fixture
        .run(
            "deployApp",
            json!({"appId": id, "version": version, "reason": "test"}),
        )
        .await;
    assert_eq!(operation["status"], "SUCCEEDED", "{operation}");
}

#[tokio::test]
async fn grafana_down_never_blocks_a_deploy_and_the_dashboard_follows_when_it_returns() {
    let grafana = FakeGrafana::start().await;
    let (fixture, id) = demo_with(&grafana).await;
    let before = dashboard(&fixture, &id).await;
    grafana.go_down().await;

    deploy(&fixture, &id, 1).await;
    let unavailable = dashboard_until(&fixture, &id, |body| {
        error_code(body) == "UNAVAILABLE"
            && body["errors"][0]["message"]
                .as_str()
                .is_some_and(|message| message.contains("Grafana is unreachable"))
    })
    .await;
    grafana.come_back().await;
    let saved = dashboard_until(&fixture, &id, |body| {
        body["data"]["app"]["dashboard"]["upToDate"] == true
    })
    .await;

    assert!(before["errors"].is_null(), "{before}");
    assert_eq!(
        before["data"]["app"]["dashboard"],
        Value::Null,
        "not deployed yet"
    );
    assert_eq!(
        unavailable["errors"][0]["extensions"]["code"],
        "UNAVAILABLE"
    );
    let dashboard = &saved["data"]["app"]["dashboard"];
    let uid = dashboard["uid"].as_str().expect("a uid");
    assert!(uid.len() <= 40, "{uid}");
    assert_eq!(dashboard["version"], 1);
    assert_eq!(dashboard["generation"], 1);
    assert_eq!(dashboard["panels"].as_array().map(Vec::len), Some(4));
    assert!(
        dashboard["url"]
            .as_str()
            .is_some_and(|url| url.starts_with(&format!("{}/d/{uid}/", grafana.url()))),
        "{dashboard}"
    );
    assert!(grafana.dashboard(uid).is_some());
}

#[tokio::test]
async fn a_new_generation_regenerates_the_dashboard_over_edits_made_in_grafana() {
    let grafana = FakeGrafana::start().await;
    let (fixture, id) = demo_with(&grafana).await;
    deploy(&fixture, &id, 1).await;
    let first = dashboard_until(&fixture, &id, |body| {
        body["data"]["app"]["dashboard"]["upToDate"] == true
    })
    .await;
    let uid = first["data"]["app"]["dashboard"]["uid"]
        .as_str()
        .expect("a uid")
        .to_string();
    let first_version = first["data"]["app"]["dashboard"]["version"]
        .as_i64()
        .expect("a version");

    grafana.edit_in_ui(&uid);
    fixture.save(&id, "2.0.0").await;
    deploy(&fixture, &id, 2).await;
    let second = dashboard_until(&fixture, &id, |body| {
        body["data"]["app"]["dashboard"]["generation"] == 2
    })
    .await;

    let dashboard = &second["data"]["app"]["dashboard"];
    assert_eq!(dashboard["uid"], uid.as_str(), "one dashboard per app");
    assert_eq!(dashboard["upToDate"], true);
    assert!(
        dashboard["version"]
            .as_i64()
            .is_some_and(|version| version >= first_version + 2),
        "saved over the edit made in Grafana (version {first_version} before it): {dashboard}"
    );
    assert!(
        grafana.save_statuses().contains(&412),
        "{:?}",
        grafana.save_statuses()
    );
}

#[tokio::test]
async fn a_page_of_apps_with_their_dashboards_costs_the_store_round_trips_of_a_page_of_one() {
    let grafana = FakeGrafana::start().await;
    let (fixture, demo) = demo_with(&grafana).await;
    let mut ids = vec![demo];
    for name in ["demo-b", "demo-c", "demo-d", "demo-e"] {
        let app = fixture.create(name, "1.0.0").await;
        ids.push(app["id"].as_str().expect("an id").to_string());
    }
    for id in &ids {
        deploy(&fixture, id, 1).await;
    }
    for id in &ids {
        dashboard_until(&fixture, id, |body| {
            body["data"]["app"]["dashboard"]["upToDate"] == true
        })
        .await;
    }
    let token = fixture.app.quiet_token(&fixture.admin, "pages").await;
    let page = |first: usize| {
        let (app, token) = (&fixture.app, &token);
        async move {
            let before = app.store_round_trips().await;
            let body = app
                .graphql(
                    Some(token),
                    "query($first: Int) { apps(first: $first) { nodes { name dashboard { uid upToDate } } } }",
                    json!({"first": first}),
                )
                .await;
            let after = app.store_round_trips().await;
            (after - before, body)
        }
    };
    let saves_before = grafana.save_statuses().len();

    let (one, _) = page(1).await;
    let (five, body) = page(5).await;

    assert!(body["errors"].is_null(), "{body}");
    let nodes = body["data"]["apps"]["nodes"].as_array().expect("apps");
    assert_eq!(nodes.len(), 5);
    for node in nodes {
        assert_eq!(node["dashboard"]["upToDate"], true, "{node}");
    }
    assert_eq!(one, five, "a page of 5 costs what a page of 1 costs");
    assert_eq!(
        grafana.save_statuses().len(),
        saves_before,
        "reading dashboards never writes to Grafana"
    );
}

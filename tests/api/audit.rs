//! The audit log: what gets recorded, and reading it back filtered, sorted and paged.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

const PAGE: &str = "query($first: Int, $after: String, $filter: AuditEventFilter, $orderBy: AuditEventOrder) {
  auditEvents(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    nodes { id kind occurredAt summary actor { kind name userId } subject { type id name } diff { before after } }
    pageInfo { hasNextPage endCursor }
  }
}";

async fn page(app: &TestApp, token: &str, variables: Value) -> Value {
    let body = app.graphql(Some(token), PAGE, variables).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["auditEvents"].clone()
}

fn kinds(page: &Value) -> Vec<String> {
    page["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["kind"].as_str().expect("kind").to_string())
        .collect()
}

async fn create_user(app: &TestApp, admin: &str, username: &str) -> Value {
    app.graphql(
        Some(admin),
        "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
        json!({ "input": { "username": username, "password": "password-123", "role": "VIEWER" } }),
    )
    .await
}

#[tokio::test]
async fn a_change_is_recorded_with_its_actor_subject_and_diff() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let created = create_user(&app, &admin, "frank").await;
    let id = created["data"]["createUser"]["id"].clone();

    let newest = page(&app, &admin, json!({ "first": 1 })).await;

    let event = &newest["nodes"][0];
    assert_eq!(event["kind"], "USER_CREATED");
    assert_eq!(event["actor"]["name"], "admin");
    assert_eq!(event["actor"]["kind"], "USER");
    assert_eq!(
        event["subject"],
        json!({ "type": "USER", "id": id, "name": "frank" })
    );
    assert_eq!(event["diff"]["before"], Value::Null);
    assert_eq!(
        event["diff"]["after"],
        json!({ "username": "frank", "role": "VIEWER" })
    );
    assert!(
        !newest.to_string().contains("argon2"),
        "a password hash leaked into the audit log"
    );
}

#[tokio::test]
async fn the_log_starts_with_the_first_admin_and_records_logins() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    let oldest_first = page(
        &app,
        &admin,
        json!({ "orderBy": { "field": "OCCURRED_AT", "direction": "ASC" } }),
    )
    .await;

    assert_eq!(kinds(&oldest_first), ["USER_CREATED", "LOGIN_SUCCEEDED"]);
    assert_eq!(oldest_first["nodes"][0]["actor"]["kind"], "SYSTEM");
}

#[tokio::test]
async fn failed_input_leaves_no_trace_but_a_failed_login_does() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let bad = create_user(&app, &admin, "!").await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    app.graphql(
        None,
        "mutation { login(input: {username: \"admin\", password: \"guess-guess\"}) { token } }",
        json!({}),
    )
    .await;

    let all = page(&app, &admin, json!({})).await;

    assert_eq!(
        kinds(&all),
        ["LOGIN_FAILED", "LOGIN_SUCCEEDED", "USER_CREATED"]
    );
}

#[tokio::test]
async fn filters_narrow_by_kind_and_actor() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    create_user(&app, &admin, "gina").await;
    let gina = app.login("gina", "password-123").await;
    app.graphql(
        Some(&gina),
        "mutation { createApiToken(input: {name: \"g\"}) { token } }",
        json!({}),
    )
    .await;

    let by_kind = page(
        &app,
        &admin,
        json!({ "filter": { "kinds": ["USER_CREATED"] } }),
    )
    .await;
    let by_actor = page(&app, &admin, json!({ "filter": { "actor": "gina" } })).await;

    assert_eq!(kinds(&by_kind), ["USER_CREATED", "USER_CREATED"]);
    assert_eq!(kinds(&by_actor), ["API_TOKEN_CREATED", "LOGIN_SUCCEEDED"]);
}

#[tokio::test]
async fn a_time_range_selects_the_events_inside_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let all = page(
        &app,
        &admin,
        json!({ "orderBy": { "field": "OCCURRED_AT", "direction": "ASC" } }),
    )
    .await;
    let login_at = all["nodes"][1]["occurredAt"].clone();

    let from_login = page(
        &app,
        &admin,
        json!({ "filter": { "occurredAfter": login_at } }),
    )
    .await;
    let before_login = page(
        &app,
        &admin,
        json!({ "filter": { "occurredBefore": login_at } }),
    )
    .await;

    assert_eq!(kinds(&from_login), ["LOGIN_SUCCEEDED"]);
    assert_eq!(kinds(&before_login), ["USER_CREATED"]);
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats_in_every_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for i in 0..5 {
        create_user(&app, &admin, &format!("user{i}")).await;
        app.graphql(
            Some(&admin),
            &format!("mutation {{ createApiToken(input: {{name: \"t{i}\"}}) {{ token }} }}"),
            json!({}),
        )
        .await;
    }
    let expected_total = 12;

    for field in ["OCCURRED_AT", "KIND", "STACK", "SERVER"] {
        for direction in ["ASC", "DESC"] {
            let order = json!({ "field": field, "direction": direction });
            let mut seen: Vec<Value> = Vec::new();
            let mut after = Value::Null;
            for _ in 0..expected_total {
                let current = page(
                    &app,
                    &admin,
                    json!({ "first": 5, "after": after, "orderBy": order }),
                )
                .await;
                seen.extend(current["nodes"].as_array().expect("nodes").iter().cloned());
                if current["pageInfo"]["hasNextPage"] != true {
                    break;
                }
                after = current["pageInfo"]["endCursor"].clone();
            }
            let mut ids: Vec<&str> = seen.iter().map(|n| n["id"].as_str().expect("id")).collect();
            assert_eq!(ids.len(), expected_total, "{field} {direction}");
            ids.sort();
            ids.dedup();
            assert_eq!(
                ids.len(),
                expected_total,
                "{field} {direction} repeated an event"
            );
            if field == "KIND" {
                let kinds: Vec<&str> = seen
                    .iter()
                    .map(|n| n["kind"].as_str().expect("kind"))
                    .collect();
                let mut sorted = kinds.clone();
                sorted.sort();
                if direction == "DESC" {
                    sorted.reverse();
                }
                assert_eq!(kinds, sorted, "sorted by kind {direction}");
            }
        }
    }
}

#[tokio::test]
async fn an_impossible_filter_is_bad_input() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    let empty_kinds = app
        .graphql(Some(&admin), PAGE, json!({ "filter": { "kinds": [] } }))
        .await;
    let backwards = app
        .graphql(
            Some(&admin),
            PAGE,
            json!({ "filter": { "occurredAfter": "2030-01-01T00:00:00Z", "occurredBefore": "2020-01-01T00:00:00Z" } }),
        )
        .await;
    let forged = app
        .graphql(Some(&admin), PAGE, json!({ "after": "not-a-cursor" }))
        .await;

    assert_eq!(
        empty_kinds["errors"][0]["extensions"]["field"],
        json!(["filter", "kinds"])
    );
    assert_eq!(
        backwards["errors"][0]["extensions"]["field"],
        json!(["filter", "occurredBefore"])
    );
    assert_eq!(error_code(&forged), "BAD_USER_INPUT");
}

#[tokio::test]
async fn events_keep_the_stack_and_server_names_they_were_recorded_with() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let server = crate::servers::add_server(
        &app,
        &admin,
        "first-name",
        "unix:///nonexistent/docker.sock",
        None,
    )
    .await;
    let stack = crate::stacks::create_id(
        &app,
        &admin,
        json!({ "name": "short-lived", "serverId": server }),
    )
    .await;
    for (mutation, input) in [
        (
            "mutation($input: DeleteStackInput!) { deleteStack(input: $input) { id } }",
            json!({ "id": stack, "removeContainers": false }),
        ),
        (
            "mutation($input: UpdateServerInput!) { updateServer(input: $input) { id } }",
            json!({ "id": server, "name": "second-name" }),
        ),
        (
            "mutation($input: DeleteServerInput!) { deleteServer(input: $input) { id } }",
            json!({ "id": server }),
        ),
    ] {
        let body = app
            .graphql(Some(&admin), mutation, json!({ "input": input }))
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }

    let body = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { auditEvents(filter: { serverId: $s }, orderBy: { field: OCCURRED_AT, direction: ASC }) {
                nodes { kind stackName serverName stack { id } server { id } } } }",
            json!({ "s": server }),
        )
        .await;
    let events: Vec<(String, Value, Value)> = body["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("events: {body}"))
        .iter()
        .map(|event| {
            assert!(
                event["stack"].is_null() && event["server"].is_null(),
                "{event}"
            );
            (
                event["kind"].as_str().unwrap_or_default().to_string(),
                event["stackName"].clone(),
                event["serverName"].clone(),
            )
        })
        .collect();
    let named = |kind: &str, stack: Value, server: &str| (kind.to_string(), stack, json!(server));
    assert_eq!(
        events,
        [
            named("SERVER_CREATED", Value::Null, "first-name"),
            named("STACK_CREATED", json!("short-lived"), "first-name"),
            named("STACK_DELETED", json!("short-lived"), "first-name"),
            named("SERVER_UPDATED", Value::Null, "second-name"),
            named("SERVER_DELETED", Value::Null, "second-name"),
        ]
    );
}

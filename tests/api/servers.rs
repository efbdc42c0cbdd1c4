//! Servers: adding them with validation, their live state from a real engine, changes
//! and removal, each in the audit log.

use std::time::Duration;

use serde_json::{Value, json};

use crate::dockerd::{Dockerd, eventually};
use crate::helpers::{TestApp, error_code};

pub const CREATE_SERVER: &str = "mutation($input: CreateServerInput!) { createServer(input: $input) { id name endpoint hasAgentToken rootDirectory tags } }";
const SERVER_STATE: &str = "query($id: ID!) { server(id: $id) { name state { reachability dockerVersion dockerApiVersion lastError lastContactAt containers { total running } host { cpus cpuPercent memoryTotalBytes } } } }";

/// Settings that make servers checked every second, so tests see changes quickly.
pub fn fast_checks() -> Vec<(String, String)> {
    vec![("MONITOR_SERVER_CHECK_SECONDS".into(), "1".into())]
}

/// The overall health status, and each component's status by name.
pub async fn health(app: &TestApp) -> (Value, std::collections::HashMap<String, Value>) {
    let body = app
        .graphql(
            None,
            "{ health { status components { name status message } } }",
            json!({}),
        )
        .await;
    let components = body["data"]["health"]["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["status"].clone(),
            )
        })
        .collect();
    (body["data"]["health"]["status"].clone(), components)
}

/// Adds a server and returns its id.
pub async fn add_server(
    app: &TestApp,
    token: &str,
    name: &str,
    endpoint: &str,
    agent_token: Option<&str>,
) -> String {
    let body = app
        .graphql(
            Some(token),
            CREATE_SERVER,
            json!({ "input": { "name": name, "endpoint": endpoint, "agentToken": agent_token } }),
        )
        .await;
    body["data"]["createServer"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createServer failed: {body}"))
        .to_string()
}

/// Waits until the server's state has the given reachability, and returns the state.
pub async fn wait_for_reachability(app: &TestApp, token: &str, id: &str, wanted: &str) -> Value {
    eventually(
        &format!("server {id} to be {wanted}"),
        Duration::from_secs(30),
        || async {
            let body = app
                .graphql(Some(token), SERVER_STATE, json!({ "id": id }))
                .await;
            let state = body["data"]["server"]["state"].clone();
            (state["reachability"] == wanted).then_some(state)
        },
    )
    .await
}

#[tokio::test]
async fn a_server_on_a_real_engine_shows_its_live_state() {
    let dockerd = Dockerd::start().await;
    dockerd
        .run(&[
            "--name",
            "already-there",
            crate::dockerd::IMAGE,
            "sleep",
            "600",
        ])
        .await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let body = app
        .graphql(
            Some(&admin),
            CREATE_SERVER,
            json!({ "input": { "name": "local", "endpoint": dockerd.host, "rootDirectory": "/tmp", "tags": ["prod", "eu"] } }),
        )
        .await;
    let server = &body["data"]["createServer"];
    assert_eq!(server["name"], "local");
    assert_eq!(server["hasAgentToken"], false);
    assert_eq!(server["tags"], json!(["prod", "eu"]));
    let id = server["id"].as_str().expect("an id");

    let state = wait_for_reachability(&app, &admin, id, "REACHABLE").await;
    assert!(
        state["dockerVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("20.") || v.starts_with('2')),
        "{state}"
    );
    assert_eq!(state["dockerApiVersion"], "1.41");
    assert_eq!(state["containers"]["running"], 1);
    assert!(state["host"]["cpus"].as_u64().is_some_and(|cpus| cpus >= 1));
    assert!(
        state["host"]["memoryTotalBytes"]
            .as_f64()
            .is_some_and(|m| m > 0.0)
    );
    assert!(state["lastError"].is_null());

    let (_, components) = health(&app).await;
    assert_eq!(components["docker:local"], "UP");

    let audit = app
        .graphql(Some(&admin), "{ auditEvents(first: 5, filter: { kinds: [SERVER_CREATED] }) { nodes { serverId summary } } }", json!({}))
        .await;
    assert_eq!(audit["data"]["auditEvents"]["nodes"][0]["serverId"], id);
}

#[tokio::test]
async fn bad_server_input_names_the_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let cases = [
        (
            json!({ "name": "a", "endpoint": "docker.sock" }),
            json!(["input", "endpoint"]),
        ),
        (
            json!({ "name": "a", "endpoint": "tcp://host" }),
            json!(["input", "endpoint"]),
        ),
        (
            json!({ "name": "a", "endpoint": "agent+http://h:7070" }),
            json!(["input", "agentToken"]),
        ),
        (
            json!({ "name": "a", "endpoint": "unix:///run/docker.sock", "agentToken": "0123456789abcdef" }),
            json!(["input", "agentToken"]),
        ),
        (
            json!({ "name": "bad name", "endpoint": "unix:///run/docker.sock" }),
            json!(["input", "name"]),
        ),
        (
            json!({ "name": "a", "endpoint": "unix:///run/docker.sock", "rootDirectory": "srv" }),
            json!(["input", "rootDirectory"]),
        ),
        (
            json!({ "name": "a", "endpoint": "unix:///run/docker.sock", "tags": ["ok", "no spaces"] }),
            json!(["input", "tags", "1"]),
        ),
    ];
    for (input, field) in cases {
        let body = app
            .graphql(Some(&admin), CREATE_SERVER, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{input}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{input}");
    }
    let servers = app
        .graphql(Some(&admin), "{ servers { nodes { id } } }", json!({}))
        .await;
    assert_eq!(servers["data"]["servers"]["nodes"], json!([]));
}

#[tokio::test]
async fn servers_are_changed_and_removed_with_names_kept_unique_and_tokens_hidden() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let first = add_server(&app, &admin, "one", "unix:///nonexistent/docker.sock", None).await;
    add_server(&app, &admin, "two", "tcp://127.0.0.1:1", None).await;
    let clash = app
        .graphql(
            Some(&admin),
            CREATE_SERVER,
            json!({ "input": { "name": "one", "endpoint": "tcp://127.0.0.1:2" } }),
        )
        .await;
    assert_eq!(error_code(&clash), "CONFLICT", "{clash}");

    let update = "mutation($input: UpdateServerInput!) { updateServer(input: $input) { name endpoint hasAgentToken } }";
    let changed = app
        .graphql(
            Some(&admin),
            update,
            json!({ "input": { "id": first, "endpoint": "agent+http://127.0.0.1:7070", "agentToken": "a-secret-agent-token" } }),
        )
        .await;
    assert_eq!(
        changed["data"]["updateServer"]["hasAgentToken"], true,
        "{changed}"
    );
    assert!(!changed.to_string().contains("a-secret-agent-token"));

    let operator = app.user_with_role(&admin, "ops", "OPERATOR").await;
    let denied = app
        .graphql(
            Some(&operator),
            update,
            json!({ "input": { "id": first, "name": "x" } }),
        )
        .await;
    assert_eq!(error_code(&denied), "FORBIDDEN");

    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteServer(input: { id: $id }) { name } }",
            json!({ "id": first }),
        )
        .await;
    assert_eq!(deleted["data"]["deleteServer"]["name"], "one");
    let missing = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { server(id: $id) { name } }",
            json!({ "id": first }),
        )
        .await;
    assert!(missing["data"]["server"].is_null());
    let audit = app
        .graphql(Some(&admin), "{ auditEvents(first: 10, filter: { kinds: [SERVER_UPDATED, SERVER_DELETED] }) { nodes { kind diff { before after } } } }", json!({}))
        .await;
    let text = audit.to_string();
    assert!(
        text.contains("SERVER_DELETED") && text.contains("SERVER_UPDATED"),
        "{audit}"
    );
    assert!(
        !text.contains("a-secret-agent-token"),
        "the audit diff never holds the token"
    );
}

//! Subscriptions over both websocket subprotocols, and the handshake's refusals.

use serde_json::json;

use crate::helpers::TestApp;
use crate::ws::{self, LEGACY_WS, TRANSPORT_WS};

const AUDIT_FEED: &str = "subscription { auditEventAdded { kind summary actor { name } } }";

async fn create_user(app: &TestApp, admin: &str, username: &str) {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": { "username": username, "password": "password-123", "role": "VIEWER" } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn both_subprotocols_deliver_live_audit_events() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    for (protocol, username) in [(TRANSPORT_WS, "via-transport"), (LEGACY_WS, "via-legacy")] {
        let mut socket =
            ws::subscribe(&app.ws_url(), protocol, &admin, AUDIT_FEED, json!({})).await;
        // The subscription is registered once the server has read the start message; a
        // ping/pong round trip on transport-ws proves it, and the legacy protocol
        // processes messages in order, so an event after our own mutation suffices.
        create_user(&app, &admin, username).await;

        let payload = ws::next_payload(&mut socket).await;

        assert_eq!(
            payload["data"]["auditEventAdded"]["kind"], "USER_CREATED",
            "{protocol}"
        );
        assert!(
            payload["data"]["auditEventAdded"]["summary"]
                .as_str()
                .unwrap_or_default()
                .contains(username)
        );
        assert_eq!(payload["data"]["auditEventAdded"]["actor"]["name"], "admin");
    }
}

#[tokio::test]
async fn a_subscription_filter_passes_only_matching_events() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut socket = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription { auditEventAdded(filter: {kinds: [API_TOKEN_CREATED]}) { kind } }",
        json!({}),
    )
    .await;

    create_user(&app, &admin, "noise").await;
    app.graphql(
        Some(&admin),
        "mutation { createApiToken(input: {name: \"signal\"}) { token } }",
        json!({}),
    )
    .await;

    let payload = ws::next_payload(&mut socket).await;
    assert_eq!(
        payload["data"]["auditEventAdded"]["kind"],
        "API_TOKEN_CREATED"
    );
}

#[tokio::test]
async fn a_bad_token_in_connection_init_closes_with_4403() {
    let app = TestApp::spawn().await;
    let mut socket = ws::connect(&app.ws_url(), TRANSPORT_WS).await;

    ws::send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer mon_wrong" } }),
    )
    .await;
    let reply = ws::next_json(&mut socket).await;

    assert_eq!(reply["type"], "close");
    assert_eq!(reply["code"], 4403);
}

#[tokio::test]
async fn no_token_on_the_legacy_protocol_is_a_connection_error() {
    let app = TestApp::spawn().await;
    let mut socket = ws::connect(&app.ws_url(), LEGACY_WS).await;

    ws::send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    let reply = ws::next_json(&mut socket).await;

    assert_eq!(reply["type"], "connection_error");
}

#[tokio::test]
async fn subscribing_before_the_handshake_closes_with_4401() {
    let app = TestApp::spawn().await;
    let mut socket = ws::connect(&app.ws_url(), TRANSPORT_WS).await;

    ws::send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": AUDIT_FEED } }),
    )
    .await;
    let reply = ws::next_json(&mut socket).await;

    assert_eq!(reply["code"], 4401);
}

#[tokio::test]
async fn the_server_answers_a_client_ping_with_pong() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut socket = ws::connect(&app.ws_url(), TRANSPORT_WS).await;
    ws::send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {admin}") } })).await;
    ws::next_json(&mut socket).await;

    ws::send(&mut socket, json!({ "type": "ping" })).await;

    assert_eq!(ws::next_json(&mut socket).await["type"], "pong");
}

fn fast_pings() -> Vec<(String, String)> {
    vec![("MONITOR_WEBSOCKET_PING_SECONDS".into(), "1".into())]
}

#[tokio::test]
async fn the_server_pings_idle_connections_in_each_protocol() {
    let app = TestApp::spawn_with_env(fast_pings()).await;
    let admin = app.admin_token().await;

    for (protocol, ping) in [(TRANSPORT_WS, "ping"), (LEGACY_WS, "ka")] {
        let mut socket =
            ws::subscribe(&app.ws_url(), protocol, &admin, AUDIT_FEED, json!({})).await;

        let message = ws::next_any(&mut socket).await;

        assert_eq!(message["type"], ping, "{protocol}");
    }
}

#[tokio::test]
async fn revoking_a_token_ends_the_subscriptions_it_opened() {
    let app = TestApp::spawn_with_env(fast_pings()).await;
    let admin = app.admin_token().await;
    let created = app
        .graphql(
            Some(&admin),
            "mutation { createApiToken(input: {name: \"viewer\"}) { token apiToken { id } } }",
            json!({}),
        )
        .await;
    let token = created["data"]["createApiToken"]["token"]
        .as_str()
        .expect("token");
    let id = created["data"]["createApiToken"]["apiToken"]["id"].clone();
    let mut socket = ws::subscribe(&app.ws_url(), TRANSPORT_WS, token, AUDIT_FEED, json!({})).await;

    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { id } }",
        json!({ "id": id }),
    )
    .await;

    let mut message = ws::next_any(&mut socket).await;
    while message["type"] != "close" {
        message = ws::next_any(&mut socket).await;
    }
    assert_eq!(message["code"], 4403);
}

#[tokio::test]
async fn sigterm_closes_subscriptions_with_1001_and_exits_cleanly() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut socket =
        ws::subscribe(&app.ws_url(), TRANSPORT_WS, &admin, AUDIT_FEED, json!({})).await;

    let exited_cleanly = {
        let close = async {
            let mut message = ws::next_any(&mut socket).await;
            while message["type"] != "close" {
                message = ws::next_any(&mut socket).await;
            }
            message
        };
        let (exited, close) = tokio::join!(app.terminate(), close);
        assert_eq!(close["code"], 1001);
        exited
    };

    assert!(exited_cleanly);
}

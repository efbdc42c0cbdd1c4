//! Subscriptions over both websocket subprotocols, and the handshake's refusals.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::servers::add_server;
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

/// The close frame that ends a socket, after whatever came before it.
async fn closed(socket: &mut ws::Socket) -> Value {
    ws::until_close(socket).await.pop().expect("a close frame")
}

/// Sets a user's role over HTTP, as an admin does.
async fn set_role(app: &TestApp, admin: &str, user: &Value, role: &str) {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: UpdateUserInput!) { updateUser(input: $input) { role } }",
            json!({ "input": { "id": user, "role": role } }),
        )
        .await;
    assert_eq!(body["data"]["updateUser"]["role"], role, "{body}");
}

/// An OPERATOR mutation that needs no engine (a command for a server whose engine is
/// down is refused, whoever asks).
const CREATE_STACK: &str = "mutation($s: ID!, $name: String!) { createStack(input: { serverId: $s, name: $name }) { id } }";

/// A monitor with a server (its engine need not answer) and a user `username` with
/// `role`: (app, admin token, server id, user token, user id).
async fn app_with_user(username: &str, role: &str) -> (TestApp, String, String, String, Value) {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let server = add_server(
        &app,
        &admin,
        "here",
        "unix:///run/monitor-no-engine.sock",
        None,
    )
    .await;
    let token = app.user_with_role(&admin, username, role).await;
    let id = app.user_id(&admin, username).await;
    (app, admin, server, token, id)
}

/// The next message about operation `id`.
async fn reply_to(socket: &mut ws::Socket, id: &str) -> Value {
    loop {
        let message = ws::next_json(socket).await;
        if message["id"] == id {
            return message;
        }
    }
}

#[tokio::test]
async fn an_operator_demoted_mid_session_runs_nothing_more_and_the_socket_closes_with_4403() {
    // The default ping interval (15 s) is longer than a test waits for an event: what
    // closes the socket is the demotion itself.
    let (app, admin, server, operator, id) = app_with_user("ops", "OPERATOR").await;

    for protocol in [TRANSPORT_WS, LEGACY_WS] {
        set_role(&app, &admin, &id, "OPERATOR").await;
        let mut socket =
            ws::subscribe(&app.ws_url(), protocol, &operator, AUDIT_FEED, json!({})).await;
        ws::start(
            &mut socket,
            protocol,
            "before",
            CREATE_STACK,
            json!({ "s": server, "name": format!("before-{protocol}") }),
        )
        .await;
        let ran = reply_to(&mut socket, "before").await;
        assert!(
            ran["payload"]["data"]["createStack"]["id"].is_string(),
            "{protocol}: {ran}"
        );

        set_role(&app, &admin, &id, "VIEWER").await;
        ws::start(
            &mut socket,
            protocol,
            "after",
            CREATE_STACK,
            json!({ "s": server, "name": format!("after-{protocol}") }),
        )
        .await;
        let messages = ws::until_close(&mut socket).await;

        let ran_after = messages
            .iter()
            .filter(|m| m["id"] == "after")
            .any(|m| !m["payload"]["data"]["createStack"].is_null());
        assert!(!ran_after, "{protocol}: {messages:?}");
        let close = messages.last().expect("a close frame");
        assert_eq!(close["code"], 4403, "{protocol}: {messages:?}");
        assert!(
            close["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("VIEWER"),
            "{close}"
        );
        if protocol == LEGACY_WS {
            assert!(
                messages.iter().any(|m| m["type"] == "connection_error"),
                "{messages:?}"
            );
        }
    }
    let stacks = app
        .graphql(
            Some(&admin),
            "{ stacks(first: 10) { nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        stacks["data"]["stacks"]["nodes"].as_array().map(Vec::len),
        Some(2),
        "only the stacks created before each demotion: {stacks}"
    );
}

#[tokio::test]
async fn a_socket_opened_as_viewer_and_promoted_may_act_as_operator() {
    let (app, admin, server, viewer, id) = app_with_user("rising", "VIEWER").await;
    let mut socket =
        ws::subscribe(&app.ws_url(), TRANSPORT_WS, &viewer, AUDIT_FEED, json!({})).await;

    set_role(&app, &admin, &id, "OPERATOR").await;
    ws::start(
        &mut socket,
        TRANSPORT_WS,
        "2",
        CREATE_STACK,
        json!({ "s": server, "name": "promoted" }),
    )
    .await;

    let ran = reply_to(&mut socket, "2").await;
    assert!(
        ran["payload"]["data"]["createStack"]["id"].is_string(),
        "{ran}"
    );
}

#[tokio::test]
async fn a_revoked_token_a_changed_password_and_a_deleted_user_close_their_sockets_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let created = app
        .graphql(
            Some(&admin),
            "mutation { createApiToken(input: {name: \"script\"}) { token apiToken { id } } }",
            json!({}),
        )
        .await;
    let api_token = created["data"]["createApiToken"]["token"]
        .as_str()
        .expect("token");
    let token_id = created["data"]["createApiToken"]["apiToken"]["id"].clone();
    let changing = app.user_with_role(&admin, "changing", "VIEWER").await;
    let leaving = app.user_with_role(&admin, "leaving", "VIEWER").await;
    let changing_id = app.user_id(&admin, "changing").await;
    let leaving_id = app.user_id(&admin, "leaving").await;
    let mut revoked = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        api_token,
        AUDIT_FEED,
        json!({}),
    )
    .await;
    let mut signed_out =
        ws::subscribe(&app.ws_url(), LEGACY_WS, &changing, AUDIT_FEED, json!({})).await;
    let mut removed =
        ws::subscribe(&app.ws_url(), TRANSPORT_WS, &leaving, AUDIT_FEED, json!({})).await;

    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { id } }",
        json!({ "id": token_id }),
    )
    .await;
    let close = closed(&mut revoked).await;
    assert_eq!(close["code"], 4401, "{close}");
    assert_eq!(close["reason"], "the token was revoked");

    app.graphql(
        Some(&admin),
        "mutation($input: UpdateUserInput!) { updateUser(input: $input) { id } }",
        json!({ "input": { "id": changing_id, "password": "a-new-password" } }),
    )
    .await;
    let messages = ws::until_close(&mut signed_out).await;
    assert!(
        messages.iter().any(|m| m["type"] == "connection_error"),
        "the legacy protocol hears why: {messages:?}"
    );
    assert_eq!(
        messages.last().expect("close")["code"],
        4401,
        "{messages:?}"
    );

    app.graphql(
        Some(&admin),
        "mutation($input: DeleteUserInput!) { deleteUser(input: $input) { id } }",
        json!({ "input": { "id": leaving_id } }),
    )
    .await;
    assert_eq!(closed(&mut removed).await["code"], 4401);
}

#[tokio::test]
async fn sigterm_closes_subscriptions_with_1001_and_exits_cleanly() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut socket =
        ws::subscribe(&app.ws_url(), TRANSPORT_WS, &admin, AUDIT_FEED, json!({})).await;

    let exited_cleanly = {
        let close = closed(&mut socket);
        let (exited, close) = tokio::join!(app.terminate(), close);
        assert_eq!(close["code"], 1001);
        exited
    };

    assert!(exited_cleanly);
}

//! Limits that keep one client from hurting everyone else: documents too large to
//! validate, and the HTTP and websocket protocol limits.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, error_code};
use crate::ws::{self, TRANSPORT_WS};

/// `levels` fragments, each spreading the next one twice: 2^levels selections to
/// validate from a document of a few hundred bytes per level.
fn fragment_bomb(levels: usize) -> String {
    let mut query = String::from("{ ...L1 } ");
    for level in 1..levels {
        let next = level + 1;
        query.push_str(&format!(
            "fragment L{level} on Query {{ a: health {{ status }} ...L{next} ...L{next} }} "
        ));
    }
    query.push_str(&format!(
        "fragment L{levels} on Query {{ a: health {{ status }} }}"
    ));
    query
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_at_once_while_health_keeps_answering() {
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;
    let bomb = fragment_bomb(30);

    let bombs = (0..8).map(|_| {
        let (app, token, bomb) = (&app, &token, &bomb);
        async move {
            let mut slowest = Duration::ZERO;
            for _ in 0..5 {
                let started = Instant::now();
                let body = app.graphql(Some(token), bomb, json!({})).await;
                slowest = slowest.max(started.elapsed());
                assert_eq!(error_code(&body), "QUERY_TOO_LARGE", "{body}");
                assert!(body.get("data").is_none(), "{body}");
            }
            slowest
        }
    });
    let health = async {
        let mut latencies = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            let body = app.graphql(None, "{ health { status } }", json!({})).await;
            latencies.push(started.elapsed());
            assert_eq!(body["data"]["health"]["status"], "UP", "{body}");
        }
        latencies.sort();
        latencies[latencies.len() / 2]
    };
    let (slowest_bombs, health_median) = tokio::join!(futures::future::join_all(bombs), health);

    let slowest_bomb = slowest_bombs.into_iter().max().unwrap_or_default();
    assert!(
        slowest_bomb < Duration::from_secs(1),
        "a 30-level fragment bomb took {slowest_bomb:?} to refuse"
    );
    assert!(
        health_median < Duration::from_millis(100),
        "health answered in {health_median:?} (median) while bombs were refused"
    );
}

#[tokio::test]
async fn connections_that_never_finish_their_headers_are_closed() {
    let app = TestApp::spawn_with_env(vec![(
        "MONITOR_LIMITS__HEADER_READ_TIMEOUT_SECONDS".into(),
        "1".into(),
    )])
    .await;
    let address = app.address.trim_start_matches("http://").to_string();

    let mut half_open = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .expect("connect");
        stream
            .write_all(b"POST /graphql HTTP/1.1\r\nHost: monitor\r\nContent-Type: appl")
            .await
            .expect("half a request");
        half_open.push(stream);
    }

    for mut stream in half_open {
        let mut buffer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buffer))
            .await
            .expect("the server closes the connection");
        assert!(
            read.is_err() || !buffer.starts_with(b"HTTP/1.1 200"),
            "{:?}",
            String::from_utf8_lossy(&buffer)
        );
    }
    let body = app.graphql(None, "{ health { status } }", json!({})).await;
    assert_eq!(body["data"]["health"]["status"], "UP");
}

/// A socket past its handshake, for `token`.
async fn acknowledged(app: &TestApp, token: &str) -> ws::Socket {
    let mut socket = ws::connect(&app.ws_url(), TRANSPORT_WS).await;
    ws::send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    let ack = ws::next_json(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

const AUDIT_FEED: &str = "subscription { auditEventAdded { kind } }";

#[tokio::test]
async fn an_oversized_message_closes_with_1009_and_a_reused_subscription_id_with_4409() {
    let app = TestApp::spawn_with_env(vec![(
        "MONITOR_LIMITS__MAX_BODY_BYTES".into(),
        "65536".into(),
    )])
    .await;
    let admin = app.admin_token().await;

    let mut oversized = acknowledged(&app, &admin).await;
    let padding = "x".repeat(100_000);
    ws::send(
        &mut oversized,
        json!({ "type": "ping", "payload": { "padding": padding } }),
    )
    .await;
    let close = ws::until_close(&mut oversized).await.pop().expect("close");
    assert_eq!(close["code"], 1009, "{close}");

    let mut reused = acknowledged(&app, &admin).await;
    ws::start(&mut reused, TRANSPORT_WS, "same", AUDIT_FEED, json!({})).await;
    ws::start(&mut reused, TRANSPORT_WS, "same", AUDIT_FEED, json!({})).await;
    let close = ws::until_close(&mut reused).await.pop().expect("close");
    assert_eq!(close["code"], 4409, "{close}");
    assert_eq!(close["reason"], "Subscriber for same already exists");
}

#[tokio::test]
async fn subscriptions_per_socket_and_sockets_per_user_are_capped() {
    let app = TestApp::spawn_with_env(vec![
        (
            "MONITOR_LIMITS__WEBSOCKET_SUBSCRIPTIONS_PER_CONNECTION".into(),
            "2".into(),
        ),
        (
            "MONITOR_LIMITS__WEBSOCKET_CONNECTIONS_PER_USER".into(),
            "2".into(),
        ),
    ])
    .await;
    let admin = app.admin_token().await;

    let mut socket = acknowledged(&app, &admin).await;
    for id in ["1", "2", "3"] {
        ws::start(&mut socket, TRANSPORT_WS, id, AUDIT_FEED, json!({})).await;
    }
    let refused = ws::next_json(&mut socket).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "3");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "TOO_MANY_SUBSCRIPTIONS"
    );
    // Completing one makes room, and the socket stays usable.
    ws::send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    ws::start(&mut socket, TRANSPORT_WS, "4", AUDIT_FEED, json!({})).await;
    ws::send(&mut socket, json!({ "type": "ping" })).await;
    while ws::next_json(&mut socket).await["type"] != "pong" {}
    app.graphql(
        Some(&admin),
        "mutation { createApiToken(input: {name: \"event\"}) { token } }",
        json!({}),
    )
    .await;
    let mut delivered = std::collections::HashSet::new();
    while delivered.len() < 2 {
        let message = ws::next_json(&mut socket).await;
        assert_eq!(message["type"], "next", "{message}");
        delivered.insert(message["id"].as_str().unwrap_or_default().to_string());
    }
    let expected: std::collections::HashSet<String> = ["2".into(), "4".into()].into();
    assert_eq!(delivered, expected);

    let _second = acknowledged(&app, &admin).await;
    let mut third = ws::connect(&app.ws_url(), TRANSPORT_WS).await;
    ws::send(&mut third, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {admin}") } })).await;
    let close = ws::until_close(&mut third).await.pop().expect("close");
    assert_eq!(close["code"], 4403, "{close}");
    assert!(
        close["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("connections open"),
        "{close}"
    );
}

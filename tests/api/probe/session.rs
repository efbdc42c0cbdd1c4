//! The server's side of the probe protocol, spoken by a hand-driven websocket client so
//! every fault can be sent on purpose: tokens checked in the handshake, malformed,
//! oversized and impossible messages refused and counted without ending the session,
//! a flood ending it, and revocation cutting a connected probe off at once.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

use super::registry::register;
use crate::helpers::TestApp;
use crate::ws::{EVENT_TIMEOUT, Socket};

pub(super) async fn dial(app: &TestApp, token: &str) -> Result<Socket, u16> {
    let url = format!("{}/probes/connect", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

pub(super) async fn send(socket: &mut Socket, text: String) {
    socket.send(Message::text(text)).await.unwrap();
}

/// The server's next message, or `{"type": "close", "code": …}`.
pub(super) async fn next(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(EVENT_TIMEOUT, socket.next())
            .await
            .expect("the server answers in time");
        match frame {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
            Some(Ok(Message::Close(frame))) => {
                return json!({ "type": "close", "code": frame.map(|f| u16::from(f.code)) });
            }
            None | Some(Err(_)) => return json!({ "type": "close", "code": null }),
            Some(Ok(_)) => {}
        }
    }
}

/// Says hello and finishes the clock exchange: the probe counts as connected after.
pub(super) async fn join(socket: &mut Socket) {
    let hello = json!({ "type": "hello", "protocol": 1, "version": "test", "capacity": 1,
        "probeTime": chrono::Utc::now(), "spooled": 0 });
    send(socket, hello.to_string()).await;
    assert_eq!(next(socket).await["type"], "welcome");
    let offset = json!({ "type": "clockOffset", "offsetMicros": 0, "delayMicros": 10 });
    send(socket, offset.to_string()).await;
    assert_alive(socket).await;
}

/// A time request is answered: the session is alive and has handled what came before.
async fn assert_alive(socket: &mut Socket) {
    let request = json!({ "type": "timeRequest", "probeSent": chrono::Utc::now() });
    send(socket, request.to_string()).await;
    assert_eq!(next(socket).await["type"], "timeReply");
}

fn result_for(assignment: &str) -> String {
    json!({ "type": "result", "measurementId": "m1", "probeTime": chrono::Utc::now(),
        "offsetMicros": 0, "error": "refused",
        "key": { "assignmentId": assignment, "run": 0, "target": "127.0.0.1" } })
    .to_string()
}

async fn metrics(app: &TestApp) -> String {
    let response = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    response.text().await.unwrap()
}

#[tokio::test]
async fn bad_messages_are_refused_and_counted_a_flood_ends_the_session_and_revocation_cuts_off() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (probe_id, token) = register(&app, &admin, "raw-1", &[]).await;

    assert_eq!(dial(&app, "mprobe_not-a-token").await.err(), Some(401));
    let mut socket = dial(&app, &token).await.expect("the token is accepted");
    join(&mut socket).await;
    let connected = app
        .graphql(
            Some(&admin),
            "{ probes(filter: { connected: true }) { nodes { id connected capacity } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        connected["data"]["probes"]["nodes"][0]["id"],
        probe_id.as_str(),
        "{connected}"
    );

    send(&mut socket, "not json".into()).await;
    assert_eq!(next(&mut socket).await["type"], "error");
    send(&mut socket, "x".repeat(300 * 1024)).await;
    let oversized = next(&mut socket).await;
    assert!(
        oversized["message"].as_str().unwrap().contains("limit"),
        "{oversized}"
    );
    send(&mut socket, result_for("no-such-assignment")).await;
    let rejected = next(&mut socket).await;
    assert_eq!(rejected["type"], "reject", "{rejected}");
    assert_eq!(rejected["key"]["assignmentId"], "no-such-assignment");
    assert_alive(&mut socket).await;
    let exported = metrics(&app).await;
    for reason in ["malformed", "oversized", "result"] {
        let line = format!("monitor_probe_messages_rejected_total{{reason=\"{reason}\"}} 1");
        assert!(exported.contains(&line), "{line} missing from:\n{exported}");
    }
    let stored = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { probe(id: $id) { resultsDelivered } }",
            json!({ "id": probe_id }),
        )
        .await;
    assert_eq!(
        stored["data"]["probe"]["resultsDelivered"], 0,
        "nothing stored"
    );

    let revoked = app
        .graphql(
            Some(&admin),
            "mutation($input: RevokeProbeInput!) { revokeProbe(input: $input) { revokedAt } }",
            json!({ "input": { "id": probe_id } }),
        )
        .await;
    assert!(
        revoked["data"]["revokeProbe"]["revokedAt"].is_string(),
        "{revoked}"
    );
    let closed = loop {
        let message = next(&mut socket).await;
        if message["type"] == "close" {
            break message;
        }
    };
    assert_eq!(closed["code"], 4001, "cut off at once");
    assert_eq!(
        dial(&app, &token).await.err(),
        Some(401),
        "and refused from now on"
    );

    let (_, flooder) = register(&app, &admin, "raw-2", &[]).await;
    let mut socket = dial(&app, &flooder).await.unwrap();
    join(&mut socket).await;
    for _ in 0..30 {
        if socket.send(Message::text("{}")).await.is_err() {
            break;
        }
    }
    let closed = loop {
        let message = next(&mut socket).await;
        if message["type"] == "close" {
            break message;
        }
    };
    assert_eq!(closed["code"], 1008, "{closed}");
}

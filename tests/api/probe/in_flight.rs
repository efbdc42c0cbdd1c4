//! Results a probe sends without waiting for each acknowledgement, as a probe with a
//! spool does: the session keeps several under way and acknowledges them as they are
//! stored, and what was under way when the connection dropped is stored and counted
//! once when the probe sends it again.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::measurements::{MEASUREMENT, create, grant};
use super::registry::register;
use super::session::{dial, join, next, send};
use crate::helpers::TestApp;
use crate::ws::Socket;

const TARGETS: usize = 40;

fn target(n: usize) -> String {
    format!("192.0.2.{}", n + 1)
}

/// Waits for the assignment the server sends, accepts it, and says which it is.
async fn accept(socket: &mut Socket) -> String {
    let assign = loop {
        let message = next(socket).await;
        if message["type"] == "assign" {
            break message;
        }
    };
    let assignment = assign["assignmentId"].as_str().unwrap().to_string();
    let accepted = json!({ "type": "accepted", "assignmentId": assignment });
    send(socket, accepted.to_string()).await;
    assignment
}

/// Says hello and its clock offset again, not waiting for the clock exchange: the
/// server may send the assignment again first, if it still owes results.
async fn rejoin(socket: &mut Socket) {
    let hello = json!({ "type": "hello", "protocol": 1, "version": "test", "capacity": 1,
        "probeTime": chrono::Utc::now(), "spooled": TARGETS });
    send(socket, hello.to_string()).await;
    assert_eq!(next(socket).await["type"], "welcome");
    let offset = json!({ "type": "clockOffset", "offsetMicros": 0, "delayMicros": 10 });
    send(socket, offset.to_string()).await;
}

fn result(measurement: &str, assignment: &str, n: usize) -> String {
    json!({ "type": "result", "measurementId": measurement, "probeTime": chrono::Utc::now(),
        "offsetMicros": 0, "error": "unreachable",
        "key": { "assignmentId": assignment, "run": 0, "target": target(n) } })
    .to_string()
}

#[tokio::test]
async fn results_under_way_when_a_probe_drops_are_stored_and_counted_once_when_sent_again() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    grant(&app, &admin, 1_000_000).await;
    let (probe_id, token) = register(&app, &admin, "burst-1", &[]).await;
    let mut socket = dial(&app, &token).await.expect("the token is accepted");
    join(&mut socket).await;
    let targets: Vec<String> = (0..TARGETS).map(target).collect();
    let body = create(
        &app,
        &admin,
        json!({ "input": { "kind": "PING", "targets": targets,
            "probes": { "ids": [probe_id] }, "params": { "ping": { "packets": 1 } } } }),
    )
    .await;
    let measurement = body["data"]["createMeasurement"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("created: {body}"))
        .to_string();
    let assignment = accept(&mut socket).await;

    // Every result at once, then gone without reading a single acknowledgement.
    for n in 0..TARGETS {
        send(&mut socket, result(&measurement, &assignment, n)).await;
    }
    drop(socket);

    let mut socket = dial(&app, &token).await.expect("it connects again");
    rejoin(&mut socket).await;
    for n in 0..TARGETS {
        send(&mut socket, result(&measurement, &assignment, n)).await;
    }
    let mut acknowledged = HashSet::new();
    while acknowledged.len() < TARGETS {
        let message = next(&mut socket).await;
        match message["type"].as_str() {
            Some("ack") => {
                for key in message["keys"].as_array().unwrap() {
                    assert!(
                        acknowledged.insert(key["target"].as_str().unwrap().to_string()),
                        "each result is acknowledged once: {message}"
                    );
                }
            }
            Some("reject" | "error" | "close") => panic!("refused: {message}"),
            _ => {}
        }
    }

    let shown = app
        .graphql(Some(&admin), MEASUREMENT, json!({ "id": measurement }))
        .await;
    let shown = &shown["data"]["measurement"];
    assert_eq!(
        shown["assignments"][0]["resultsDelivered"], TARGETS,
        "counted once: {shown}"
    );
    let stored: Vec<&Value> = shown["targetSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|summary| &summary["results"])
        .collect();
    assert_eq!(
        stored,
        vec![&json!(1); TARGETS],
        "stored once each: {shown}"
    );
    assert_eq!(
        shown["status"], "FINISHED",
        "the last result ended it: {shown}"
    );
}

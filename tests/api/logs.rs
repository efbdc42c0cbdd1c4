//! Live container logs over websocket subscriptions, from a real container.

use serde_json::{Value, json};

use crate::containers::{app_with_engine, run_container};
use crate::helpers::TestApp;
use crate::ws::{self, LEGACY_WS, TRANSPORT_WS};

const LOGS: &str = "subscription($s: ID!, $c: ID!, $tail: Int, $follow: Boolean) { containerLogs(serverId: $s, containerId: $c, tail: $tail, follow: $follow) { stream text timestamp } }";
/// Prints a numbered line to stdout and another to stderr ten times a second.
const TICKER: [&str; 3] = [
    "sh",
    "-c",
    "i=0; while true; do echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); sleep 0.1; done",
];

/// Subscribes to a container's log over graphql-transport-ws.
async fn follow_logs(
    app: &TestApp,
    token: &str,
    server: &str,
    container: &str,
    tail: u32,
    follow: bool,
) -> ws::Socket {
    let variables = json!({ "s": server, "c": container, "tail": tail, "follow": follow });
    ws::subscribe(&app.ws_url(), TRANSPORT_WS, token, LOGS, variables).await
}

fn line(message: &Value) -> (String, String) {
    let line = &message["payload"]["data"]["containerLogs"];
    (
        line["stream"].as_str().unwrap_or_default().to_string(),
        line["text"].as_str().unwrap_or_default().to_string(),
    )
}

/// Reads `count` stdout lines and checks they count up with no gap and no repeat.
async fn consecutive_stdout(socket: &mut ws::Socket, count: usize) {
    let mut numbers = Vec::new();
    let mut saw_stderr = false;
    while numbers.len() < count {
        let message = ws::next_json(socket).await;
        assert!(message["payload"]["errors"].is_null(), "{message}");
        let (stream, text) = line(&message);
        match stream.as_str() {
            "STDOUT" => numbers.push(
                text.trim_start_matches("out ")
                    .parse::<u64>()
                    .expect("a counter"),
            ),
            "STDERR" => {
                assert!(text.starts_with("err "), "{text}");
                saw_stderr = true;
            }
            other => panic!("unexpected stream {other}: {message}"),
        }
    }
    assert!(saw_stderr, "stderr lines arrive marked as STDERR");
    for pair in numbers.windows(2) {
        assert_eq!(
            pair[1],
            pair[0] + 1,
            "lines arrive once each, in order: {numbers:?}"
        );
    }
}

#[tokio::test]
async fn many_subscribers_follow_the_same_container_without_gaps_or_repeats() {
    let (app, admin, _dockerd, server) = app_with_engine().await;
    run_container(&app, &admin, &server, "ticker", &TICKER).await;
    let variables = json!({ "s": server, "c": "ticker", "tail": 4, "follow": true });
    let mut first =
        ws::subscribe(&app.ws_url(), TRANSPORT_WS, &admin, LOGS, variables.clone()).await;
    let mut second = ws::subscribe(&app.ws_url(), LEGACY_WS, &admin, LOGS, variables).await;
    // History (the tail) and live lines join into one unbroken count for both.
    consecutive_stdout(&mut first, 25).await;
    consecutive_stdout(&mut second, 25).await;
}

#[tokio::test]
async fn without_follow_the_log_ends_after_the_tail() {
    let (app, admin, _dockerd, server) = app_with_engine().await;
    run_container(
        &app,
        &admin,
        &server,
        "once",
        &["sh", "-c", "echo one; echo two; echo three >&2; sleep 600"],
    )
    .await;
    let mut socket = follow_logs(&app, &admin, &server, "once", 100, false).await;
    let mut lines = Vec::new();
    loop {
        let message = ws::next_json(&mut socket).await;
        if message["type"] == "complete" {
            break;
        }
        lines.push(line(&message));
    }
    lines.sort();
    assert_eq!(
        lines,
        [
            ("STDERR".into(), "three".into()),
            ("STDOUT".into(), "one".into()),
            ("STDOUT".into(), "two".into())
        ]
    );
}

#[tokio::test]
async fn following_ends_when_the_container_stops_and_unknown_containers_are_not_found() {
    let (app, admin, _dockerd, server) = app_with_engine().await;
    run_container(
        &app,
        &admin,
        &server,
        "short",
        &[
            "sh",
            "-c",
            "echo ready; trap 'exit 0' TERM; while true; do sleep 1; done",
        ],
    )
    .await;
    let mut socket = follow_logs(&app, &admin, &server, "short", 10, true).await;
    assert_eq!(line(&ws::next_json(&mut socket).await).1, "ready");
    let stopped = app
        .graphql(Some(&admin), "mutation($s: ID!) { stopContainer(input: { serverId: $s, id: \"short\" }) { status } }", json!({ "s": server }))
        .await;
    assert_eq!(
        stopped["data"]["stopContainer"]["status"], "EXITED",
        "{stopped}"
    );
    let end = ws::next_json(&mut socket).await;
    assert_eq!(end["type"], "complete", "{end}");

    let mut missing = follow_logs(&app, &admin, &server, "nope", 10, true).await;
    let message = ws::next_json(&mut missing).await;
    assert_eq!(
        message["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{message}"
    );
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_told_how_many_lines_it_missed_and_goes_on() {
    let (app, admin, dockerd, server) = app_with_engine().await;
    let signal = tempfile::tempdir().expect("a directory");
    let mount = format!("{}:/signal", signal.path().display());
    // 100,000 lines of 512 bytes: more than the loopback socket's buffers hold between
    // the server and this reader (up to 32 MiB to receive here, 4 MiB to send), so the
    // feed's buffer fills however fast the server reads the engine's log.
    let script = "while [ ! -e /signal/go ]; do sleep 0.05; done; \
         awk 'BEGIN { for (i = 1; i <= 100000; i++) printf \"%0512d\\n\", i }'; \
         echo done; sleep 600";
    dockerd
        .run(&[
            "--name",
            "burst",
            "-v",
            &mount,
            crate::dockerd::IMAGE,
            "sh",
            "-c",
            script,
        ])
        .await;
    let mut socket = follow_logs(&app, &admin, &server, "burst", 0, true).await;
    std::fs::write(signal.path().join("go"), "").expect("start the burst");
    // Do not read while the container writes its 100,000 lines.
    crate::dockerd::eventually(
        "the burst to end",
        std::time::Duration::from_secs(60),
        || async {
            let (_, last) = dockerd.docker(&["logs", "--tail", "1", "burst"]).await;
            (last == "done").then_some(())
        },
    )
    .await;
    let mut missed = 0;
    let mut after_the_gap = 0;
    loop {
        let message = ws::next_json(&mut socket).await;
        let payload = &message["payload"];
        if let Some(error) = payload["errors"].get(0) {
            assert_eq!(error["extensions"]["code"], "LAGGED", "{message}");
            missed += error["extensions"]["missed"].as_u64().expect("a count");
            continue;
        }
        let text = payload["data"]["containerLogs"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if missed > 0 {
            after_the_gap += 1;
        }
        if text == "done" {
            break;
        }
    }
    assert!(
        missed > 0,
        "a reader that did not read for 100,000 lines was told it missed some"
    );
    assert!(after_the_gap > 0, "and the stream went on after telling it");
}

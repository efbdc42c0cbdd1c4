//! Commands as operations: stored and streamed output, exit codes, cancellation, the
//! history as a connection, and operations a crash left running marked INTERRUPTED.

use std::time::Duration;

use serde_json::{Value, json};

use crate::dockerd::{Dockerd, eventually};
use crate::helpers::{TestApp, error_code};
use crate::servers::{add_server, fast_checks, wait_for_reachability};
use crate::ws::{self, TRANSPORT_WS};

pub const RUN_COMMAND: &str = "mutation($input: RunCommandInput!) { runCommand(input: $input) { id status kind target actor { name } } }";
const OPERATION: &str =
    "query($id: ID!) { operation(id: $id) { status exitCode error outputLines finishedAt } }";
const OUTPUT: &str =
    "subscription($id: ID!) { operationOutput(operationId: $id) { seq stream text } }";

pub async fn run_command(app: &TestApp, token: &str, server: &str, command: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            RUN_COMMAND,
            json!({ "input": { "serverId": server, "command": command } }),
        )
        .await;
    assert_eq!(body["data"]["runCommand"]["status"], "RUNNING", "{body}");
    body["data"]["runCommand"]["id"]
        .as_str()
        .expect("an id")
        .to_string()
}

/// A `graphql-transport-ws` socket following an operation's output.
async fn follow_output(app: &TestApp, token: &str, id: &str) -> ws::Socket {
    ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        token,
        OUTPUT,
        json!({ "id": id }),
    )
    .await
}

/// Every line of an operation's output stream, until the stream completes.
pub async fn whole_output(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let mut socket = follow_output(app, token, id).await;
    let mut lines = Vec::new();
    loop {
        let message = ws::next_json(&mut socket).await;
        if message["type"] == "complete" {
            return lines;
        }
        assert!(message["payload"]["errors"].is_null(), "{message}");
        lines.extend(batch(&message).iter().cloned());
    }
}

/// The lines of one `operationOutput` message.
pub fn batch(message: &Value) -> &Vec<Value> {
    message["payload"]["data"]["operationOutput"]
        .as_array()
        .unwrap_or_else(|| panic!("a batch of lines: {message}"))
}

pub async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    eventually(
        "the operation to finish",
        Duration::from_secs(30),
        || async {
            let body = app
                .graphql(Some(token), OPERATION, json!({ "id": id }))
                .await;
            let operation = body["data"]["operation"].clone();
            (!operation["finishedAt"].is_null()).then_some(operation)
        },
    )
    .await
}

/// A monitor with one server on the local engine's host (commands run in-process).
async fn app_with_local_server() -> (TestApp, String, Dockerd, String) {
    let dockerd = Dockerd::start().await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "local", &dockerd.host, None).await;
    (app, admin, dockerd, server)
}

#[tokio::test]
async fn a_command_streams_its_output_live_and_keeps_it() {
    let (app, admin, _dockerd, server) = app_with_local_server().await;
    let script = "for i in 1 2 3; do echo line $i; done; echo oops >&2; sleep 1; echo after the pause; exit 3";
    let id = run_command(&app, &admin, &server, script).await;
    // Joining while it runs: what is stored is replayed, then the rest follows live.
    let live = whole_output(&app, &admin, &id).await;
    // Two pipes are read at once, so only the order within each stream is certain.
    let texts_of = |stream: &str| -> Vec<String> {
        live.iter()
            .filter(|line| line["stream"] == stream)
            .filter_map(|line| line["text"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        texts_of("STDOUT"),
        ["line 1", "line 2", "line 3", "after the pause"]
    );
    assert_eq!(texts_of("STDERR"), ["oops"]);
    let seqs: Vec<i64> = live
        .iter()
        .filter_map(|line| line["seq"].as_i64())
        .collect();
    assert_eq!(seqs, [0, 1, 2, 3, 4]);

    let operation = finished(&app, &admin, &id).await;
    assert_eq!(operation["status"], "FAILED");
    assert_eq!(operation["exitCode"], 3);
    assert_eq!(operation["outputLines"], 5);
    // After the end, the stored output replays whole and the stream completes.
    assert_eq!(whole_output(&app, &admin, &id).await, live);

    let ok = run_command(&app, &admin, &server, "pwd").await;
    assert_eq!(finished(&app, &admin, &ok).await["status"], "SUCCEEDED");
    let history = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { operations(first: 1, filter: { serverId: $s }) { nodes { id status } pageInfo { hasNextPage endCursor } } }",
            json!({ "s": server }),
        )
        .await;
    let page = &history["data"]["operations"];
    assert_eq!(page["nodes"][0]["id"], ok, "newest first: {history}");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let next = app
        .graphql(
            Some(&admin),
            "query($after: String) { operations(first: 5, after: $after, filter: { statuses: [FAILED] }) { nodes { id } } }",
            json!({ "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(next["data"]["operations"]["nodes"], json!([{ "id": id }]));
    let audit = app
        .graphql(Some(&admin), "{ auditEvents(first: 5, filter: { kinds: [COMMAND_STARTED] }) { nodes { serverId subject { id } } } }", json!({}))
        .await;
    assert_eq!(
        audit["data"]["auditEvents"]["nodes"][1]["subject"]["id"], id,
        "{audit}"
    );
}

#[tokio::test]
async fn cancelling_kills_the_command_and_everything_it_started() {
    let (app, admin, _dockerd, server) = app_with_local_server().await;
    let marker = tempfile::tempdir().expect("a directory");
    let flag = marker.path().join("still-running");
    let command = format!(
        "echo started; (sleep 2; touch {}) & sleep 600",
        flag.display()
    );
    let id = run_command(&app, &admin, &server, &command).await;
    let mut socket = follow_output(&app, &admin, &id).await;
    assert_eq!(
        ws::next_payload(&mut socket).await["data"]["operationOutput"][0]["text"],
        "started"
    );

    let cancelled = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { cancelOperation(input: { id: $id }) { status error } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelOperation"]["status"], "CANCELLED",
        "{cancelled}"
    );
    assert_eq!(ws::next_json(&mut socket).await["type"], "complete");
    let again = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { cancelOperation(input: { id: $id }) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&again), "CONFLICT");
    // The background child was in the command's process group and died with it: the
    // flag it would write after 2 s never appears (checked once it would have been).
    let probe = run_command(&app, &admin, &server, "sleep 3").await;
    finished(&app, &admin, &probe).await;
    assert!(
        !flag.exists(),
        "the command's background process was killed"
    );
}

#[tokio::test]
async fn bad_command_input_is_refused_and_tcp_engines_cannot_run_commands() {
    let (app, admin, _dockerd, server) = app_with_local_server().await;
    let tcp = add_server(&app, &admin, "plain-tcp", "tcp://127.0.0.1:1", None).await;
    let cases = [
        (
            json!({ "serverId": server, "command": "   " }),
            json!(["input", "command"]),
        ),
        (
            json!({ "serverId": server, "command": "ls", "workingDirectory": "relative" }),
            json!(["input", "workingDirectory"]),
        ),
        (
            json!({ "serverId": tcp, "command": "ls" }),
            json!(["input", "serverId"]),
        ),
    ];
    for (input, field) in cases {
        let body = app
            .graphql(Some(&admin), RUN_COMMAND, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{input}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let none = app
        .graphql(Some(&admin), "{ operations { nodes { id } } }", json!({}))
        .await;
    assert_eq!(none["data"]["operations"]["nodes"], json!([]));
}

#[tokio::test]
async fn a_command_talks_to_its_servers_engine_and_an_unreachable_server_runs_none() {
    let (app, admin, dockerd, server) = app_with_local_server().await;
    let id = run_command(&app, &admin, &server, "echo \"$DOCKER_HOST\"").await;
    let output = whole_output(&app, &admin, &id).await;
    assert_eq!(output[0]["text"], dockerd.host.as_str(), "{output:?}");

    let gone_socket = tempfile::tempdir().expect("a directory");
    let endpoint = format!("unix://{}/docker.sock", gone_socket.path().display());
    let gone = add_server(&app, &admin, "gone", &endpoint, None).await;
    wait_for_reachability(&app, &admin, &gone, "UNREACHABLE").await;
    let marker = gone_socket.path().join("ran");
    let body = app
        .graphql(
            Some(&admin),
            RUN_COMMAND,
            json!({ "input": { "serverId": gone, "command": format!("touch {}", marker.display()) } }),
        )
        .await;
    assert_eq!(error_code(&body), "UNAVAILABLE", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("gone") && message.contains("cannot reach"),
        "{message}"
    );
    let operations = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { operations(filter: { serverId: $s }) { nodes { id } } }",
            json!({ "s": gone }),
        )
        .await;
    assert_eq!(operations["data"]["operations"]["nodes"], json!([]));
    assert!(
        !marker.exists(),
        "the command never ran on the monitor host"
    );
}

#[tokio::test]
async fn a_command_dies_with_a_killed_server_and_the_restart_kills_what_it_left() {
    let (mut app, admin, _dockerd, server) = app_with_local_server().await;
    // The shell's child is the kind of process that outlives a killed parent: the
    // parent-death signal is not inherited.
    let id = run_command(&app, &admin, &server, "sleep 600 & echo \"$$ $!\"; wait").await;
    let mut socket = follow_output(&app, &admin, &id).await;
    let first = ws::next_payload(&mut socket).await;
    let pids: Vec<u32> = first["data"]["operationOutput"][0]["text"]
        .as_str()
        .expect("the line with the pids")
        .split(' ')
        .map(|pid| pid.parse().expect("a pid"))
        .collect();
    let [shell, sleep] = pids[..] else {
        panic!("two pids: {first}")
    };

    app.kill().await;
    eventually(
        "the command's shell to die with monitor",
        Duration::from_secs(10),
        || async { (!is_running(shell)).then_some(()) },
    )
    .await;
    assert!(
        is_running(sleep),
        "the shell's child outlives monitor until the restart"
    );
    app.restart().await;

    eventually(
        "the restart to kill what the command left",
        Duration::from_secs(10),
        || async { (!is_running(sleep)).then_some(()) },
    )
    .await;
    let admin = app.admin_token().await;
    let body = app
        .graphql(Some(&admin), OPERATION, json!({ "id": id }))
        .await;
    let operation = &body["data"]["operation"];
    assert_eq!(operation["status"], "INTERRUPTED", "{body}");
    assert_eq!(
        operation["error"],
        "monitor stopped while this operation ran; its next start killed the 1 process it had left running"
    );
    assert!(operation["finishedAt"].is_string());
    let output = whole_output(&app, &admin, &id).await;
    let last = output.last().expect("output");
    assert_eq!(last["stream"], "MONITOR");
    assert!(
        last["text"]
            .as_str()
            .is_some_and(|text| text.ends_with(&format!("pid {sleep} (sleep)"))),
        "{last}"
    );
}

/// Whether a process exists and has not ended (a zombie has ended, whoever reaps it).
fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
    })
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_catches_up_without_losing_a_line() {
    let (app, admin, _dockerd, server) = app_with_local_server().await;
    let lines = 150_000;
    let id = run_command(&app, &admin, &server, &format!("seq 1 {lines}")).await;
    let mut slow = follow_output(&app, &admin, &id).await;
    // Not reading while the command writes everything: the live buffer overflows
    // behind this subscriber.
    let ended = finished(&app, &admin, &id).await;
    assert!(ended["error"].is_null(), "{ended}");
    let (mut next_seq, mut messages) = (0, 0);
    loop {
        let message = ws::next_json(&mut slow).await;
        if message["type"] == "complete" {
            break;
        }
        assert!(
            message["payload"]["errors"].is_null(),
            "no line is lost: {message}"
        );
        messages += 1;
        for line in batch(&message) {
            assert_eq!(line["seq"], next_seq);
            next_seq += 1;
        }
    }
    assert_eq!(next_seq, lines);
    // What piled up while the subscriber was away comes in batches, not line by line.
    assert!(
        messages <= lines / 100,
        "{messages} messages for {lines} lines"
    );
}

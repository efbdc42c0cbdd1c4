//! Shells into containers on a real engine: a command's output comes back, the
//! terminal resizes, only OPERATORs open one, and ending the session (closing, or the
//! websocket going away) ends the process in the container, on a local engine and
//! through an agent alike; every shell is audited.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::time::Duration;

use crate::containers::{UNTIL_STOPPED, app_with_engine, run_container};
use crate::dockerd::{Agent, Dockerd, eventually};
use crate::helpers::{TestApp, error_code};
use crate::servers::{add_server, wait_for_reachability};
use crate::ws::{self, TRANSPORT_WS};

const START: &str = "mutation($input: StartContainerShellInput!) { startContainerShell(input: $input) { id containerName command cols rows } }";
const INPUT: &str =
    "mutation($input: SendShellInputInput!) { sendShellInput(input: $input) { id } }";
const CLOSE: &str = "mutation($input: CloseShellInput!) { closeShell(input: $input) { id } }";
const OUTPUT: &str =
    "subscription($id: ID!) { shellOutput(sessionId: $id) { data ended reason exitCode } }";

async fn start(app: &TestApp, token: &str, server: &str, container: &str) -> Value {
    app.graphql(
        Some(token),
        START,
        json!({ "input": { "serverId": server, "containerId": container, "cols": 80, "rows": 24 } }),
    )
    .await
}

async fn type_in(app: &TestApp, token: &str, session: &str, text: &str) {
    let body = app
        .graphql(
            Some(token),
            INPUT,
            json!({ "input": { "sessionId": session, "data": text } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
}

/// Reads the terminal until its text contains `wanted`; returns everything read.
async fn read_until(socket: &mut ws::Socket, seen: &mut String, wanted: &str) {
    while !seen.contains(wanted) {
        let payload = ws::next_payload(socket).await;
        let output = &payload["data"]["shellOutput"];
        assert_eq!(
            output["ended"], false,
            "ended before {wanted:?}: {payload} after {seen:?}"
        );
        let bytes = STANDARD
            .decode(output["data"].as_str().expect("data"))
            .expect("base64");
        seen.push_str(&String::from_utf8_lossy(&bytes));
    }
}

/// Reads a session's output, types `command` and reads until `wanted` shows; returns
/// the subscription and what it showed so far.
async fn run(
    app: &TestApp,
    token: &str,
    session: &str,
    command: &str,
    wanted: &str,
) -> (ws::Socket, String) {
    let mut socket = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        token,
        OUTPUT,
        json!({ "id": session }),
    )
    .await;
    let mut seen = String::new();
    type_in(app, token, session, command).await;
    read_until(&mut socket, &mut seen, wanted).await;
    (socket, seen)
}

/// The container's processes whose command is exactly `/bin/sh` (the shells).
async fn shells_in(dockerd: &Dockerd, container: &str) -> usize {
    let (_, top) = dockerd.docker(&["top", container, "-o", "pid,args"]).await;
    top.lines()
        .filter(|line| line.trim_end().ends_with(" /bin/sh"))
        .count()
}

#[tokio::test]
async fn a_shell_runs_a_command_resizes_and_ends_its_process_when_closed_directly_or_through_an_agent()
 {
    let (app, admin, dockerd, server) = app_with_engine().await;
    let viewer = app.user_with_role(&admin, "viewer", "VIEWER").await;
    let operator = app.user_with_role(&admin, "operator", "OPERATOR").await;
    run_container(&app, &admin, &server, "web", &UNTIL_STOPPED).await;

    let refused = start(&app, &viewer, &server, "web").await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    let bad = app
        .graphql(
            Some(&operator),
            START,
            json!({ "input": { "serverId": server, "containerId": "web", "cols": 0 } }),
        )
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        json!(["input", "cols"]),
        "{bad}"
    );

    let started = start(&app, &operator, &server, "web").await;
    let session = started["data"]["startContainerShell"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("startContainerShell failed: {started}"))
        .to_string();
    assert_eq!(
        started["data"]["startContainerShell"]["command"],
        json!(["/bin/sh"])
    );
    let stolen = app
        .graphql(
            Some(&admin),
            INPUT,
            json!({ "input": { "sessionId": session, "data": "id\n" } }),
        )
        .await;
    assert_eq!(
        error_code(&stolen),
        "NOT_FOUND",
        "another user's shell is not theirs: {stolen}"
    );

    let (mut socket, mut seen) = run(&app, &operator, &session, "echo hel''lo\n", "hello").await;

    let resized = app
        .graphql(
            Some(&operator),
            "mutation($input: ResizeShellInput!) { resizeShell(input: $input) { cols rows } }",
            json!({ "input": { "sessionId": session, "cols": 100, "rows": 30 } }),
        )
        .await;
    assert_eq!(
        resized["data"]["resizeShell"],
        json!({ "cols": 100, "rows": 30 }),
        "{resized}"
    );
    type_in(&app, &operator, &session, "busybox stty size\n").await;
    read_until(&mut socket, &mut seen, "30 100").await;
    assert_eq!(
        shells_in(&dockerd, "web").await,
        1,
        "the shell runs in the container"
    );

    // The websocket goes away without a word: the session and its process end.
    drop(socket);
    eventually(
        "the shell to end with its websocket",
        Duration::from_secs(15),
        || async { (shells_in(&dockerd, "web").await == 0).then_some(()) },
    )
    .await;
    let gone = app
        .graphql(
            Some(&operator),
            INPUT,
            json!({ "input": { "sessionId": session, "data": "x" } }),
        )
        .await;
    assert_eq!(error_code(&gone), "NOT_FOUND", "{gone}");

    // Closing a session ends it too, and its reader is told why.
    let second = start(&app, &operator, &server, "web").await;
    let second = second["data"]["startContainerShell"]["id"]
        .as_str()
        .expect("a session")
        .to_string();
    let mut socket = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &operator,
        OUTPUT,
        json!({ "id": second }),
    )
    .await;
    eventually(
        "the second shell to run",
        Duration::from_secs(15),
        || async { (shells_in(&dockerd, "web").await == 1).then_some(()) },
    )
    .await;
    let closed = app
        .graphql(
            Some(&operator),
            CLOSE,
            json!({ "input": { "sessionId": second } }),
        )
        .await;
    assert!(closed["errors"].is_null(), "{closed}");
    let last = loop {
        let payload = ws::next_payload(&mut socket).await;
        if payload["data"]["shellOutput"]["ended"] == true {
            break payload["data"]["shellOutput"].clone();
        }
    };
    assert_eq!(last["reason"], "closed by operator", "{last}");
    eventually(
        "the closed shell's process to end",
        Duration::from_secs(15),
        || async { (shells_in(&dockerd, "web").await == 0).then_some(()) },
    )
    .await;

    let events = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 20, filter: { kinds: [CONTAINER_SHELL_OPENED, CONTAINER_SHELL_CLOSED] }) { nodes { kind summary actor { name } } } }",
            json!({}),
        )
        .await;
    let nodes = events["data"]["auditEvents"]["nodes"]
        .as_array()
        .expect("events")
        .clone();
    assert_eq!(nodes.len(), 4, "{events}");
    assert!(
        nodes
            .iter()
            .all(|event| event["actor"]["name"] == "operator")
    );
    assert!(
        nodes.iter().any(|event| event["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("viewer left")),
        "{events}"
    );

    // Each user may have four shells open at once.
    let mut open = Vec::new();
    for _ in 0..4 {
        let body = start(&app, &operator, &server, "web").await;
        open.push(
            body["data"]["startContainerShell"]["id"]
                .as_str()
                .expect("a session")
                .to_string(),
        );
    }
    let fifth = start(&app, &operator, &server, "web").await;
    assert_eq!(error_code(&fifth), "CONFLICT", "{fifth}");
    for session in open {
        let closed = app
            .graphql(
                Some(&operator),
                CLOSE,
                json!({ "input": { "sessionId": session } }),
            )
            .await;
        assert!(closed["errors"].is_null(), "{closed}");
    }
    eventually(
        "the four shells to end",
        Duration::from_secs(15),
        || async { (shells_in(&dockerd, "web").await == 0).then_some(()) },
    )
    .await;

    // Through an agent: the agent carries the exec's connection, and hangs up the
    // process when the session ends.
    let agent = Agent::start(&dockerd.host).await;
    let remote = add_server(&app, &admin, "remote", &agent.endpoint, Some(&agent.token)).await;
    wait_for_reachability(&app, &admin, &remote, "REACHABLE").await;
    let started = start(&app, &operator, &remote, "web").await;
    let session = started["data"]["startContainerShell"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a shell through the agent: {started}"))
        .to_string();
    let (socket, _) = run(
        &app,
        &operator,
        &session,
        "echo via-''agent $((2+3))\n",
        "via-agent 5",
    )
    .await;
    assert_eq!(shells_in(&dockerd, "web").await, 1);
    drop(socket);
    eventually(
        "the agent's shell to end with its websocket",
        Duration::from_secs(15),
        || async { (shells_in(&dockerd, "web").await == 0).then_some(()) },
    )
    .await;
}

//! Remote servers through real `monitor agent` processes: the engine and commands work
//! through the agent; a wrong token is refused; a killed or frozen agent fails only its
//! own server, quickly, while the others answer.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::containers::{UNTIL_STOPPED, run_container};
use crate::dockerd::{Agent, Dockerd};
use crate::helpers::{TestApp, error_code};
use crate::operations::{finished, run_command, whole_output};
use crate::servers::{add_server, fast_checks, health, wait_for_reachability};
use crate::ws::{self, TRANSPORT_WS};

#[tokio::test]
async fn an_agent_gives_monitor_its_hosts_engine_logs_and_commands() {
    let dockerd = Dockerd::start().await;
    let agent = Agent::start(&dockerd.host).await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "remote", &agent.endpoint, Some(&agent.token)).await;
    let state = wait_for_reachability(&app, &admin, &server, "REACHABLE").await;
    assert_eq!(state["dockerApiVersion"], "1.41");
    assert!(
        state["host"]["cpus"].as_u64().is_some_and(|cpus| cpus >= 1),
        "{state}"
    );

    run_container(
        &app,
        &admin,
        &server,
        "via-agent",
        &[
            "sh",
            "-c",
            "echo hello from the agent; trap 'exit 0' TERM; while true; do sleep 1; done",
        ],
    )
    .await;
    let listed = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { containers(serverId: $s) { name status } }",
            json!({ "s": server }),
        )
        .await;
    assert_eq!(
        listed["data"]["containers"],
        json!([{ "name": "via-agent", "status": "RUNNING" }])
    );
    let mut logs = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription($s: ID!) { containerLogs(serverId: $s, containerId: \"via-agent\") { text } }",
        json!({ "s": server }),
    )
    .await;
    assert_eq!(
        ws::next_payload(&mut logs).await["data"]["containerLogs"]["text"],
        "hello from the agent"
    );

    let id = run_command(
        &app,
        &admin,
        &server,
        "echo on the agent host, engine $DOCKER_HOST; echo to stderr >&2",
    )
    .await;
    let output = whole_output(&app, &admin, &id).await;
    let texts: Vec<&str> = output
        .iter()
        .filter_map(|line| line["text"].as_str())
        .collect();
    assert_eq!(texts.len(), 2, "{output:?}");
    // The command runs on the agent's host, for the engine that agent serves.
    let on_host = format!("on the agent host, engine {}", dockerd.host);
    assert!(
        texts.contains(&on_host.as_str()) && texts.contains(&"to stderr"),
        "{texts:?}"
    );
    assert_eq!(finished(&app, &admin, &id).await["status"], "SUCCEEDED");
}

#[tokio::test]
async fn a_wrong_agent_token_is_refused() {
    let dockerd = Dockerd::start().await;
    let agent = Agent::start(&dockerd.host).await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let server = add_server(
        &app,
        &admin,
        "remote",
        &agent.endpoint,
        Some("not-the-agents-token"),
    )
    .await;
    let state = wait_for_reachability(&app, &admin, &server, "UNREACHABLE").await;
    assert!(
        state["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("401")),
        "{state}"
    );
    let listed = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { containers(serverId: $s) { name } }",
            json!({ "s": server }),
        )
        .await;
    assert_eq!(error_code(&listed), "UNAVAILABLE", "{listed}");
    // Nothing reached the engine.
    let (_, containers) = dockerd.docker(&["ps", "-aq"]).await;
    assert_eq!(containers, "");
}

#[tokio::test]
async fn a_killed_or_frozen_agent_never_blocks_the_other_servers() {
    let local = Dockerd::start().await;
    let remote = Dockerd::start().await;
    let mut agent = Agent::start(&remote.host).await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let healthy = add_server(&app, &admin, "a-local", &local.host, None).await;
    let flaky = add_server(
        &app,
        &admin,
        "b-remote",
        &agent.endpoint,
        Some(&agent.token),
    )
    .await;
    wait_for_reachability(&app, &admin, &healthy, "REACHABLE").await;
    wait_for_reachability(&app, &admin, &flaky, "REACHABLE").await;
    run_container(&app, &admin, &healthy, "keeps-going", &UNTIL_STOPPED).await;

    // Frozen (SIGSTOP): the connection stays open but nothing answers.
    agent.signal("STOP").await;
    let every = "{ containers { name } }";
    let started = Instant::now();
    let body = app.graphql(Some(&admin), every, json!({})).await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "a frozen agent held the query for {:?}",
        started.elapsed()
    );
    assert_eq!(
        body["data"]["containers"],
        json!([{ "name": "keeps-going" }]),
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAVAILABLE");
    assert_eq!(body["errors"][0]["extensions"]["serverId"], flaky);
    let state = wait_for_reachability(&app, &admin, &flaky, "UNREACHABLE").await;
    assert!(state["lastError"].is_string());
    let fast = Instant::now();
    let one = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { containers(serverId: $s) { name } }",
            json!({ "s": healthy }),
        )
        .await;
    assert_eq!(one["data"]["containers"][0]["name"], "keeps-going");
    assert!(
        fast.elapsed() < Duration::from_secs(2),
        "the healthy server answered in {:?}",
        fast.elapsed()
    );

    // Thawed, it comes back by itself; killed, it is down again.
    agent.signal("CONT").await;
    wait_for_reachability(&app, &admin, &flaky, "REACHABLE").await;
    agent.kill().await;
    wait_for_reachability(&app, &admin, &flaky, "UNREACHABLE").await;
    let (overall, components) = health(&app).await;
    assert_eq!(components["docker:b-remote"], "DOWN");
    assert_eq!(components["docker:a-local"], "UP");
    assert_eq!(overall, "DEGRADED");
}

#[tokio::test]
async fn an_agent_over_tls_is_reached_when_its_certificate_is_trusted() {
    let dockerd = Dockerd::start().await;
    let (agent, certificate) = Agent::start_tls(&dockerd.host).await;
    assert!(agent.endpoint.starts_with("agent+https://localhost:"));
    let mut env = fast_checks();
    env.push((
        "MONITOR_AGENT_CA_FILE".into(),
        certificate.display().to_string(),
    ));
    let app = TestApp::spawn_with_env(env).await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "tls", &agent.endpoint, Some(&agent.token)).await;
    let state = wait_for_reachability(&app, &admin, &server, "REACHABLE").await;
    assert_eq!(state["dockerApiVersion"], "1.41");

    // Without the certificate trusted, the same agent is refused by monitor.
    let untrusting = TestApp::spawn_with_env(fast_checks()).await;
    let admin = untrusting.admin_token().await;
    let server = add_server(
        &untrusting,
        &admin,
        "tls",
        &agent.endpoint,
        Some(&agent.token),
    )
    .await;
    let state = wait_for_reachability(&untrusting, &admin, &server, "UNREACHABLE").await;
    assert!(state["lastError"].is_string(), "{state}");
}

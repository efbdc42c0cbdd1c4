//! What a container's page shows from a real engine: live stats (samples arrive and
//! change, and the stream ends when the container stops) and its environment, secrets
//! masked unless an OPERATOR reveals them.

use serde_json::json;

use crate::containers::{RUN, UNTIL_STOPPED, app_with_engine, run_container};
use crate::dockerd::IMAGE;
use crate::helpers::error_code;
use crate::ws::{self, TRANSPORT_WS};

#[tokio::test]
async fn stats_arrive_change_and_end_when_the_container_stops() {
    let (app, admin, _dockerd, server) = app_with_engine().await;
    // Busy for a moment, then idle: CPU use is seen to change.
    let busy = [
        "sh",
        "-c",
        "trap 'exit 0' TERM; yes > /dev/null & sleep 3; kill $!; while true; do sleep 1; done",
    ];
    let container = run_container(&app, &admin, &server, "busy", &busy).await;
    let id = container["id"].as_str().expect("an id");
    let mut socket = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription($s: ID!, $c: ID!) { containerStats(serverId: $s, containerId: $c) { containerId readAt cpuPercent memoryUsedBytes memoryLimitBytes pids networkReceivedBytes } }",
        json!({ "s": server, "c": id }),
    )
    .await;

    let mut samples = Vec::new();
    while samples.len() < 4 {
        let payload = ws::next_payload(&mut socket).await;
        assert!(payload["errors"].is_null(), "{payload}");
        samples.push(payload["data"]["containerStats"].clone());
    }
    assert!(samples.iter().all(|sample| sample["containerId"] == id));
    assert!(
        samples
            .iter()
            .all(|s| s["memoryUsedBytes"].as_f64().is_some_and(|m| m > 0.0)),
        "{samples:?}"
    );
    assert!(
        samples
            .iter()
            .all(|s| s["pids"].as_i64().is_some_and(|p| p >= 1)),
        "{samples:?}"
    );
    // On the host's network a container has no interfaces of its own.
    assert!(samples[0]["networkReceivedBytes"].is_null());
    let times: std::collections::BTreeSet<&str> = samples
        .iter()
        .map(|s| s["readAt"].as_str().expect("readAt"))
        .collect();
    assert_eq!(
        times.len(),
        samples.len(),
        "each sample is a new reading: {samples:?}"
    );
    let cpu: Vec<f64> = samples
        .iter()
        .filter_map(|s| s["cpuPercent"].as_f64())
        .collect();
    assert!(
        cpu.iter().any(|c| *c > 10.0),
        "the busy loop shows: {cpu:?}"
    );

    // A second viewer joins the same engine stream: it reads the very samples the
    // first one reads (the engine's own read times, to the nanosecond).
    let mut second = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription($s: ID!, $c: ID!) { containerStats(serverId: $s, containerId: $c) { readAt } }",
        json!({ "s": server, "c": id }),
    )
    .await;
    let joined = ws::next_payload(&mut second).await["data"]["containerStats"]["readAt"].clone();
    loop {
        let sample = ws::next_payload(&mut socket).await;
        if sample["data"]["containerStats"]["readAt"] == joined {
            break;
        }
    }
    drop(second);

    let stopped = app
        .graphql(
            Some(&admin),
            "mutation($input: ContainerInput!) { stopContainer(input: $input) { status } }",
            json!({ "input": { "serverId": server, "id": id } }),
        )
        .await;
    assert_eq!(
        stopped["data"]["stopContainer"]["status"], "EXITED",
        "{stopped}"
    );
    loop {
        let message = ws::next_json(&mut socket).await;
        if message["type"] == "complete" {
            break;
        }
        assert_eq!(message["type"], "next", "{message}");
    }

    let mut again = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription($s: ID!, $c: ID!) { containerStats(serverId: $s, containerId: $c) { cpuPercent } }",
        json!({ "s": server, "c": id }),
    )
    .await;
    let message = ws::next_json(&mut again).await;
    assert_eq!(
        message["type"], "complete",
        "a stopped container has no stats: {message}"
    );
}

#[tokio::test]
async fn secret_looking_environment_values_are_masked_unless_an_operator_reveals_them() {
    let (app, admin, _dockerd, server) = app_with_engine().await;
    let viewer = app.user_with_role(&admin, "viewer", "VIEWER").await;
    let ran = app
        .graphql(
            Some(&admin),
            RUN,
            json!({ "input": {
                "serverId": server, "name": "api", "image": IMAGE, "command": UNTIL_STOPPED,
                "network": "host", "env": ["MODE=live", "DB_PASSWORD=hunter2"]
            } }),
        )
        .await;
    assert!(ran["errors"].is_null(), "{ran}");
    let inspect = "query($s: ID!, $reveal: Boolean!) { container(serverId: $s, id: \"api\") { env(reveal: $reveal) environment(reveal: $reveal) { name value secret masked } healthChecks { exitCode } entrypoint } }";

    let masked = app
        .graphql(
            Some(&viewer),
            inspect,
            json!({ "s": server, "reveal": false }),
        )
        .await;
    let container = &masked["data"]["container"];
    let env = container["env"].as_array().expect("env");
    assert!(env.contains(&json!("MODE=live")), "{masked}");
    assert!(env.contains(&json!("DB_PASSWORD=••••••")), "{masked}");
    assert!(!masked.to_string().contains("hunter2"), "{masked}");
    let password = container["environment"]
        .as_array()
        .expect("environment")
        .iter()
        .find(|variable| variable["name"] == "DB_PASSWORD")
        .expect("DB_PASSWORD")
        .clone();
    assert_eq!(
        password,
        json!({ "name": "DB_PASSWORD", "value": "••••••", "secret": true, "masked": true })
    );
    assert_eq!(container["healthChecks"], json!([]));

    let refused = app
        .graphql(
            Some(&viewer),
            inspect,
            json!({ "s": server, "reveal": true }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    let revealed = app
        .graphql(
            Some(&admin),
            inspect,
            json!({ "s": server, "reveal": true }),
        )
        .await;
    assert!(
        revealed["data"]["container"]["env"]
            .as_array()
            .expect("env")
            .contains(&json!("DB_PASSWORD=hunter2")),
        "{revealed}"
    );
}

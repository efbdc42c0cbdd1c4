//! Containers on a real engine: run, list, inspect, stop, start, restart, remove; their
//! events over a websocket; health shown as health; input checked before the engine.

use serde_json::{Value, json};

use crate::dockerd::{Dockerd, IMAGE};
use crate::helpers::{TestApp, error_code};
use crate::servers::{add_server, fast_checks, wait_for_reachability};
use crate::ws::{self, TRANSPORT_WS};

pub const RUN: &str = "mutation($input: RunContainerInput!) { runContainer(input: $input) { id name image status exitCode labels { key value } restartPolicy networkMode } }";
/// A container command that runs until stopped and stops at once on SIGTERM (a bare
/// `sleep` as PID 1 ignores SIGTERM and would be killed only after the grace period).
pub const UNTIL_STOPPED: [&str; 3] = [
    "sh",
    "-c",
    "trap 'exit 0' TERM; while true; do sleep 1; done",
];

const LIST: &str = "query($server: ID, $filter: ContainerFilter) { containers(serverId: $server, filter: $filter) { id name status health image } }";

/// A monitor with one server on a fresh private engine; returns (app, admin token, engine, server id).
pub async fn app_with_engine() -> (TestApp, String, Dockerd, String) {
    let dockerd = Dockerd::start().await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "local", &dockerd.host, None).await;
    wait_for_reachability(&app, &admin, &server, "REACHABLE").await;
    (app, admin, dockerd, server)
}

pub async fn run_container(
    app: &TestApp,
    token: &str,
    server: &str,
    name: &str,
    command: &[&str],
) -> Value {
    let body = app
        .graphql(
            Some(token),
            RUN,
            json!({ "input": { "serverId": server, "name": name, "image": IMAGE, "command": command, "network": "host" } }),
        )
        .await;
    assert!(body["errors"].is_null(), "runContainer failed: {body}");
    body["data"]["runContainer"].clone()
}

pub async fn next_event_for(socket: &mut ws::Socket, container: &str, action: &str) -> Value {
    loop {
        let payload = ws::next_payload(socket).await;
        let event = &payload["data"]["containerEvents"];
        if event["containerId"] == container && event["action"] == action {
            return event.clone();
        }
    }
}

#[tokio::test]
async fn a_container_goes_through_its_whole_life_and_each_change_is_an_event() {
    let (app, admin, _dockerd, server) = app_with_engine().await;
    let mut events = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription($server: ID!) { containerEvents(serverId: $server) { containerId containerName action status exitCode } }",
        json!({ "server": server }),
    )
    .await;

    let body = app
        .graphql(
            Some(&admin),
            RUN,
            json!({ "input": {
                "serverId": server, "name": "web", "image": IMAGE, "command": UNTIL_STOPPED,
                "network": "host", "restartPolicy": "on-failure:3", "env": ["MODE=test"],
                "labels": [{ "key": "team", "value": "ops" }]
            } }),
        )
        .await;
    let container = &body["data"]["runContainer"];
    assert_eq!(container["status"], "RUNNING", "{body}");
    assert_eq!(container["restartPolicy"], "on-failure:3");
    assert_eq!(container["networkMode"], "host");
    assert_eq!(
        container["labels"],
        json!([{ "key": "team", "value": "ops" }])
    );
    let id = container["id"].as_str().expect("an id").to_string();
    let started = next_event_for(&mut events, &id, "start").await;
    assert_eq!(started["containerName"], "web");
    assert_eq!(started["status"], "RUNNING");

    let listed = app
        .graphql(
            Some(&admin),
            LIST,
            json!({ "server": server, "filter": { "label": "team=ops" } }),
        )
        .await;
    assert_eq!(listed["data"]["containers"][0]["name"], "web", "{listed}");
    let none = app
        .graphql(
            Some(&admin),
            LIST,
            json!({ "server": server, "filter": { "statuses": ["EXITED"] } }),
        )
        .await;
    assert_eq!(none["data"]["containers"], json!([]));

    let action = |name: &str| {
        format!(
            "mutation($input: ContainerInput!) {{ {name}(input: $input) {{ status exitCode }} }}"
        )
    };
    let input = json!({ "input": { "serverId": server, "id": "web" } });
    let stopped = app
        .graphql(Some(&admin), &action("stopContainer"), input.clone())
        .await;
    assert_eq!(
        stopped["data"]["stopContainer"]["status"], "EXITED",
        "{stopped}"
    );
    let died = next_event_for(&mut events, &id, "die").await;
    assert_eq!(died["status"], "EXITED");
    assert!(died["exitCode"].is_number());

    let started = app
        .graphql(Some(&admin), &action("startContainer"), input.clone())
        .await;
    assert_eq!(started["data"]["startContainer"]["status"], "RUNNING");
    let restarted = app
        .graphql(Some(&admin), &action("restartContainer"), input.clone())
        .await;
    assert_eq!(restarted["data"]["restartContainer"]["status"], "RUNNING");
    next_event_for(&mut events, &id, "restart").await;

    let inspected = app
        .graphql(Some(&admin), "query($s: ID!) { container(serverId: $s, id: \"web\") { name env command startedAt finishedAt } }", json!({ "s": server }))
        .await;
    let details = &inspected["data"]["container"];
    assert!(
        details["env"]
            .as_array()
            .expect("env")
            .contains(&json!("MODE=test"))
    );
    assert_eq!(details["command"], json!(UNTIL_STOPPED));
    assert!(details["startedAt"].is_string());

    let removed = app
        .graphql(
            Some(&admin),
            "mutation($input: ContainerInput!) { removeContainer(input: $input) }",
            input.clone(),
        )
        .await;
    assert_eq!(removed["data"]["removeContainer"], "web");
    let destroyed = next_event_for(&mut events, &id, "destroy").await;
    assert_eq!(destroyed["status"], "REMOVED");
    let gone = app
        .graphql(Some(&admin), &action("startContainer"), input)
        .await;
    assert_eq!(error_code(&gone), "NOT_FOUND", "{gone}");

    let audit = app
        .graphql(Some(&admin), "query($s: ID!) { auditEvents(first: 20, filter: { serverId: $s }) { nodes { kind subject { type name } } } }", json!({ "s": server }))
        .await;
    let kinds: Vec<&str> = audit["data"]["auditEvents"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    for kind in [
        "CONTAINER_CREATED",
        "CONTAINER_STOPPED",
        "CONTAINER_STARTED",
        "CONTAINER_RESTARTED",
        "CONTAINER_REMOVED",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
}

#[tokio::test]
async fn bad_container_input_names_the_field_runs_nothing_and_leaves_the_server_up() {
    let (app, admin, dockerd, server) = app_with_engine().await;
    let base = json!({ "serverId": server, "name": "web", "image": IMAGE, "network": "host" });
    let cases = [
        (
            json!({ "image": "Not An Image" }),
            json!(["input", "image"]),
        ),
        (json!({ "name": "x" }), json!(["input", "name"])),
        (
            json!({ "ports": ["8080:80", "8080:"] }),
            json!(["input", "ports", "1"]),
        ),
        (
            json!({ "ports": ["127.0.0.1:8080:80/icmp"] }),
            json!(["input", "ports", "0"]),
        ),
        (
            json!({ "volumes": ["relative/path:/data"] }),
            json!(["input", "volumes", "0"]),
        ),
        (
            json!({ "volumes": ["/srv:/data:rx"] }),
            json!(["input", "volumes", "0"]),
        ),
        (
            json!({ "restartPolicy": "sometimes" }),
            json!(["input", "restartPolicy"]),
        ),
        (
            json!({ "env": ["OK=1", "NOT A VAR"] }),
            json!(["input", "env", "1"]),
        ),
    ];
    for (change, field) in cases {
        let mut input = base.clone();
        for (key, value) in change.as_object().expect("an object") {
            input[key] = value.clone();
        }
        let body = app
            .graphql(Some(&admin), RUN, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{change}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{change}");
    }
    let (_, listed) = dockerd.docker(&["ps", "-aq"]).await;
    assert_eq!(listed, "", "no container was created");

    run_container(&app, &admin, &server, "web", &["sleep", "600"]).await;
    let taken = app
        .graphql(Some(&admin), RUN, json!({ "input": { "serverId": server, "name": "web", "image": IMAGE, "network": "host" } }))
        .await;
    assert_eq!(error_code(&taken), "CONFLICT", "{taken}");
    let viewer = app.user_with_role(&admin, "watcher", "VIEWER").await;
    let denied = app
        .graphql(
            Some(&viewer),
            "mutation($s: ID!) { stopContainer(input: { serverId: $s, id: \"web\" }) { status } }",
            json!({ "s": server }),
        )
        .await;
    assert_eq!(error_code(&denied), "FORBIDDEN");

    // References the engine would route elsewhere (its 301 for "" and ".", other
    // endpoints for paths and URLs) are refused before any call, for readers and
    // actions alike, and the server's engine stays UP.
    let huge = "a".repeat(1_000_000);
    for bad in [
        "",
        ".",
        "/etc/shadow",
        "http://127.0.0.1:1/x",
        huge.as_str(),
    ] {
        let read = app
            .graphql(
                Some(&viewer),
                "query($s: ID!, $id: ID!) { container(serverId: $s, id: $id) { id } }",
                json!({ "s": server, "id": bad }),
            )
            .await;
        assert_eq!(
            error_code(&read),
            "BAD_USER_INPUT",
            "{bad:.40}: {read:.300}"
        );
        assert_eq!(read["errors"][0]["extensions"]["field"], json!(["id"]));
        let act = app
            .graphql(
                Some(&admin),
                "mutation($s: ID!, $id: ID!) { restartContainer(input: { serverId: $s, id: $id }) { id } }",
                json!({ "s": server, "id": bad }),
            )
            .await;
        assert_eq!(error_code(&act), "BAD_USER_INPUT", "{bad:.40}: {act:.300}");
        assert_eq!(
            act["errors"][0]["extensions"]["field"],
            json!(["input", "id"])
        );
    }
    let mut logs = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &viewer,
        "subscription($s: ID!) { containerLogs(serverId: $s, containerId: \".\") { text } }",
        json!({ "s": server }),
    )
    .await;
    let refused = ws::next_json(&mut logs).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["field"],
        json!(["containerId"]),
        "{refused}"
    );
    let (_, components) = crate::servers::health(&app).await;
    assert_eq!(components["docker:local"], "UP", "{components:?}");
    let still_served = app
        .graphql(
            Some(&viewer),
            "query($s: ID!) { container(serverId: $s, id: \"web\") { name } }",
            json!({ "s": server }),
        )
        .await;
    assert_eq!(
        still_served["data"]["container"]["name"], "web",
        "{still_served}"
    );
}

#[tokio::test]
async fn a_failing_health_check_shows_as_unhealthy_not_running() {
    let (app, admin, dockerd, server) = app_with_engine().await;
    dockerd
        .run(&[
            "--name",
            "sick",
            "--health-cmd",
            "false",
            "--health-interval",
            "1s",
            "--health-retries",
            "1",
            IMAGE,
            "sleep",
            "600",
        ])
        .await;
    dockerd
        .run(&[
            "--name",
            "fine",
            "--health-cmd",
            "true",
            "--health-interval",
            "1s",
            IMAGE,
            "sleep",
            "600",
        ])
        .await;
    let containers = crate::dockerd::eventually(
        "health checks to settle",
        std::time::Duration::from_secs(30),
        || async {
            let body = app
                .graphql(Some(&admin), LIST, json!({ "server": server }))
                .await;
            let list = body["data"]["containers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let settled = list
                .iter()
                .all(|c| c["health"] == "HEALTHY" || c["health"] == "UNHEALTHY");
            (list.len() == 2 && settled).then_some(list)
        },
    )
    .await;
    let by_name = |name: &str| {
        containers
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .expect(name)
    };
    assert_eq!(by_name("sick")["status"], "UNHEALTHY");
    assert_eq!(by_name("fine")["status"], "RUNNING");
    assert_eq!(by_name("fine")["health"], "HEALTHY");
    let details = app
        .graphql(Some(&admin), "query($s: ID!) { container(serverId: $s, id: \"sick\") { status health failingStreak healthChecks { exitCode startedAt endedAt } } }", json!({ "s": server }))
        .await;
    assert_eq!(
        details["data"]["container"]["status"], "UNHEALTHY",
        "{details}"
    );
    let checks = details["data"]["container"]["healthChecks"]
        .as_array()
        .expect("the last checks");
    assert!(!checks.is_empty(), "{details}");
    assert!(
        checks
            .iter()
            .all(|check| check["exitCode"] == 1 && check["endedAt"].is_string()),
        "{details}"
    );
}

#[tokio::test]
async fn without_a_server_id_events_come_from_every_server() {
    let (app, admin, first_engine, first) = app_with_engine().await;
    let second_engine = Dockerd::start().await;
    let second = add_server(&app, &admin, "second", &second_engine.host, None).await;
    let mut events = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription { containerEvents { serverId containerId action } }",
        json!({}),
    )
    .await;
    let on_first = first_engine
        .run(&["--name", "one", IMAGE, "sleep", "60"])
        .await;
    let on_second = second_engine
        .run(&["--name", "two", IMAGE, "sleep", "60"])
        .await;
    let mut started = std::collections::HashMap::new();
    while started.len() < 2 {
        let payload = ws::next_payload(&mut events).await;
        let event = &payload["data"]["containerEvents"];
        if event["action"] == "start" {
            let container = event["containerId"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            started.insert(container, event["serverId"].clone());
        }
    }
    assert_eq!(started[&on_first], first.as_str());
    assert_eq!(started[&on_second], second.as_str());
}

//! A real dockerd stopped while monitor runs: monitor stays up, reports that server
//! DOWN with UNAVAILABLE errors while another server answers, and recovers by itself
//! when the engine is back.

use serde_json::json;

use crate::containers::{UNTIL_STOPPED, run_container};
use crate::dockerd::Dockerd;
use crate::helpers::{TestApp, error_code};
use crate::servers::{add_server, fast_checks, health, wait_for_reachability};

#[tokio::test]
async fn a_stopped_engine_is_reported_and_recovered_from_without_a_restart() {
    let mut failing = Dockerd::start().await;
    let steady = Dockerd::start().await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let down = add_server(&app, &admin, "failing", &failing.host, None).await;
    let up = add_server(&app, &admin, "steady", &steady.host, None).await;
    wait_for_reachability(&app, &admin, &down, "REACHABLE").await;
    wait_for_reachability(&app, &admin, &up, "REACHABLE").await;
    run_container(&app, &admin, &up, "steady-app", &UNTIL_STOPPED).await;

    failing.stop().await;
    let state = wait_for_reachability(&app, &admin, &down, "UNREACHABLE").await;
    assert!(state["lastError"].is_string(), "{state}");
    assert!(
        state["lastContactAt"].is_string(),
        "the last contact is kept"
    );

    let (overall, components) = health(&app).await;
    assert_eq!(components["docker:failing"], "DOWN");
    assert_eq!(overall, "DEGRADED", "monitor itself still works");
    let ready = app
        .http
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .expect("readyz answers");
    assert_eq!(
        ready.status(),
        200,
        "one server down does not make monitor unready"
    );

    let nested = app
        .graphql(
            Some(&admin),
            "{ servers { nodes { name containers { name } } } }",
            json!({}),
        )
        .await;
    let nodes = nested["data"]["servers"]["nodes"]
        .as_array()
        .expect("servers");
    assert_eq!(nodes[0]["name"], "failing");
    assert!(nodes[0]["containers"].is_null());
    assert_eq!(nodes[1]["containers"], json!([{ "name": "steady-app" }]));
    assert_eq!(error_code(&nested), "UNAVAILABLE");
    assert_eq!(
        nested["errors"][0]["path"],
        json!(["servers", "nodes", 0, "containers"])
    );
    let run = app
        .graphql(
            Some(&admin),
            crate::containers::RUN,
            json!({ "input": { "serverId": down, "name": "new", "image": crate::dockerd::IMAGE, "network": "host" } }),
        )
        .await;
    assert_eq!(error_code(&run), "UNAVAILABLE", "{run}");
    assert_eq!(run["errors"][0]["extensions"]["component"], "docker");

    failing.resume().await;
    wait_for_reachability(&app, &admin, &down, "REACHABLE").await;
    run_container(&app, &admin, &down, "after-recovery", &UNTIL_STOPPED).await;
    let listed = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { containers(serverId: $s) { name } }",
            json!({ "s": down }),
        )
        .await;
    assert_eq!(
        listed["data"]["containers"],
        json!([{ "name": "after-recovery" }])
    );
}

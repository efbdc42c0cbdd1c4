//! The dashboard benchmark: the page an operator keeps open, a list of stacks, each with
//! its server, its containers' states and its last operation.
//!
//! - Throughput: `BENCH_CLIENTS` clients send the dashboard query for 100 stacks back
//!   to back for `BENCH_SECONDS`, and the same clients send `{ __typename }` (a request
//!   that reads nothing) in the same run; the figure is the ratio of the two. The
//!   dashboard without its containers (listed from the engine) is timed too, and the
//!   page with only each stack's id and name (what executing 100 nodes costs).
//! - Store round trips: `monitor_store_round_trips_total` on `/metrics` before and
//!   after one dashboard query for 10 stacks and one for 100.
//!
//! Real parts only: a private dockerd running each stack's container, the real `monitor`
//! binary. Run: `cargo bench --bench dashboard`.

#[allow(dead_code)]
#[path = "../tests/api/dockerd.rs"]
mod dockerd;
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "support/load.rs"]
mod load;

use std::time::Duration;

use serde_json::json;

use dockerd::{Dockerd, IMAGE};
use helpers::TestApp;
use load::{compare, number};

const STACKS: usize = 100;
const DASHBOARD: &str = "query($first: Int) { stacks(first: $first) { nodes { id name server { name state { reachability } } containers { name status health } lastOperation { kind status finishedAt } } } }";
/// The dashboard without the containers, which come from the engine: what the store
/// and GraphQL cost alone.
const WITHOUT_CONTAINERS: &str = "query($first: Int) { stacks(first: $first) { nodes { id name server { name state { reachability } } lastOperation { kind status finishedAt } } } }";
/// The page alone, two fields a stack and no relation: what executing a page of 100
/// nodes costs, whatever they hold.
const NAMES_ONLY: &str = "query($first: Int) { stacks(first: $first) { nodes { id name } } }";

#[tokio::main]
async fn main() {
    let clients = number("BENCH_CLIENTS", 8);
    let seconds = number("BENCH_SECONDS", 10) as u64;
    let engine = Dockerd::start().await;
    let app =
        TestApp::spawn_with_env(vec![("MONITOR_REGISTRY__MANAGED".into(), "false".into())]).await;
    let admin = app.admin_token().await;
    let server = app
        .graphql(
            Some(&admin),
            "mutation($e: String!) { createServer(input: { name: \"bench\", endpoint: $e }) { id } }",
            json!({ "e": engine.host }),
        )
        .await["data"]["createServer"]["id"]
        .as_str()
        .expect("a server")
        .to_string();
    for n in 0..STACKS {
        let deploy = json!({ "image": IMAGE, "network": "host", "restartPolicy": "no",
                             "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] });
        app.create_and_deploy_stack(&admin, &server, &format!("stack-{n:03}"), deploy)
            .await;
    }
    app.every_operation_ended(&admin, Duration::from_secs(300))
        .await;
    let token = app.quiet_token(&admin, "dashboard").await;

    // Every stack answers with a running container before anything is measured.
    let body = app
        .graphql(Some(&token), DASHBOARD, json!({ "first": STACKS }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let nodes = body["data"]["stacks"]["nodes"].as_array().expect("stacks");
    assert_eq!(nodes.len(), STACKS);
    for stack in nodes {
        assert_eq!(stack["lastOperation"]["status"], "SUCCEEDED", "{stack}");
        assert_eq!(stack["containers"][0]["status"], "RUNNING", "{stack}");
    }

    println!("## Dashboard: {STACKS} stacks with server, containers and last operation\n");
    let ten = round_trips_of(&app, &token, 10).await;
    let hundred = round_trips_of(&app, &token, STACKS).await;
    println!("| stacks on the page | store round trips |");
    println!("|---|---|");
    println!("| 10 | {ten} |");
    println!("| {STACKS} | {hundred} |");
    println!();

    let shapes = [
        ("`{ __typename }` (baseline)", "{ __typename }", json!({})),
        (
            "dashboard, 100 stacks",
            DASHBOARD,
            json!({ "first": STACKS }),
        ),
        (
            "dashboard without containers, 100 stacks",
            WITHOUT_CONTAINERS,
            json!({ "first": STACKS }),
        ),
        (
            "stacks' id and name only, 100 stacks",
            NAMES_ONLY,
            json!({ "first": STACKS }),
        ),
    ];
    compare(&app.address, &token, &shapes, clients, seconds).await;
}

/// The store round trips one dashboard query for `first` stacks costs.
async fn round_trips_of(app: &TestApp, token: &str, first: usize) -> u64 {
    let before = app.store_round_trips().await;
    let body = app
        .graphql(Some(token), DASHBOARD, json!({ "first": first }))
        .await;
    let after = app.store_round_trips().await;
    assert!(body["errors"].is_null(), "{body}");
    after - before
}

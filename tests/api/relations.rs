//! Relation fields load through DataLoaders: a page costs the same store round trips
//! whatever its length, counted by `monitor_store_round_trips_total` on `/metrics`,
//! the first read (which fills what monitor keeps in memory) as well as the next.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::servers::add_server;

// Each loader reads once per level of the query, whatever the page's length.
const STACKS: &str = "query($first: Int) { stacks(first: $first) { nodes { name server { name } lastOperation { kind status server { name } stack { name } parent { id } } } } }";
const OPERATIONS: &str = "query($first: Int) { operations(first: $first) { nodes { kind server { name } stack { name } parent { id } } } }";

/// The round trips one page of `list` costs, and the page.
async fn page(
    app: &TestApp,
    token: &str,
    query: &str,
    list: &str,
    first: usize,
) -> (u64, Vec<Value>) {
    let before = app.store_round_trips().await;
    let body = app
        .graphql(Some(token), query, json!({ "first": first }))
        .await;
    let after = app.store_round_trips().await;
    assert!(body["errors"].is_null(), "{body}");
    let nodes = body["data"][list]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    (after - before, nodes)
}

#[tokio::test]
async fn a_page_of_a_hundred_stacks_costs_the_round_trips_of_a_page_of_ten() {
    let app =
        TestApp::spawn_with_env(vec![("MONITOR_REGISTRY__MANAGED".into(), "false".into())]).await;
    let admin = app.admin_token().await;
    // An engine nobody listens on: each deploy fails at once, and is still an operation.
    let server = add_server(&app, &admin, "nowhere", "tcp://127.0.0.1:9", None).await;
    for n in 0..100 {
        let deploy = json!({ "image": "127.0.0.1:5055/app:1", "network": "host" });
        app.create_and_deploy_stack(&admin, &server, &format!("stack-{n:03}"), deploy)
            .await;
    }
    app.every_operation_ended(&admin, std::time::Duration::from_secs(60))
        .await;
    let token = app.quiet_token(&admin, "pages").await;

    // The first read fills what monitor keeps in memory and has not read yet (the
    // stacks, the servers, the ended operations): at most one read of each, whatever
    // the page's length, with the token's.
    let (first, _) = page(&app, &token, STACKS, "stacks", 100).await;
    assert!(
        first <= 4,
        "the first page of 100 stacks cost {first} round trips"
    );
    let (ten, small) = page(&app, &token, STACKS, "stacks", 10).await;
    let (hundred, large) = page(&app, &token, STACKS, "stacks", 100).await;
    let (ten_operations, _) = page(&app, &token, OPERATIONS, "operations", 10).await;
    let (hundred_operations, operations) = page(&app, &token, OPERATIONS, "operations", 100).await;

    assert_eq!((small.len(), large.len()), (10, 100));
    for stack in &large {
        assert_eq!(stack["server"]["name"], "nowhere", "{stack}");
        let last = &stack["lastOperation"];
        assert_eq!(last["kind"], "DEPLOY", "{stack}");
        assert_eq!(last["status"], "FAILED", "{stack}");
        assert_eq!(last["server"]["name"], "nowhere", "{stack}");
        assert_eq!(last["stack"]["name"], stack["name"], "{stack}");
        assert!(last["parent"].is_null(), "{stack}");
    }
    assert_eq!(
        hundred, ten,
        "100 stacks cost {hundred} store round trips, 10 cost {ten}"
    );
    for operation in &operations {
        assert_eq!(operation["server"]["name"], "nowhere", "{operation}");
        assert!(operation["stack"]["name"].is_string(), "{operation}");
        assert!(operation["parent"].is_null(), "{operation}");
    }
    assert_eq!(
        hundred_operations, ten_operations,
        "100 operations cost {hundred_operations} store round trips, 10 cost {ten_operations}"
    );
}

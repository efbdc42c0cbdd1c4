//! The dashboard (stacks with their server, containers' states and last operation)
//! answers from the state monitor keeps, and that state follows the engine: changes
//! made behind monitor's back show once their event arrives, changes made through
//! monitor show at once, and an unreachable server says so instead of answering with
//! the containers it last saw.

use serde_json::{Value, json};

use crate::containers::{UNTIL_STOPPED, next_event_for};
use crate::dockerd::{Dockerd, IMAGE};
use crate::helpers::{TestApp, error_code};
use crate::servers::{add_server, fast_checks, wait_for_reachability};
use crate::ws::{self, TRANSPORT_WS};

const DASHBOARD: &str = "{ stacks { nodes { name server { state { reachability } } containers { id name status } lastOperation { kind status } } } }";

/// The dashboard's one stack.
async fn dashboard(app: &TestApp, token: &str) -> Value {
    let body = app.graphql(Some(token), DASHBOARD, json!({})).await;
    body["data"]["stacks"]["nodes"][0].clone()
}

#[tokio::test]
async fn the_dashboard_shows_container_changes_made_behind_monitors_back_and_through_it() {
    let mut engine = Dockerd::start().await;
    let mut env = fast_checks();
    env.push(("MONITOR_REGISTRY__MANAGED".into(), "false".into()));
    let app = TestApp::spawn_with_env(env).await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "local", &engine.host, None).await;
    wait_for_reachability(&app, &admin, &server, "REACHABLE").await;
    let deploy = json!({ "image": IMAGE, "network": "host", "restartPolicy": "no", "command": UNTIL_STOPPED });
    app.create_and_deploy_stack(&admin, &server, "web", deploy)
        .await;
    app.every_operation_ended(&admin, std::time::Duration::from_secs(60))
        .await;
    let mut events = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription($s: ID!) { containerEvents(serverId: $s) { containerId action } }",
        json!({ "s": server }),
    )
    .await;

    let running = dashboard(&app, &admin).await;
    assert_eq!(running["lastOperation"]["status"], "SUCCEEDED", "{running}");
    assert_eq!(running["containers"][0]["name"], "web", "{running}");
    assert_eq!(running["containers"][0]["status"], "RUNNING", "{running}");
    let id = running["containers"][0]["id"]
        .as_str()
        .expect("a container id")
        .to_string();

    let (stopped, _) = engine.docker(&["stop", "web"]).await;
    assert!(stopped, "docker stop web");
    next_event_for(&mut events, &id, "die").await;
    let after_stop = dashboard(&app, &admin).await;
    assert_eq!(
        after_stop["containers"][0]["status"], "EXITED",
        "{after_stop}"
    );

    let (started, _) = engine.docker(&["start", "web"]).await;
    assert!(started, "docker start web");
    next_event_for(&mut events, &id, "start").await;
    let after_start = dashboard(&app, &admin).await;
    assert_eq!(
        after_start["containers"][0]["status"], "RUNNING",
        "{after_start}"
    );

    // Through monitor, the next read shows the change without waiting for its event.
    let stop = app
        .graphql(
            Some(&admin),
            "mutation($i: ContainerInput!) { stopContainer(input: $i) { status } }",
            json!({ "i": { "serverId": server, "id": id } }),
        )
        .await;
    assert_eq!(stop["data"]["stopContainer"]["status"], "EXITED", "{stop}");
    let after_mutation = dashboard(&app, &admin).await;
    assert_eq!(
        after_mutation["containers"][0]["status"], "EXITED",
        "{after_mutation}"
    );

    engine.stop().await;
    wait_for_reachability(&app, &admin, &server, "UNREACHABLE").await;
    let body = app.graphql(Some(&admin), DASHBOARD, json!({})).await;
    let stack = &body["data"]["stacks"]["nodes"][0];
    assert!(stack["containers"].is_null(), "no old list: {body}");
    assert_eq!(stack["server"]["state"]["reachability"], "UNREACHABLE");
    assert_eq!(error_code(&body), "UNAVAILABLE", "{body}");
    assert_eq!(
        body["errors"][0]["path"],
        json!(["stacks", "nodes", 0, "containers"])
    );
}

const PAGE: &str = "{ stacks { nodes { id name server { name } lastOperation { id status } } } }";

/// The dashboard's stacks.
async fn page(app: &TestApp, token: &str) -> Vec<Value> {
    let body = app.graphql(Some(token), PAGE, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["stacks"]["nodes"]
        .as_array()
        .expect("a page of stacks")
        .clone()
}

/// One mutation's field, which must have answered without errors.
async fn change(app: &TestApp, token: &str, mutation: &str, input: Value, field: &str) -> Value {
    let body = app
        .graphql(Some(token), mutation, json!({ "input": input }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"][field].clone()
}

#[tokio::test]
async fn each_change_made_through_monitor_shows_on_the_dashboard_in_the_next_read() {
    let app =
        TestApp::spawn_with_env(vec![("MONITOR_REGISTRY__MANAGED".into(), "false".into())]).await;
    let admin = app.admin_token().await;
    // Nothing listens there: a deploy fails at once, with no engine to start.
    let server = add_server(&app, &admin, "far", "tcp://127.0.0.1:1", None).await;
    assert!(page(&app, &admin).await.is_empty());

    let created = change(
        &app,
        &admin,
        "mutation($input: CreateStackInput!) { createStack(input: $input) { id } }",
        json!({ "name": "api", "serverId": server, "deploy": { "image": IMAGE } }),
        "createStack",
    )
    .await;
    let stack = created["id"].as_str().expect("a stack id").to_string();
    let nodes = page(&app, &admin).await;
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    assert_eq!(nodes[0]["name"], "api");
    assert!(nodes[0]["lastOperation"].is_null(), "{nodes:?}");

    change(
        &app,
        &admin,
        "mutation($input: UpdateStackInput!) { updateStack(input: $input) { id } }",
        json!({ "id": stack, "name": "api-v2" }),
        "updateStack",
    )
    .await;
    assert_eq!(page(&app, &admin).await[0]["name"], "api-v2");

    change(
        &app,
        &admin,
        "mutation($input: UpdateServerInput!) { updateServer(input: $input) { id } }",
        json!({ "id": server, "name": "farther" }),
        "updateServer",
    )
    .await;
    assert_eq!(page(&app, &admin).await[0]["server"]["name"], "farther");

    let mut updates = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        "subscription { operationUpdated { id status } }",
        json!({}),
    )
    .await;
    let deploy = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deployStack(stackId: $id) { id } }",
            json!({ "id": stack }),
        )
        .await;
    let operation = deploy["data"]["deployStack"]["id"].clone();
    assert!(operation.is_string(), "{deploy}");
    loop {
        let update = ws::next_payload(&mut updates).await;
        let update = &update["data"]["operationUpdated"];
        if update["id"] == operation && update["status"] == "FAILED" {
            break;
        }
    }
    let last = &page(&app, &admin).await[0]["lastOperation"];
    assert_eq!(last["id"], operation, "{last}");
    assert_eq!(last["status"], "FAILED", "{last}");

    change(
        &app,
        &admin,
        "mutation($input: DeleteStackInput!) { deleteStack(input: $input) { id } }",
        json!({ "id": stack, "removeContainers": false }),
        "deleteStack",
    )
    .await;
    assert!(page(&app, &admin).await.is_empty());
}

#[tokio::test]
async fn a_page_asked_for_its_nodes_alone_still_gives_cursors_to_whoever_asks_for_them() {
    let app =
        TestApp::spawn_with_env(vec![("MONITOR_REGISTRY__MANAGED".into(), "false".into())]).await;
    let admin = app.admin_token().await;
    // An engine nobody listens on: the stacks are listed all the same.
    let server = add_server(&app, &admin, "nowhere", "tcp://127.0.0.1:9", None).await;
    for name in ["one", "two", "three"] {
        let deploy = json!({ "image": "127.0.0.1:5055/app:1", "network": "host" });
        app.create_and_deploy_stack(&admin, &server, name, deploy)
            .await;
    }
    let names = |page: &Value, path: &str| -> Vec<String> {
        page["data"]["stacks"][path]
            .as_array()
            .expect("a list")
            .iter()
            .map(|node| {
                let node = if path == "edges" { &node["node"] } else { node };
                node["name"].as_str().expect("a name").to_string()
            })
            .collect()
    };

    let nodes = app
        .graphql(Some(&admin), "{ stacks { nodes { name } } }", json!({}))
        .await;
    assert_eq!(names(&nodes, "nodes"), ["one", "two", "three"], "{nodes}");

    // The cursors, asked for through edges and through a fragment's pageInfo, walk on.
    let first = app
        .graphql(
            Some(&admin),
            "{ stacks(first: 2) { edges { cursor node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(names(&first, "edges"), ["one", "two"], "{first}");
    let after = &first["data"]["stacks"]["edges"][1]["cursor"];
    let second = app
        .graphql(
            Some(&admin),
            "query($after: String) { stacks(first: 2, after: $after) { nodes { name } ...More } } fragment More on StackConnection { pageInfo { hasNextPage endCursor } }",
            json!({ "after": after }),
        )
        .await;
    assert_eq!(names(&second, "nodes"), ["three"], "{second}");
    let info = &second["data"]["stacks"]["pageInfo"];
    assert_eq!(info["hasNextPage"], false, "{second}");
    let end = &info["endCursor"];
    assert!(end.as_str().is_some_and(|c| !c.is_empty()), "{second}");
    let beyond = app
        .graphql(
            Some(&admin),
            "query($after: String) { stacks(after: $after) { nodes { name } } }",
            json!({ "after": end }),
        )
        .await;
    assert!(names(&beyond, "nodes").is_empty(), "{beyond}");
}

/// Every field a stack's one-pass answer from memory knows, asked as the web client
/// asks (a fragment, `__typename`, an alias, an inline fragment).
const EVERY_FIELD_AT_HAND: &str = "fragment Row on Stack { __typename id name serverId commit \
    builtImage deployedImage createdAt updatedAt webhookPath \
    server { __typename id name endpoint hasAgentToken rootDirectory createdAt updatedAt \
      state { reachability dockerVersion dockerApiVersion operatingSystem lastContactAt \
        lastError checkedAt } } \
    containers { id serverId name image status health statusText command createdAt } \
    lastOperation { id kind status trigger target workingDirectory createdAt startedAt \
      finishedAt exitCode error outputLines serverId stackId measurementId appId parentId } \
    ... on Stack { alias: name name } }";

#[tokio::test]
async fn a_page_answered_from_memory_is_what_the_resolvers_answer_field_for_field() {
    let engine = Dockerd::start().await;
    // No server check during the test: each one renews the kept container lists (and
    // the engine's `Up 2 seconds`), which would send the next page to the engine.
    let app = TestApp::spawn_with_env(vec![
        ("MONITOR_REGISTRY__MANAGED".into(), "false".into()),
        ("MONITOR_SERVER_CHECK_SECONDS".into(), "3600".into()),
    ])
    .await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "local", &engine.host, None).await;
    wait_for_reachability(&app, &admin, &server, "REACHABLE").await;
    for name in ["web", "worker"] {
        let deploy = json!({ "image": IMAGE, "network": "host", "restartPolicy": "no", "command": UNTIL_STOPPED });
        app.create_and_deploy_stack(&admin, &server, name, deploy)
            .await;
    }
    app.every_operation_ended(&admin, std::time::Duration::from_secs(60))
        .await;
    // The first read fills what is kept (the container lists, the ended operations);
    // an engine event of the deploys still on its way sends the next read to the engine
    // again, so read until the page comes from memory (counted once, as one answer).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let before = app.metric("monitor_graphql_objects_at_hand_total").await;
        let warm = app.graphql(Some(&admin), DASHBOARD, json!({})).await;
        assert!(warm["errors"].is_null(), "{warm}");
        if app.metric("monitor_graphql_objects_at_hand_total").await - before == 1.0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no page came from memory: {warm}"
        );
    }

    // `availableActions` is not answered from memory: the page of `resolvers` goes
    // through the executor, which answers every field of its nodes and below them,
    // while each of its edges' nodes is still answered from memory on its own.
    let pages = format!(
        "{{ memory: stacks {{ __typename nodes {{ ...Row }} pageInfo {{ hasNextPage endCursor }} \
                             edges {{ cursor node {{ ...Row }} }} }} \
           resolvers: stacks {{ __typename nodes {{ ...Row availableActions }} \
                                pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ ...Row }} }} }} \
           included: stacks {{ nodes @include(if: true) {{ ...Row }} }} }} \
         {EVERY_FIELD_AT_HAND}"
    );
    let before = app.metric("monitor_graphql_objects_at_hand_total").await;
    let body = app.graphql(Some(&admin), &pages, json!({})).await;
    let after = app.metric("monitor_graphql_objects_at_hand_total").await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(
        after - before,
        4.0,
        "the pages of `memory` and `included` and the two edges' nodes of `resolvers` \
         were answered from memory"
    );
    let memory = &body["data"]["memory"];
    let mut resolvers = body["data"]["resolvers"].clone();
    for stack in resolvers["nodes"].as_array_mut().expect("stacks") {
        let actions = stack
            .as_object_mut()
            .and_then(|s| s.remove("availableActions"));
        assert!(actions.is_some_and(|a| a.is_array()), "{body}");
    }
    assert_eq!(memory, &resolvers, "{body}");
    assert_eq!(memory["nodes"], body["data"]["included"]["nodes"], "{body}");
    for (edge, node) in memory["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .zip(memory["nodes"].as_array().expect("nodes"))
    {
        assert_eq!(&edge["node"], node, "{body}");
    }
    assert_eq!(memory["__typename"], "StackConnection", "{body}");
    assert_eq!(memory["pageInfo"]["hasNextPage"], false, "{body}");
    assert_eq!(
        memory["pageInfo"]["endCursor"], memory["edges"][1]["cursor"],
        "{body}"
    );
    for stack in memory["nodes"].as_array().expect("stacks") {
        assert_eq!(stack["containers"][0]["status"], "RUNNING", "{stack}");
        assert_eq!(stack["lastOperation"]["status"], "SUCCEEDED", "{stack}");
        assert_eq!(
            stack["server"]["state"]["reachability"], "REACHABLE",
            "{stack}"
        );
        assert_eq!(stack["alias"], stack["name"], "{stack}");
    }
}

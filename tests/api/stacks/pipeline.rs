//! Pipelines and turns: a run cut short by a crash is marked interrupted at its step, and
//! actions on one stack wait for each other.

use serde_json::{Value, json};

use super::{
    Fixture, OPERATION, action, cloned_stack, create_id, dockerfile, fixture, stack_input, start,
    wait_for_line,
};
use crate::gitrepo::GitRepo;
use crate::operations::whole_output;

#[tokio::test]
async fn a_pipeline_cut_short_by_a_crash_is_marked_interrupted_with_its_step() {
    let Fixture {
        mut app,
        admin,
        server,
        dockerd: _dockerd,
        registry: _registry,
    } = fixture().await;
    let repo = GitRepo::create(&[("Dockerfile", &dockerfile("x"))]);
    let mut input = stack_input(&server, &repo);
    input["repo"]["scripts"] =
        json!([{ "name": "slow", "command": "echo slow-step-started; sleep 60" }]);
    input["pipeline"] = json!([{ "kind": "PULL" }, { "kind": "SCRIPT", "script": "slow" }]);
    let id = create_id(&app, &admin, input).await;
    let run = start(&app, &admin, "runPipeline", &id).await;
    // The script's own first line is the sign that the second step is running.
    let steps_of_run =
        "query($id: ID!) { operations(filter: { parentId: $id }) { edges { node { id kind } } } }";
    let script_step = crate::dockerd::eventually(
        "the script step to start",
        std::time::Duration::from_secs(20),
        || async {
            let body = app
                .graphql(Some(&admin), steps_of_run, json!({ "id": run }))
                .await;
            body["data"]["operations"]["edges"]
                .as_array()
                .and_then(|edges| edges.iter().find(|e| e["node"]["kind"] == "SCRIPT"))
                .and_then(|edge| edge["node"]["id"].as_str().map(str::to_string))
        },
    )
    .await;
    wait_for_line(&app, &admin, &script_step, "slow-step-started").await;
    let steps = "query($id: ID!) { operations(filter: { parentId: $id }) { edges { node { id status } } } }";
    app.kill().await;
    app.restart().await;
    let operation = app
        .graphql(Some(&admin), OPERATION, json!({ "id": run }))
        .await["data"]["operation"]
        .clone();
    assert_eq!(operation["status"], "INTERRUPTED", "{operation}");
    let body = app.graphql(Some(&admin), steps, json!({ "id": run })).await;
    let statuses: Vec<&str> = body["data"]["operations"]["edges"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|edge| edge["node"]["status"].as_str())
        .collect();
    assert!(statuses.contains(&"INTERRUPTED"), "{statuses:?}");
    assert!(
        statuses.contains(&"SUCCEEDED"),
        "the pull had finished: {statuses:?}"
    );
}

#[tokio::test]
async fn actions_on_one_stack_wait_their_turn() {
    let Fixture {
        app,
        admin,
        server,
        dockerd: _dockerd,
        registry: _registry,
    } = fixture().await;
    let gate = tempfile::tempdir().expect("a directory");
    let open = gate.path().join("open");
    let repo = GitRepo::create(&[("Dockerfile", &dockerfile("x"))]);
    let mut input = stack_input(&server, &repo);
    input["repo"]["scripts"] = json!([{
        "name": "gated",
        "command": format!("echo waiting; while [ ! -f {} ]; do sleep 0.05; done", open.display()),
    }]);
    input["pipeline"] = json!([]);
    let id = cloned_stack(&app, &admin, input).await;

    let first = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { runStackScript(stackId: $id, script: \"gated\") { id status } }",
            json!({ "id": id }),
        )
        .await["data"]["runStackScript"]
        .clone();
    assert_eq!(first["status"], "RUNNING", "{first}");
    let second = app
        .graphql(Some(&admin), &action("pullStackRepo"), json!({ "id": id }))
        .await["data"]["pullStackRepo"]
        .clone();
    assert_eq!(
        second["status"], "QUEUED",
        "it waits for the script: {second}"
    );
    std::fs::write(&open, "").expect("open the gate");
    let timing = "query($id: ID!) { operation(id: $id) { status startedAt finishedAt } }";
    let first_id = first["id"].as_str().expect("an id");
    let second_id = second["id"].as_str().expect("an id");
    whole_output(&app, &admin, second_id).await;
    let first = app
        .graphql(Some(&admin), timing, json!({ "id": first_id }))
        .await["data"]["operation"]
        .clone();
    let second = app
        .graphql(Some(&admin), timing, json!({ "id": second_id }))
        .await["data"]["operation"]
        .clone();
    assert_eq!(first["status"], "SUCCEEDED", "{first}");
    assert_eq!(second["status"], "SUCCEEDED", "{second}");
    let at = |value: &Value| {
        value
            .as_str()
            .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
            .expect("a time")
    };
    assert!(
        at(&second["startedAt"]) >= at(&first["finishedAt"]),
        "the pull started after the script ended: {first} {second}"
    );
}

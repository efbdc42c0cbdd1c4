//! Stacks end to end: real git repositories, the private dockerd, a real registry. A
//! module per capability; the helpers they (and `stacks_on_agents`) share are here.

mod build;
mod deploy;
mod input;
mod pipeline;
mod registry;
mod webhook;

use serde_json::{Value, json};

use crate::dockerd::{Dockerd, IMAGE};
use crate::gitrepo::GitRepo;
use crate::helpers::TestApp;
use crate::operations::whole_output;
use crate::registry::Registry;
use crate::servers::{add_server, fast_checks};

const CREATE: &str = "mutation($input: CreateStackInput!) { createStack(input: $input) { id name commit builtImage availableActions webhookPath webhookSecret } }";
pub const STACK: &str = "query($id: ID!) { stack(id: $id) { name commit builtImage deployedImage availableActions images { reference tag digest } containers { name image status labels { key value } } } }";
const OPERATION: &str =
    "query($id: ID!) { operation(id: $id) { status error kind stackId parentId trigger } }";

/// A Dockerfile whose RUN step prints `marker`, and whose container stops promptly on
/// SIGTERM, as a well-behaved service does.
pub fn dockerfile(marker: &str) -> String {
    format!(
        "FROM {IMAGE}\nRUN echo {marker}\nCMD [\"sh\", \"-c\", \"trap 'exit 0' TERM; echo started; while true; do sleep 1; done\"]\n"
    )
}

/// [`dockerfile`], also copying the whole build context to `/context` in the image, so
/// a test can see what was sent.
pub fn copying_dockerfile(marker: &str) -> String {
    format!("{}COPY . /context/\n", dockerfile(marker))
}

struct Fixture {
    app: TestApp,
    admin: String,
    server: String,
    dockerd: Dockerd,
    registry: Registry,
}

async fn fixture() -> Fixture {
    let dockerd = Dockerd::start().await;
    let registry = Registry::start().await;
    let mut env = fast_checks();
    env.push(("MONITOR_REGISTRY__URL".into(), registry.url.clone()));
    let app = TestApp::spawn_with_env(env).await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "local", &dockerd.host, None).await;
    Fixture {
        app,
        admin,
        server,
        dockerd,
        registry,
    }
}

fn stack_input(server: &str, repo: &GitRepo) -> Value {
    json!({
        "name": "web",
        "serverId": server,
        "repo": { "url": repo.url, "branch": "main", "scripts": [
            { "name": "greet", "command": "echo hello from $(pwd)" }
        ] },
        "build": { "networkMode": "none" },
        "deploy": { "network": "host", "restartPolicy": "no" },
        "pipeline": [ { "kind": "PULL" }, { "kind": "BUILD" }, { "kind": "PUSH" }, { "kind": "DEPLOY" } ],
    })
}

pub async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    let body = app
        .graphql(Some(token), CREATE, json!({ "input": input }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["createStack"].clone()
}

pub async fn create_id(app: &TestApp, token: &str, input: Value) -> String {
    create(app, token, input).await["id"]
        .as_str()
        .expect("an id")
        .to_string()
}

/// Creates a stack and clones its repository.
pub async fn cloned_stack(app: &TestApp, token: &str, input: Value) -> String {
    let id = create_id(app, token, input).await;
    let (clone, output) = act(app, token, &action("cloneStackRepo"), json!({ "id": id })).await;
    assert_eq!(clone["status"], "SUCCEEDED", "{clone} {output:?}");
    id
}

/// Runs a stack action and waits for its operation to end; returns (operation, output).
pub async fn act(
    app: &TestApp,
    token: &str,
    mutation: &str,
    variables: Value,
) -> (Value, Vec<String>) {
    let body = app.graphql(Some(token), mutation, variables).await;
    assert!(body["errors"].is_null(), "{body}");
    let id = body["data"]
        .as_object()
        .and_then(|fields| fields.values().next())
        .and_then(|operation| operation["id"].as_str())
        .expect("an operation id")
        .to_string();
    let output = whole_output(app, token, &id)
        .await
        .iter()
        .map(|line| line["text"].as_str().unwrap_or_default().to_string())
        .collect();
    let operation = app
        .graphql(Some(token), OPERATION, json!({ "id": id }))
        .await["data"]["operation"]
        .clone();
    (operation, output)
}

pub fn action(name: &str) -> String {
    format!("mutation($id: ID!) {{ {name}(stackId: $id) {{ id status }} }}")
}

/// Starts a stack action and returns its operation's id, without waiting for it.
async fn start(app: &TestApp, token: &str, mutation: &str, id: &str) -> String {
    let body = app
        .graphql(Some(token), &action(mutation), json!({ "id": id }))
        .await;
    body["data"][mutation]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{mutation} started: {body}"))
        .to_string()
}

/// Follows an operation's output until a line is `text`.
async fn wait_for_line(app: &TestApp, token: &str, operation: &str, text: &str) {
    wait_for_line_where(app, token, operation, |line| line.trim() == text).await;
}

/// Follows an operation's output until `wanted` accepts a line.
pub async fn wait_for_line_where(
    app: &TestApp,
    token: &str,
    operation: &str,
    wanted: impl Fn(&str) -> bool,
) {
    let mut socket = crate::ws::subscribe(
        &app.ws_url(),
        crate::ws::TRANSPORT_WS,
        token,
        "subscription($id: ID!) { operationOutput(operationId: $id) { text } }",
        json!({ "id": operation }),
    )
    .await;
    loop {
        let message = crate::ws::next_json(&mut socket).await;
        if message["type"] == "next"
            && crate::operations::batch(&message)
                .iter()
                .any(|line| line["text"].as_str().is_some_and(&wanted))
        {
            return;
        }
    }
}

pub async fn stack(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app.graphql(Some(token), STACK, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["stack"].clone()
}

/// A Dockerfile whose RUN step prints `long-step-started`, then runs for two minutes.
pub fn long_build_dockerfile() -> String {
    format!("FROM {IMAGE}\nRUN echo long-step-started && sleep 120\n")
}

/// Starts the stack's build of [`long_build_dockerfile`], cancels it once its RUN step
/// runs, and checks the engine stops it and no image is recorded.
pub async fn cancel_the_long_build(app: &TestApp, admin: &str, dockerd: &Dockerd, id: &str) {
    let build = start(app, admin, "buildStack", id).await;
    wait_for_line(app, admin, &build, "long-step-started").await;
    // The engine streams what the process writes before it lists the container as
    // running, so the listing may lag the line by a moment.
    crate::dockerd::eventually(
        "the RUN step to run in a container",
        std::time::Duration::from_secs(10),
        || async {
            let (ok, building) = dockerd.docker(&["ps", "--quiet"]).await;
            (ok && !building.is_empty()).then_some(())
        },
    )
    .await;
    let body = app
        .graphql(
            Some(admin),
            "mutation($id: ID!) { cancelOperation(input: { id: $id }) { status } }",
            json!({ "id": build }),
        )
        .await;
    assert_eq!(
        body["data"]["cancelOperation"]["status"], "CANCELLED",
        "{body}"
    );
    crate::dockerd::eventually(
        "the engine to stop the build's container",
        std::time::Duration::from_secs(20),
        || async {
            let (ok, running) = dockerd.docker(&["ps", "--quiet"]).await;
            (ok && running.is_empty()).then_some(())
        },
    )
    .await;
    assert!(stack(app, admin, id).await["builtImage"].is_null());
}

//! Stacks end to end: real git repositories, the private dockerd, a real registry:
//! input checks, clone → build (live output) → push → deploy, rollback, failures with
//! the daemon's own error, and pipelines run by signed git-push webhooks.

use serde_json::{Value, json};

use crate::dockerd::{Dockerd, IMAGE};
use crate::gitrepo::GitRepo;
use crate::helpers::{TestApp, error_code};
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

#[tokio::test]
async fn bad_stack_input_names_the_field_and_creates_nothing() {
    let Fixture {
        app,
        admin,
        server,
        dockerd: _dockerd,
        registry: _registry,
    } = fixture().await;
    let repo = GitRepo::create(&[("Dockerfile", &dockerfile("x"))]);
    let base = stack_input(&server, &repo);
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({ "name": "Web App" }), vec!["input", "name"]),
        (json!({ "serverId": "nope" }), vec!["input", "serverId"]),
        (
            json!({ "repo": { "url": "ftp://host/x" } }),
            vec!["input", "repo", "url"],
        ),
        (
            json!({ "repo": { "url": repo.url, "branch": "a..b" } }),
            vec!["input", "repo", "branch"],
        ),
        (
            json!({ "deploy": { "image": "Not An Image", "network": "host" } }),
            vec!["input", "deploy", "image"],
        ),
        (
            json!({ "deploy": { "ports": ["80", "http"], "network": "host" } }),
            vec!["input", "deploy", "ports", "1"],
        ),
        (
            json!({ "deploy": { "volumes": ["rel/path:/data"], "network": "host" } }),
            vec!["input", "deploy", "volumes", "0"],
        ),
        (
            json!({ "pipeline": [{ "kind": "PULL" }, { "kind": "SCRIPT", "script": "missing" }] }),
            vec!["input", "pipeline", "1", "script"],
        ),
        (
            json!({ "build": { "dockerfile": "../Dockerfile" } }),
            vec!["input", "build", "dockerfile"],
        ),
        (
            json!({ "repo": null, "pipeline": [] }),
            vec!["input", "build"],
        ),
    ];
    for (change, path) in cases {
        let mut input = base.clone();
        for (key, value) in change.as_object().expect("an object") {
            input[key] = value.clone();
        }
        let body = app
            .graphql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{change}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            json!(path),
            "{change}: {body}"
        );
    }
    // An unknown step kind is refused by the schema itself.
    let mut input = base.clone();
    input["pipeline"] = json!([{ "kind": "TELEPORT" }]);
    let body = app
        .graphql(Some(&admin), CREATE, json!({ "input": input }))
        .await;
    assert!(!body["errors"].is_null(), "{body}");

    let body = app
        .graphql(
            Some(&admin),
            "{ stacks { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["stacks"]["edges"], json!([]), "{body}");
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(filter: { kinds: [STACK_CREATED] }) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(audit["data"]["auditEvents"]["edges"], json!([]), "{audit}");

    // A viewer may look but not create.
    let viewer = app.user_with_role(&admin, "viewer", "VIEWER").await;
    let body = app
        .graphql(Some(&viewer), CREATE, json!({ "input": base }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn a_stack_goes_from_repo_to_a_running_container_through_the_registry() {
    let Fixture {
        app,
        admin,
        server,
        dockerd,
        registry,
    } = fixture().await;
    let repo = GitRepo::create(&[
        ("Dockerfile", &copying_dockerfile("building-step-one")),
        (".dockerignore", "secrets\n"),
        ("secrets/key", "do not send"),
    ]);
    let created = create(&app, &admin, stack_input(&server, &repo)).await;
    let id = created["id"].as_str().expect("an id").to_string();
    assert_eq!(
        created["availableActions"],
        json!(["CLONE", "RUN_SCRIPT", "BUILD", "RUN_PIPELINE"]),
        "nothing is checked out or built yet: {created}"
    );

    let (clone, output) = act(&app, &admin, &action("cloneStackRepo"), json!({ "id": id })).await;
    assert_eq!(clone["status"], "SUCCEEDED", "{clone} {output:?}");
    assert_eq!(clone["kind"], "CLONE");
    assert_eq!(clone["stackId"], id.as_str());
    let head = repo.commit(&[("README", "second")], "second commit");
    let (pull, _) = act(&app, &admin, &action("pullStackRepo"), json!({ "id": id })).await;
    assert_eq!(pull["status"], "SUCCEEDED", "{pull}");
    assert_eq!(stack(&app, &admin, &id).await["commit"], head.as_str());

    let (script, output) = act(
        &app,
        &admin,
        "mutation($id: ID!) { runStackScript(stackId: $id, script: \"greet\") { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(script["status"], "SUCCEEDED", "{script}");
    assert!(
        output.iter().any(|line| line.starts_with("hello from /")),
        "{output:?}"
    );

    let (build, output) = act(&app, &admin, &action("buildStack"), json!({ "id": id })).await;
    assert_eq!(build["status"], "SUCCEEDED", "{build} {output:?}");
    assert!(
        output.iter().any(|line| line.trim() == "building-step-one"),
        "the RUN step's own output is streamed: {output:?}"
    );
    let built = stack(&app, &admin, &id).await;
    let repository = format!("{}/web", registry.url.trim_start_matches("http://"));
    let tagged = format!("{repository}:{}", &head[..12]);
    assert_eq!(built["builtImage"], tagged.as_str(), "{built}");
    let (ok, files) = dockerd
        .docker(&[
            "run",
            "--rm",
            "--network",
            "none",
            &tagged,
            "ls",
            "/context",
        ])
        .await;
    assert!(ok, "the built image runs");
    assert!(
        files.contains("Dockerfile") && !files.contains("secrets"),
        "the context was sent without the .dockerignore'd directory: {files}"
    );

    let (push, output) = act(&app, &admin, &action("pushStackImage"), json!({ "id": id })).await;
    assert_eq!(push["status"], "SUCCEEDED", "{push} {output:?}");
    let images = stack(&app, &admin, &id).await["images"].clone();
    let tags: Vec<&str> = images
        .as_array()
        .expect("images")
        .iter()
        .filter_map(|image| image["tag"].as_str())
        .collect();
    assert_eq!(tags, vec![&head[..12], "latest"], "{images}");
    assert!(
        images[0]["digest"]
            .as_str()
            .is_some_and(|digest| digest.starts_with("sha256:")),
        "{images}"
    );

    let (deploy, output) = act(&app, &admin, &action("deployStack"), json!({ "id": id })).await;
    assert_eq!(deploy["status"], "SUCCEEDED", "{deploy} {output:?}");
    let deployed = stack(&app, &admin, &id).await;
    assert_eq!(deployed["deployedImage"], tagged.as_str());
    let containers = deployed["containers"].as_array().expect("containers");
    assert_eq!(containers.len(), 1, "{deployed}");
    assert_eq!(containers[0]["name"], "web");
    assert_eq!(containers[0]["status"], "RUNNING");
    assert_eq!(
        deployed["availableActions"],
        json!([
            "CLONE",
            "PULL",
            "RUN_SCRIPT",
            "BUILD",
            "PUSH",
            "DEPLOY",
            "ROLLBACK",
            "RUN_PIPELINE"
        ])
    );

    // A second commit, built and deployed, replaces the container; rolling back runs
    // the first image again, still as the only container of the stack.
    let second = repo.commit(&[("Dockerfile", &dockerfile("building-step-two"))], "v2");
    for step in [
        "pullStackRepo",
        "buildStack",
        "pushStackImage",
        "deployStack",
    ] {
        let (operation, output) = act(&app, &admin, &action(step), json!({ "id": id })).await;
        assert_eq!(
            operation["status"], "SUCCEEDED",
            "{step}: {operation} {output:?}"
        );
    }
    let redeployed = stack(&app, &admin, &id).await;
    let second_image = format!("{repository}:{}", &second[..12]);
    assert_eq!(redeployed["containers"][0]["image"], second_image.as_str());
    assert_eq!(redeployed["containers"].as_array().map(Vec::len), Some(1));
    let (rollback, output) = act(
        &app,
        &admin,
        "mutation($id: ID!, $image: String!) { rollbackStack(stackId: $id, image: $image) { id } }",
        json!({ "id": id, "image": tagged }),
    )
    .await;
    assert_eq!(rollback["status"], "SUCCEEDED", "{rollback} {output:?}");
    let rolled_back = stack(&app, &admin, &id).await;
    assert_eq!(rolled_back["containers"][0]["image"], tagged.as_str());
    assert_eq!(rolled_back["containers"].as_array().map(Vec::len), Some(1));

    let audit = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditEvents(filter: { stackId: $id }, orderBy: { field: OCCURRED_AT, direction: ASC }) { edges { node { kind actor { name } } } } }",
            json!({ "id": id }),
        )
        .await;
    let kinds: Vec<&str> = audit["data"]["auditEvents"]["edges"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|edge| edge["node"]["kind"].as_str())
        .collect();
    for kind in [
        "STACK_CREATED",
        "STACK_CLONE_STARTED",
        "STACK_PULL_STARTED",
        "STACK_SCRIPT_STARTED",
        "STACK_BUILD_STARTED",
        "STACK_PUSH_STARTED",
        "STACK_DEPLOY_STARTED",
        "STACK_ROLLBACK_STARTED",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn a_failing_build_fails_with_the_daemons_error_and_a_dead_remote_or_registry_says_why() {
    let Fixture {
        app,
        admin,
        server,
        mut registry,
        dockerd: _dockerd,
    } = fixture().await;
    let repo = GitRepo::create(&[(
        "Dockerfile",
        &format!("FROM {IMAGE}\nRUN echo before-the-failure && false\n"),
    )]);
    let id = cloned_stack(&app, &admin, stack_input(&server, &repo)).await;
    let (build, output) = act(&app, &admin, &action("buildStack"), json!({ "id": id })).await;
    assert_eq!(build["status"], "FAILED", "{build}");
    assert!(
        build["error"]
            .as_str()
            .is_some_and(|error| error.contains("returned a non-zero code: 1")),
        "the daemon's error line: {build}"
    );
    assert!(
        output
            .iter()
            .any(|line| line.trim() == "before-the-failure"),
        "{output:?}"
    );
    assert!(stack(&app, &admin, &id).await["builtImage"].is_null());

    // A fixed Dockerfile builds; with the registry gone, the push fails with the cause.
    repo.commit(&[("Dockerfile", &dockerfile("fixed"))], "fix");
    for step in ["pullStackRepo", "buildStack"] {
        let (operation, _) = act(&app, &admin, &action(step), json!({ "id": id })).await;
        assert_eq!(operation["status"], "SUCCEEDED", "{step}: {operation}");
    }
    registry.stop().await;
    let (push, _) = act(&app, &admin, &action("pushStackImage"), json!({ "id": id })).await;
    assert_eq!(push["status"], "FAILED", "{push}");
    assert!(
        push["error"]
            .as_str()
            .is_some_and(|e| e.contains("push failed")),
        "{push}"
    );
    let body = app.graphql(Some(&admin), STACK, json!({ "id": id })).await;
    assert_eq!(
        error_code(&body),
        "UNAVAILABLE",
        "the image list says the registry is down: {body}"
    );

    // A remote that does not exist fails the clone with git's own words.
    let body = app
        .graphql(
            Some(&admin),
            "mutation($input: UpdateStackInput!) { updateStack(input: $input) { id } }",
            json!({ "input": { "id": id, "repo": { "url": "file:///nonexistent/repo.git" } } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let (clone, output) = act(&app, &admin, &action("cloneStackRepo"), json!({ "id": id })).await;
    assert_eq!(clone["status"], "FAILED", "{clone}");
    assert!(
        output.iter().any(
            |line| line.contains("does not appear to be a git repository")
                || line.contains("not found")
        ),
        "{output:?}"
    );
}

fn github_signature(secret: &str, body: &[u8]) -> String {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts a webhook as GitHub does; returns the status and the JSON answer.
async fn deliver(
    app: &TestApp,
    path: &str,
    event: &str,
    delivery: &str,
    body: &str,
    signature: Option<String>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", app.address))
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .body(body.to_string());
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let response = request.send().await.expect("monitor answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn pipeline_runs(app: &TestApp, token: &str, stack: &str) -> Vec<Value> {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!) { operations(filter: { stackId: $id, kinds: [PIPELINE] }) { edges { node { id status } } } }",
            json!({ "id": stack }),
        )
        .await;
    body["data"]["operations"]["edges"]
        .as_array()
        .expect("operations")
        .clone()
}

#[tokio::test]
async fn a_signed_git_push_runs_the_pipeline_and_anything_else_runs_nothing() {
    let Fixture {
        app,
        admin,
        server,
        dockerd: _dockerd,
        registry: _registry,
    } = fixture().await;
    let repo = GitRepo::create(&[("Dockerfile", &dockerfile("from-a-push"))]);
    let created = create(&app, &admin, stack_input(&server, &repo)).await;
    let id = created["id"].as_str().expect("an id").to_string();
    let path = created["webhookPath"].as_str().expect("a path").to_string();
    let secret = created["webhookSecret"]
        .as_str()
        .expect("a secret")
        .to_string();
    let head = repo.commit(&[("README", "pushed")], "a push");
    let push = json!({ "ref": "refs/heads/main", "after": head }).to_string();
    let sign = |body: &str| Some(github_signature(&secret, body.as_bytes()));

    let (status, _) = deliver(&app, &path, "push", "d-1", &push, None).await;
    assert_eq!(status, 401, "an unsigned push is refused");
    let forged = Some(github_signature("not-the-secret", push.as_bytes()));
    let (status, _) = deliver(&app, &path, "push", "d-2", &push, forged).await;
    assert_eq!(status, 401, "a push signed with another secret is refused");
    let tampered = push.replace("main", "mainx");
    let (status, _) = deliver(&app, &path, "push", "d-3", &tampered, sign(&push)).await;
    assert_eq!(status, 401, "a body changed after signing is refused");
    let (status, _) = deliver(
        &app,
        &path,
        "ping",
        "d-4",
        "{\"zen\":\"hi\"}",
        sign("{\"zen\":\"hi\"}"),
    )
    .await;
    assert_eq!(status, 200, "a ping is answered");
    let other = json!({ "ref": "refs/heads/dev", "after": head }).to_string();
    let (status, answer) = deliver(&app, &path, "push", "d-5", &other, sign(&other)).await;
    assert_eq!(status, 202, "{answer}");
    let (status, _) = deliver(&app, &path, "push", "d-6", "{not json", sign("{not json")).await;
    assert_eq!(status, 400, "a malformed body");
    assert!(
        pipeline_runs(&app, &admin, &id).await.is_empty(),
        "nothing ran"
    );
    let rejected = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditEvents(filter: { stackId: $id, kinds: [WEBHOOK_REJECTED] }) { edges { node { actor { kind } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        rejected["data"]["auditEvents"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(3),
        "each refusal is audited: {rejected}"
    );

    let mut updates = crate::ws::subscribe(
        &app.ws_url(),
        crate::ws::TRANSPORT_WS,
        &admin,
        "subscription($id: ID!) { operationUpdated(filter: { stackId: $id, topLevel: true }) { id kind status } }",
        json!({ "id": id }),
    )
    .await;
    let (status, answer) = deliver(&app, &path, "push", "d-7", &push, sign(&push)).await;
    assert_eq!(status, 202, "{answer}");
    let run = answer["operationId"]
        .as_str()
        .expect("the run's id")
        .to_string();
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("SUCCEEDED") {
        let update = crate::ws::next_payload(&mut updates).await;
        let operation = &update["data"]["operationUpdated"];
        assert_eq!(
            operation["id"],
            run.as_str(),
            "only the run, not its steps: {update}"
        );
        seen.push(operation["status"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(seen, ["RUNNING", "SUCCEEDED"], "the run's life, live");
    let output = whole_output(&app, &admin, &run).await;
    let operation = app
        .graphql(Some(&admin), OPERATION, json!({ "id": run }))
        .await["data"]["operation"]
        .clone();
    assert_eq!(operation["status"], "SUCCEEDED", "{operation} {output:?}");
    assert_eq!(operation["trigger"], "WEBHOOK");
    let steps = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { operations(filter: { parentId: $id }, orderBy: { direction: ASC }) { edges { node { kind status } } } }",
            json!({ "id": run }),
        )
        .await;
    let steps: Vec<(String, String)> = steps["data"]["operations"]["edges"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|edge| {
            (
                edge["node"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                edge["node"]["status"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    let succeeded = |kind: &str| (kind.to_string(), "SUCCEEDED".to_string());
    assert_eq!(
        steps,
        vec![
            succeeded("PULL"),
            succeeded("BUILD"),
            succeeded("PUSH"),
            succeeded("DEPLOY")
        ]
    );
    let top_level = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { operations(filter: { stackId: $id, topLevel: true }) { edges { node { kind } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        top_level["data"]["operations"]["edges"],
        json!([{ "node": { "kind": "PIPELINE" } }]),
        "the steps are not listed beside their run: {top_level}"
    );
    let deployed = stack(&app, &admin, &id).await;
    assert_eq!(deployed["commit"], head.as_str());
    assert_eq!(deployed["containers"][0]["status"], "RUNNING", "{deployed}");

    // The git host retries the same delivery: it is not run twice.
    let (status, answer) = deliver(&app, &path, "push", "d-7", &push, sign(&push)).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(pipeline_runs(&app, &admin, &id).await.len(), 1);
}

#[tokio::test]
async fn clone_server_copies_the_stacks_and_deploys_them_on_the_target() {
    let Fixture {
        app,
        admin,
        server,
        dockerd: _source_engine,
        registry: _registry,
    } = fixture().await;
    let target_engine = Dockerd::start().await;
    let target = add_server(&app, &admin, "target", &target_engine.host, None).await;
    let input = json!({
        "name": "worker",
        "serverId": server,
        "deploy": {
            "image": IMAGE,
            "network": "host",
            "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
        },
    });
    create(&app, &admin, input).await;
    let clone = "mutation($from: ID!, $to: ID!) { cloneServer(sourceServerId: $from, targetServerId: $to) { stacks { id name serverId } deploys { id } } }";
    let body = app
        .graphql(Some(&admin), clone, json!({ "from": server, "to": target }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let result = &body["data"]["cloneServer"];
    assert_eq!(result["stacks"][0]["name"], "worker");
    assert_eq!(result["stacks"][0]["serverId"], target.as_str());
    let deploy = result["deploys"][0]["id"]
        .as_str()
        .expect("a deploy")
        .to_string();
    whole_output(&app, &admin, &deploy).await;
    let operation = app
        .graphql(Some(&admin), OPERATION, json!({ "id": deploy }))
        .await["data"]["operation"]
        .clone();
    assert_eq!(operation["status"], "SUCCEEDED", "{operation}");
    let (ok, running) = target_engine
        .docker(&[
            "ps",
            "--filter",
            "label=monitor.stack.name=worker",
            "--format",
            "{{.Names}}",
        ])
        .await;
    assert!(ok);
    assert_eq!(running, "worker", "the copy runs on the target engine");

    // Copying again would clash by name: refused, and nothing new is stored.
    let body = app
        .graphql(Some(&admin), clone, json!({ "from": server, "to": target }))
        .await;
    assert_eq!(error_code(&body), "CONFLICT", "{body}");
    let stacks = app
        .graphql(
            Some(&admin),
            "{ stacks { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        stacks["data"]["stacks"]["edges"].as_array().map(Vec::len),
        Some(2)
    );
}

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
async fn monitor_runs_its_own_registry_where_the_image_exists_and_builds_push_to_it() {
    let dockerd = Dockerd::start().await;
    crate::registry::build_image(&dockerd.host, "registry:2").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut env = fast_checks();
    env.push(("MONITOR_REGISTRY__MANAGED_LISTEN".into(), listen.clone()));
    let mut app = TestApp::spawn_with_env(env).await;
    let admin = app.admin_token().await;
    let server = add_server(&app, &admin, "local", &dockerd.host, None).await;

    let stacks = "{ stacks { edges { node { id name owner { kind } deployedImage containers { status } } } } }";
    let managed = crate::dockerd::eventually(
        "the managed registry to run",
        std::time::Duration::from_secs(30),
        || async {
            let body = app.graphql(Some(&admin), stacks, json!({})).await;
            let node = body["data"]["stacks"]["edges"][0]["node"].clone();
            (node["containers"][0]["status"] == "RUNNING").then_some(node)
        },
    )
    .await;
    assert_eq!(managed["name"], "registry");
    assert_eq!(managed["owner"]["kind"], "SYSTEM");
    assert_eq!(managed["deployedImage"], "registry:2");
    crate::dockerd::eventually(
        "the managed registry to answer",
        std::time::Duration::from_secs(20),
        || async {
            reqwest::get(format!("http://{listen}/v2/"))
                .await
                .ok()
                .filter(|response| response.status().is_success())
        },
    )
    .await;

    let repo = GitRepo::create(&[("Dockerfile", &dockerfile("pushed-to-monitors-registry"))]);
    let id = create_id(&app, &admin, stack_input(&server, &repo)).await;
    for step in ["cloneStackRepo", "buildStack", "pushStackImage"] {
        let (operation, output) = act(&app, &admin, &action(step), json!({ "id": id })).await;
        assert_eq!(
            operation["status"], "SUCCEEDED",
            "{step}: {operation} {output:?}"
        );
    }
    let images = stack(&app, &admin, &id).await["images"].clone();
    assert_eq!(images.as_array().map(Vec::len), Some(2), "{images}");
    assert!(
        images[0]["reference"]
            .as_str()
            .is_some_and(|reference| reference.starts_with(&format!("{listen}/web:"))),
        "{images}"
    );

    // A later start adopts the registry it set up instead of setting up another.
    app.restart().await;
    let admin = app.admin_token().await;
    crate::dockerd::eventually(
        "the restarted server to list the images from its registry",
        std::time::Duration::from_secs(20),
        || async {
            let images = stack(&app, &admin, &id).await["images"].clone();
            (images.as_array().map(Vec::len) == Some(2)).then_some(())
        },
    )
    .await;
    let body = app.graphql(Some(&admin), stacks, json!({})).await;
    let names: Vec<_> = body["data"]["stacks"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|edge| edge["node"]["name"].as_str())
        .collect();
    assert_eq!(
        names.iter().filter(|name| **name == "registry").count(),
        1,
        "{body}"
    );
}

#[tokio::test]
async fn cancelling_a_build_stops_it_in_the_engine() {
    let Fixture {
        app,
        admin,
        server,
        dockerd,
        registry: _registry,
    } = fixture().await;
    let repo = GitRepo::create(&[("Dockerfile", &long_build_dockerfile())]);
    let id = cloned_stack(&app, &admin, stack_input(&server, &repo)).await;
    cancel_the_long_build(&app, &admin, &dockerd, &id).await;
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

#[tokio::test]
async fn bad_action_input_names_the_argument_and_starts_nothing() {
    let Fixture {
        app,
        admin,
        server,
        dockerd: _dockerd,
        registry: _registry,
    } = fixture().await;
    let repo = GitRepo::create(&[("Dockerfile", &dockerfile("x"))]);
    let id = create_id(&app, &admin, stack_input(&server, &repo)).await;
    let cases = [
        (
            "mutation($id: ID!) { rollbackStack(stackId: $id, image: \"Not An Image\") { id } }",
            "BAD_USER_INPUT",
            json!(["image"]),
        ),
        (
            "mutation($id: ID!) { runStackScript(stackId: $id, script: \"missing\") { id } }",
            "BAD_USER_INPUT",
            json!(["script"]),
        ),
        (
            "mutation($id: ID!) { cloneServer(sourceServerId: $id, targetServerId: $id) { deploys { id } } }",
            "BAD_USER_INPUT",
            json!(["targetServerId"]),
        ),
    ];
    for (mutation, code, field) in cases {
        let variables = if mutation.contains("cloneServer") {
            json!({ "id": server })
        } else {
            json!({ "id": id })
        };
        let body = app.graphql(Some(&admin), mutation, variables).await;
        assert_eq!(error_code(&body), code, "{mutation}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let body = app
        .graphql(
            Some(&admin),
            &action("buildStack"),
            json!({ "id": "no-such-stack" }),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND", "{body}");
    let operations = app
        .graphql(
            Some(&admin),
            "{ operations { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        operations["data"]["operations"]["edges"],
        json!([]),
        "{operations}"
    );
}

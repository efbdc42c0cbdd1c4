//! A stack from its repository to a running container through the registry (clone, build
//! with live output, push, deploy, rollback), and a server's stacks copied to another and
//! deployed there.

use serde_json::json;

use super::{
    Fixture, OPERATION, act, action, copying_dockerfile, create, dockerfile, fixture, stack,
    stack_input,
};
use crate::dockerd::{Dockerd, IMAGE};
use crate::gitrepo::GitRepo;
use crate::helpers::error_code;
use crate::operations::whole_output;
use crate::servers::add_server;

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
        json!(["CLONE", "RUN_PIPELINE"]),
        "nothing is checked out to run scripts in or build from yet: {created}"
    );

    let (clone, output) = act(&app, &admin, &action("cloneStackRepo"), json!({ "id": id })).await;
    assert_eq!(clone["status"], "SUCCEEDED", "{clone} {output:?}");
    assert_eq!(
        stack(&app, &admin, &id).await["availableActions"],
        json!(["CLONE", "PULL", "RUN_SCRIPT", "BUILD", "RUN_PIPELINE"]),
        "checked out, not built yet"
    );
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

//! Bad input: a stack's configuration and an action's arguments are refused with the field
//! named, and nothing is created or started.

use serde_json::{Value, json};

use super::{CREATE, Fixture, action, create_id, dockerfile, fixture, stack_input};
use crate::gitrepo::GitRepo;
use crate::helpers::error_code;

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

    // Nor read the deploy's environment: its values are secret below OPERATOR, and the
    // audit log never records them.
    let mut input = base.clone();
    input["deploy"]["env"] = json!(["DB_PASSWORD=hunter2", "PORT=8080"]);
    let id = create_id(&app, &admin, input).await;
    let env = |token: String| {
        let app = &app;
        let id = id.clone();
        async move {
            app.graphql(
                Some(&token),
                "query($id: ID!) { stack(id: $id) { deploy { env } } }",
                json!({ "id": id }),
            )
            .await["data"]["stack"]["deploy"]["env"]
                .clone()
        }
    };
    assert_eq!(
        env(viewer).await,
        json!(["DB_PASSWORD=••••••", "PORT=••••••"])
    );
    let operator = app.user_with_role(&admin, "operator", "OPERATOR").await;
    assert_eq!(
        env(operator).await,
        json!(["DB_PASSWORD=hunter2", "PORT=8080"])
    );
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(filter: { kinds: [STACK_CREATED] }) { edges { node { diff { after } } } } }",
            json!({}),
        )
        .await;
    let recorded = audit["data"]["auditEvents"]["edges"][0]["node"]["diff"]["after"].to_string();
    assert!(recorded.contains("DB_PASSWORD=••••••"), "{audit}");
    assert!(!recorded.contains("hunter2"), "{audit}");
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

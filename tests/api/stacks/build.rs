//! Builds that fail say why in the daemon's words, a dead remote or registry is named, and
//! a cancelled build stops in the engine.

use serde_json::json;

use super::{
    Fixture, STACK, act, action, cancel_the_long_build, cloned_stack, dockerfile, fixture,
    long_build_dockerfile, stack, stack_input,
};
use crate::dockerd::IMAGE;
use crate::gitrepo::GitRepo;
use crate::helpers::error_code;

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

//! Stacks checked out on their own server, through a real `monitor agent`: the clone,
//! the scripts and the build all happen on that host, the checkout never passes
//! through monitor, and a cancelled build stops in that host's engine.

use serde_json::json;

use crate::dockerd::{Agent, Dockerd};
use crate::gitrepo::GitRepo;
use crate::helpers::TestApp;
use crate::servers::{CREATE_SERVER, fast_checks};
use crate::stacks::{
    act, action, cancel_the_long_build, cloned_stack, copying_dockerfile, long_build_dockerfile,
    stack,
};

struct Fixture {
    dockerd: Dockerd,
    _agent: Agent,
    app: TestApp,
    admin: String,
    /// The directory the server keeps its checkouts under.
    agent_root: tempfile::TempDir,
    server: String,
}

/// monitor, and a server reached through an agent with a root directory.
async fn fixture() -> Fixture {
    let dockerd = Dockerd::start().await;
    let agent = Agent::start(&dockerd.host).await;
    let app = TestApp::spawn_with_env(fast_checks()).await;
    let admin = app.admin_token().await;
    let agent_root = tempfile::tempdir().expect("the agent host's root directory");
    let created = app
        .graphql(
            Some(&admin),
            CREATE_SERVER,
            json!({ "input": {
                "name": "remote",
                "endpoint": agent.endpoint,
                "agentToken": agent.token,
                "rootDirectory": agent_root.path(),
            } }),
        )
        .await;
    let server = created["data"]["createServer"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createServer: {created}"))
        .to_string();
    Fixture {
        dockerd,
        _agent: agent,
        app,
        admin,
        agent_root,
        server,
    }
}

#[tokio::test]
async fn a_stack_checked_out_on_an_agent_host_is_built_there_from_that_checkout() {
    let Fixture {
        dockerd,
        _agent,
        app,
        admin,
        agent_root,
        server,
    } = fixture().await;
    let repo = GitRepo::create(&[
        (
            "service/Dockerfile",
            &copying_dockerfile("built-on-the-agent"),
        ),
        ("service/.dockerignore", "secrets\n"),
        ("service/secrets/key", "do not send"),
        ("service/app.conf", "port = 80\n"),
    ]);
    let input = json!({
        "name": "web",
        "serverId": server,
        "repo": { "url": repo.url, "branch": "main", "cloneOn": "SERVER", "scripts": [
            { "name": "stamp", "command": "echo stamped > service/stamp" }
        ] },
        "build": { "path": "service", "networkMode": "none", "preBuildScripts": ["stamp"] },
    });
    let id = cloned_stack(&app, &admin, input).await;
    assert!(
        agent_root.path().join("stacks/web/.git").is_dir(),
        "the checkout is on the agent's host"
    );
    assert!(
        !app.data_dir.join("stacks").join(&id).exists(),
        "nothing was checked out on the monitor host"
    );

    let (build, output) = act(&app, &admin, &action("buildStack"), json!({ "id": id })).await;
    assert_eq!(build["status"], "SUCCEEDED", "{build} {output:?}");
    assert!(
        output
            .iter()
            .any(|line| line.trim() == "built-on-the-agent"),
        "the RUN step's output is streamed: {output:?}"
    );
    let built = stack(&app, &admin, &id).await;
    let commit = built["commit"].as_str().expect("a commit").to_string();
    let image = format!("monitor/web:{}", &commit[..12]);
    assert_eq!(built["builtImage"], image.as_str(), "{built}");
    let (ran, files) = dockerd
        .docker(&["run", "--rm", "--network", "none", &image, "ls", "/context"])
        .await;
    assert!(ran, "the image is on the agent's engine: {files}");
    let files: Vec<&str> = files.split_whitespace().collect();
    assert_eq!(
        files,
        ["Dockerfile", "app.conf", "stamp"],
        "the build path's files, the pre-build script's output, and no ignored directory"
    );
}

/// A stack cloned on the agent's host from a repository holding `files`.
async fn checked_out_on_the_agent(
    remote: &Fixture,
    files: &[(&str, &str)],
    build: serde_json::Value,
) -> String {
    let repo = GitRepo::create(files);
    let input = json!({
        "name": "web",
        "serverId": remote.server,
        "repo": { "url": repo.url, "branch": "main", "cloneOn": "SERVER" },
        "build": build,
    });
    cloned_stack(&remote.app, &remote.admin, input).await
}

#[tokio::test]
async fn a_build_on_an_agent_host_without_its_dockerfile_fails_naming_it() {
    let remote = fixture().await;
    let id = checked_out_on_the_agent(
        &remote,
        &[("README", "no Dockerfile here\n")],
        json!({ "dockerfile": "deploy/Dockerfile", "networkMode": "none" }),
    )
    .await;
    let (app, admin) = (&remote.app, remote.admin.as_str());
    let (build, output) = act(app, admin, &action("buildStack"), json!({ "id": id })).await;
    assert_eq!(build["status"], "FAILED", "{build} {output:?}");
    assert!(
        build["error"]
            .as_str()
            .is_some_and(|error| error.contains("deploy/Dockerfile")),
        "the error names the missing Dockerfile: {build}"
    );
    assert!(stack(app, admin, &id).await["builtImage"].is_null());
}

#[tokio::test]
async fn cancelling_a_build_on_an_agent_host_stops_it_in_that_engine() {
    let remote = fixture().await;
    let id = checked_out_on_the_agent(
        &remote,
        &[("Dockerfile", &long_build_dockerfile())],
        json!({ "networkMode": "none" }),
    )
    .await;
    cancel_the_long_build(&remote.app, &remote.admin, &remote.dockerd, &id).await;
}

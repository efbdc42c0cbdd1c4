//! monitor's own registry: set up where its image is, and used by builds to push.

use serde_json::json;

use super::{act, action, create_id, dockerfile, stack, stack_input};
use crate::dockerd::Dockerd;
use crate::gitrepo::GitRepo;
use crate::helpers::TestApp;
use crate::servers::{add_server, fast_checks};

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
        "the managed registry to run and its deploy to be recorded",
        std::time::Duration::from_secs(30),
        || async {
            let body = app.graphql(Some(&admin), stacks, json!({})).await;
            let node = body["data"]["stacks"]["edges"][0]["node"].clone();
            // The container runs a moment before its deploy is recorded: wait for both.
            (node["containers"][0]["status"] == "RUNNING" && !node["deployedImage"].is_null())
                .then_some(node)
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

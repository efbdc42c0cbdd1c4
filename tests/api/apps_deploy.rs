//! Deploying apps: apply as field manager `monitor`, follow the controller to Deployed,
//! revert to an older version, undeploy, roll back by itself with `autoRevert`, delete,
//! and a deploy cut short by a crash.

use serde_json::json;

use crate::apps_support::{fixture, graph};
use crate::fake_kube::{ControllerConfig, Outcome};

#[tokio::test]
async fn a_deploy_applies_as_monitor_follows_the_controller_and_an_older_version_reverts() {
    let world = fixture().await;
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    world.save(id, "2").await;

    let (first, first_lines) = world
        .run(
            "deployApp",
            json!({"appId": id, "version": 1, "reason": "first release"}),
        )
        .await;
    let (second, _) = world.run("deployApp", json!({"appId": id})).await;
    let deployed_second = world.get(id).await;
    let (revert, _) = world
        .run(
            "deployApp",
            json!({"appId": id, "version": 1, "reason": "2 is slow"}),
        )
        .await;

    assert_eq!(first["status"], "SUCCEEDED", "{first} {first_lines:?}");
    assert!(
        first_lines
            .iter()
            .any(|line| line.contains("as field manager monitor")),
        "{first_lines:?}"
    );
    assert!(
        first_lines.iter().any(|line| line.starts_with("Deployed")),
        "{first_lines:?}"
    );
    assert_eq!(second["status"], "SUCCEEDED", "{second}");
    assert_eq!(deployed_second["activeVersion"]["number"], 2);
    assert_eq!(revert["status"], "SUCCEEDED", "{revert}");
    let object = world
        .fake
        .object("ml", "demo")
        .expect("the resource exists");
    assert_eq!(object["spec"], json!({"graph": graph("1"), "deploy": true}));
    let managers: Vec<&str> = object["metadata"]["managedFields"]
        .as_array()
        .expect("managed fields")
        .iter()
        .filter_map(|entry| entry["manager"].as_str())
        .collect();
    assert!(managers.contains(&"monitor"), "{managers:?}");
    let now = world.get(id).await;
    assert_eq!(now["active"], true);
    assert_eq!(now["activeVersion"]["number"], 1);
    assert_eq!(now["liveVersion"]["number"], 1);
    assert_eq!(now["drifted"], false);
    assert_eq!(now["status"]["phase"], "DEPLOYED");
    assert_eq!(
        now["status"]["observedGeneration"],
        now["status"]["generation"]
    );
    let deployments = world.deployments(id).await;
    let summary: Vec<(String, serde_json::Value, serde_json::Value, String)> = deployments
        .iter()
        .map(|d| {
            (
                d["action"].as_str().unwrap_or_default().to_string(),
                d["fromVersion"].clone(),
                d["toVersion"].clone(),
                d["outcome"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("REVERT".into(), json!(2), json!(1), "DEPLOYED".into()),
            ("DEPLOY".into(), json!(1), json!(2), "DEPLOYED".into()),
            ("DEPLOY".into(), json!(null), json!(1), "DEPLOYED".into()),
        ]
    );
    assert_eq!(deployments[0]["reason"], "2 is slow");
    assert_eq!(deployments[0]["actor"]["name"], "admin");
    assert_eq!(deployments[0]["operation"]["status"], "SUCCEEDED");
}

#[tokio::test]
async fn undeploy_keeps_the_resource_with_deploy_false() {
    let world = fixture().await;
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    world.run("deployApp", json!({"appId": id})).await;

    let (undeploy, lines) = world
        .run("undeployApp", json!({"appId": id, "reason": "night"}))
        .await;

    assert_eq!(undeploy["status"], "SUCCEEDED", "{undeploy} {lines:?}");
    let object = world.fake.object("ml", "demo").expect("the resource stays");
    assert_eq!(object["spec"]["deploy"], false);
    assert_eq!(object["status"]["phase"], "Undeployed");
    let now = world.get(id).await;
    assert_eq!(now["active"], false);
    assert_eq!(now["inCluster"], true);
    assert_eq!(now["status"]["phase"], "UNDEPLOYED");
    assert_eq!(world.deployments(id).await[0]["action"], "UNDEPLOY");
}

#[tokio::test]
async fn a_failed_deploy_of_an_auto_revert_app_rolls_back_to_the_last_deployed_version() {
    let world = fixture().await;
    world.fake.run_controller(ControllerConfig {
        outcome: Outcome::FailedChart {
            version: "9.9.9".into(),
            message: "helmfile sync failed: chart api:9.9.9 not found".into(),
        },
        ..ControllerConfig::default()
    });
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    world
        .graphql(
            "mutation($input: UpdateAppInput!) { updateApp(input: $input) { id } }",
            json!({"input": {"id": id, "autoRevert": true}}),
        )
        .await;
    world.run("deployApp", json!({"appId": id})).await;
    world.save(id, "9.9.9").await;

    let (failed, lines) = world.run("deployApp", json!({"appId": id})).await;

    assert_eq!(failed["status"], "FAILED", "{failed}");
    let error = failed["error"].as_str().unwrap_or_default();
    assert!(error.contains("chart api:9.9.9 not found"), "{error}");
    assert!(error.contains("rolled back to version 1"), "{error}");
    assert!(
        lines
            .iter()
            .any(|line| line.contains("autoRevert: version 2 failed")),
        "{lines:?}"
    );
    let object = world.fake.object("ml", "demo").expect("the resource");
    assert_eq!(object["spec"]["graph"], graph("1"));
    assert_eq!(object["status"]["phase"], "Deployed");
    let outcomes: Vec<(String, String)> = world
        .deployments(id)
        .await
        .iter()
        .map(|d| {
            (
                d["action"].as_str().unwrap_or_default().to_string(),
                d["outcome"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("AUTO_REVERT".into(), "DEPLOYED".into()),
            ("DEPLOY".into(), "FAILED".into()),
            ("DEPLOY".into(), "DEPLOYED".into()),
        ]
    );
    assert_eq!(world.get(id).await["activeVersion"]["number"], 1);
}

#[tokio::test]
async fn deleting_an_app_waits_for_the_controller_to_let_the_resource_go() {
    let world = fixture().await;
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    world.run("deployApp", json!({"appId": id})).await;

    let deleted = world
        .graphql(
            "mutation($input: DeleteAppInput!) { deleteApp(input: $input) { name } }",
            json!({"input": {"id": id}}),
        )
        .await;
    let after = world
        .graphql("query($id: ID!) { app(id: $id) { id } }", json!({"id": id}))
        .await;
    let deploy_deleted = world
        .graphql(
            "mutation($input: DeployAppInput!) { deployApp(input: $input) { id } }",
            json!({"input": {"appId": id}}),
        )
        .await;

    assert_eq!(deleted["data"]["deleteApp"]["name"], "demo", "{deleted}");
    assert!(
        world.fake.object("ml", "demo").is_none(),
        "the resource is gone"
    );
    assert_eq!(after["data"]["app"], json!(null));
    assert_eq!(
        crate::helpers::error_code(&deploy_deleted),
        "NOT_FOUND",
        "{deploy_deleted}"
    );
}

#[tokio::test]
async fn a_deploy_cut_short_by_a_crash_is_interrupted_and_the_app_is_read_back() {
    let mut world = fixture().await;
    world.fake.run_controller(ControllerConfig {
        outcome: Outcome::Stalled,
        ..ControllerConfig::default()
    });
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id").to_string();
    let started = world
        .graphql(
            "mutation($input: DeployAppInput!) { deployApp(input: $input) { id } }",
            json!({"input": {"appId": id}}),
        )
        .await;
    let operation = started["data"]["deployApp"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{started}"))
        .to_string();
    crate::stacks::wait_for_line_where(&world.app, &world.admin, &operation, |line| {
        line.starts_with("Deploying")
    })
    .await;

    world.app.kill().await;
    // The controller finishes while monitor is down.
    world
        .controller_says(json!({"phase": "Deployed", "observedGeneration": 1}))
        .await;
    world.app.restart().await;
    world.admin = world.app.admin_token().await;

    let status = world
        .graphql(
            "query($id: ID!) { operation(id: $id) { status appId } }",
            json!({"id": operation}),
        )
        .await;
    assert_eq!(
        status["data"]["operation"]["status"], "INTERRUPTED",
        "{status}"
    );
    assert_eq!(status["data"]["operation"]["appId"], id.as_str());
    assert_eq!(world.deployments(&id).await[0]["outcome"], "INTERRUPTED");
    let phase = crate::dockerd::eventually(
        "the app to be read back from the cluster",
        std::time::Duration::from_secs(20),
        || async {
            let app = world.get(&id).await;
            (app["status"]["phase"] == "DEPLOYED").then_some(app)
        },
    )
    .await;
    assert_eq!(phase["liveVersion"]["number"], 1);
}

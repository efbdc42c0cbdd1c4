//! Images, volumes and networks on a real engine: listed with their space, inspected,
//! removed (refused while in use), pruned with the space reclaimed; names checked
//! before the engine; VIEWERs read, OPERATORs change; every change audited.

use serde_json::{Value, json};

use crate::containers::{UNTIL_STOPPED, app_with_engine, run_container};
use crate::dockerd::IMAGE;
use crate::helpers::{TestApp, error_code};

async fn query(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let body = app.graphql(Some(token), query, variables).await;
    assert!(body["errors"].is_null(), "{query}: {body}");
    body["data"].clone()
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn audited_kinds(app: &TestApp, admin: &str) -> Vec<String> {
    let data = query(
        app,
        admin,
        "{ auditEvents(first: 100) { nodes { kind summary } } }",
        json!({}),
    )
    .await;
    names(&data["auditEvents"]["nodes"], "kind")
}

#[tokio::test]
async fn images_are_listed_with_their_size_removed_and_pruned_with_the_space_reclaimed() {
    let (app, admin, dockerd, server) = app_with_engine().await;
    let viewer = app.user_with_role(&admin, "viewer", "VIEWER").await;
    let operator = app.user_with_role(&admin, "operator", "OPERATOR").await;
    run_container(&app, &admin, &server, "busy", &UNTIL_STOPPED).await;
    let (ok, _) = dockerd
        .docker(&["tag", IMAGE, "monitor-test/extra:1"])
        .await;
    assert!(ok, "docker tag");
    // A committed container without a tag is a dangling image.
    let (ok, dangling) = dockerd.docker(&["commit", "busy"]).await;
    assert!(ok, "docker commit");

    let data = query(
        &app,
        &viewer,
        "query($s: ID!) { images(serverId: $s) { id tags sizeBytes containers dangling } }",
        json!({ "s": server }),
    )
    .await;
    let images = data["images"].as_array().expect("images");
    let busybox = images
        .iter()
        .find(|image| {
            image["tags"]
                .as_array()
                .expect("tags")
                .contains(&json!(IMAGE))
        })
        .unwrap_or_else(|| panic!("the test image is listed: {data}"));
    assert!(
        busybox["sizeBytes"].as_f64().expect("a size") > 500_000.0,
        "{busybox}"
    );
    assert_eq!(busybox["dangling"], false);
    assert_eq!(
        busybox["containers"], 1,
        "the running container uses it: {busybox}"
    );
    let dangling_image = images
        .iter()
        .find(|image| image["id"] == dangling.as_str())
        .unwrap_or_else(|| panic!("the committed image is listed: {data}"));
    assert_eq!(dangling_image["dangling"], true);

    let details = query(
        &app,
        &viewer,
        "query($s: ID!, $id: String!) { image(serverId: $s, id: $id) { id tags command env layers os } }",
        json!({ "s": server, "id": IMAGE }),
    )
    .await;
    assert_eq!(details["image"]["command"], json!(["/bin/sh"]));
    assert_eq!(details["image"]["env"], json!(["PATH=/bin"]));
    assert_eq!(details["image"]["os"], "linux");

    let remove =
        "mutation($input: RemoveImageInput!) { removeImage(input: $input) { image removed } }";
    let refused = app
        .graphql(
            Some(&viewer),
            remove,
            json!({ "input": { "serverId": server, "image": "monitor-test/extra:1" } }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    let bad = app
        .graphql(
            Some(&operator),
            remove,
            json!({ "input": { "serverId": server, "image": "../containers/json?force=1" } }),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT", "{bad}");
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        json!(["input", "image"])
    );
    let in_use = app
        .graphql(
            Some(&operator),
            remove,
            json!({ "input": { "serverId": server, "image": dangling_image["id"] } }),
        )
        .await;
    assert!(in_use["errors"].is_null(), "an unused image goes: {in_use}");
    let untagged = query(
        &app,
        &operator,
        remove,
        json!({ "input": { "serverId": server, "image": "monitor-test/extra:1" } }),
    )
    .await;
    assert_eq!(
        untagged["removeImage"]["removed"],
        json!(["monitor-test/extra:1"])
    );
    let running = app
        .graphql(
            Some(&operator),
            remove,
            json!({ "input": { "serverId": server, "image": IMAGE } }),
        )
        .await;
    assert_eq!(
        error_code(&running),
        "CONFLICT",
        "the running container's image stays: {running}"
    );

    let (ok, _) = dockerd.docker(&["commit", "busy"]).await;
    assert!(ok, "a second dangling image");
    let pruned = query(
        &app,
        &operator,
        "mutation($input: PruneInput!) { pruneImages(input: $input) { removed spaceReclaimedBytes } }",
        json!({ "input": { "serverId": server } }),
    )
    .await;
    assert_eq!(
        pruned["pruneImages"]["removed"]
            .as_array()
            .expect("removed")
            .len(),
        1,
        "{pruned}"
    );
    assert!(
        pruned["pruneImages"]["spaceReclaimedBytes"]
            .as_f64()
            .is_some()
    );
    let kinds = audited_kinds(&app, &admin).await;
    assert_eq!(
        kinds.iter().filter(|kind| *kind == "IMAGE_REMOVED").count(),
        2,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"IMAGES_PRUNED".to_string()), "{kinds:?}");
}

#[tokio::test]
async fn volumes_and_networks_in_use_stay_and_unused_ones_are_removed_and_pruned() {
    let (app, admin, dockerd, server) = app_with_engine().await;
    let viewer = app.user_with_role(&admin, "viewer", "VIEWER").await;
    for volume in ["spare", "old"] {
        let (ok, _) = dockerd.docker(&["volume", "create", volume]).await;
        assert!(ok, "docker volume create {volume}");
    }
    let (filled, _) = dockerd
        .docker(&[
            "run",
            "--rm",
            "--network",
            "host",
            "-v",
            "data:/data",
            IMAGE,
            "sh",
            "-c",
            "head -c 200000 /dev/zero > /data/blob",
        ])
        .await;
    assert!(filled, "a volume with data: {}", dockerd.log());
    dockerd
        .run(&[
            "--name",
            "db",
            "-v",
            "data:/data",
            IMAGE,
            "sh",
            "-c",
            "trap 'exit 0' TERM; while true; do sleep 1; done",
        ])
        .await;
    let (made, _) = dockerd
        .docker(&["network", "create", "--internal", "backend"])
        .await;
    assert!(made, "docker network create: {}", dockerd.log());

    let volumes = query(
        &app,
        &viewer,
        "query($s: ID!) { volumes(serverId: $s) { name driver inUse mountpoint sizeBytes } }",
        json!({ "s": server }),
    )
    .await;
    assert_eq!(
        names(&volumes["volumes"], "name"),
        ["data", "old", "spare"],
        "{volumes}"
    );
    let in_use: Vec<bool> = volumes["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|volume| volume["inUse"].as_bool().expect("inUse"))
        .collect();
    assert_eq!(in_use, [true, false, false]);
    let data_size = volumes["volumes"][0]["sizeBytes"].as_f64().expect("a size");
    assert!(data_size >= 200_000.0, "{volumes}");
    assert_eq!(volumes["volumes"][1]["sizeBytes"], 0.0, "{volumes}");

    let remove = "mutation($input: RemoveVolumeInput!) { removeVolume(input: $input) }";
    let forbidden = app
        .graphql(
            Some(&viewer),
            remove,
            json!({ "input": { "serverId": server, "name": "spare" } }),
        )
        .await;
    assert_eq!(error_code(&forbidden), "FORBIDDEN");
    let bad = app
        .graphql(
            Some(&admin),
            remove,
            json!({ "input": { "serverId": server, "name": "../../containers" } }),
        )
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        json!(["input", "name"]),
        "{bad}"
    );
    let busy = app
        .graphql(
            Some(&admin),
            remove,
            json!({ "input": { "serverId": server, "name": "data" } }),
        )
        .await;
    assert_eq!(error_code(&busy), "CONFLICT", "{busy}");
    let removed = query(
        &app,
        &admin,
        remove,
        json!({ "input": { "serverId": server, "name": "spare" } }),
    )
    .await;
    assert_eq!(removed["removeVolume"], "spare");
    let missing = app
        .graphql(
            Some(&admin),
            "query($s: ID!) { volume(serverId: $s, name: \"spare\") { name } }",
            json!({ "s": server }),
        )
        .await;
    assert_eq!(error_code(&missing), "NOT_FOUND", "{missing}");
    let pruned = query(
        &app,
        &admin,
        "mutation($input: PruneInput!) { pruneVolumes(input: $input) { removed spaceReclaimedBytes } }",
        json!({ "input": { "serverId": server } }),
    )
    .await;
    assert_eq!(
        pruned["pruneVolumes"]["removed"],
        json!(["old"]),
        "{pruned}"
    );

    let networks = query(
        &app,
        &viewer,
        "query($s: ID!) { networks(serverId: $s) { id name driver internal predefined } }",
        json!({ "s": server }),
    )
    .await;
    let listed = names(&networks["networks"], "name");
    assert!(
        listed.contains(&"backend".to_string()) && listed.contains(&"host".to_string()),
        "{networks}"
    );
    let details = query(
        &app,
        &viewer,
        "query($s: ID!) { network(serverId: $s, id: \"host\") { name predefined containers { name } } }",
        json!({ "s": server }),
    )
    .await;
    assert_eq!(details["network"]["predefined"], true);
    assert_eq!(
        details["network"]["containers"][0]["name"], "db",
        "{details}"
    );
    let remove_network = "mutation($input: RemoveNetworkInput!) { removeNetwork(input: $input) }";
    let own = app
        .graphql(
            Some(&admin),
            remove_network,
            json!({ "input": { "serverId": server, "network": "host" } }),
        )
        .await;
    assert_eq!(
        error_code(&own),
        "CONFLICT",
        "the engine's own network stays: {own}"
    );
    let bad = app
        .graphql(
            Some(&admin),
            remove_network,
            json!({ "input": { "serverId": server, "network": "a/b" } }),
        )
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        json!(["input", "network"]),
        "{bad}"
    );
    let pruned = query(
        &app,
        &admin,
        "mutation($input: PruneInput!) { pruneNetworks(input: $input) { removed } }",
        json!({ "input": { "serverId": server } }),
    )
    .await;
    assert_eq!(
        pruned["pruneNetworks"]["removed"],
        json!(["backend"]),
        "{pruned}"
    );

    let kinds = audited_kinds(&app, &admin).await;
    for kind in ["VOLUME_REMOVED", "VOLUMES_PRUNED", "NETWORKS_PRUNED"] {
        assert!(kinds.contains(&kind.to_string()), "{kind} in {kinds:?}");
    }
}

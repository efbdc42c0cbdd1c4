//! Apps as monitor keeps them: creating, listing, versions by hash, diffs, changes,
//! the read-only label, roles, the component catalog, and what works with no cluster.

use serde_json::json;

use crate::apps_support::{APP_FIELDS, fixture, graph};
use crate::helpers::{TestApp, error_code};

#[tokio::test]
async fn an_app_starts_at_version_one_undeployed_and_its_name_is_taken_once() {
    let world = fixture().await;

    let app = world.create("demo", "1").await;
    let again = world
        .graphql(
            "mutation($input: CreateAppInput!) { createApp(input: $input) { id } }",
            json!({"input": {"namespace": "ml", "name": "demo", "graph": graph("2")}}),
        )
        .await;

    assert_eq!(app["versionCount"], 1);
    assert_eq!(app["activeVersion"], json!(null));
    assert_eq!(app["active"], false);
    assert_eq!(app["inCluster"], false);
    assert_eq!(app["drifted"], false);
    assert_eq!(error_code(&again), "CONFLICT", "{again}");
    assert!(
        again["errors"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("ml/demo")),
        "{again}"
    );
    assert_eq!(world.writes(), Vec::<String>::new(), "nothing was applied");
}

#[tokio::test]
async fn a_version_is_added_only_for_a_graph_whose_hash_is_new_and_versions_page_newest_first() {
    let world = fixture().await;
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");

    let second = world.save(id, "2").await;
    let same_again = world.save(id, "2").await;
    let reordered: serde_json::Value = serde_json::from_str(
        r#"{"flows": {"events": {"type": "pulsar"}}, "components": {"api": {
            "outputs": {"out": {"flow": "events", "type": "pulsar"}},
            "config": {"replicas": 1},
            "chart": {"version": "1", "name": "api", "repo": "rampart-repo"}}}}"#,
    )
    .expect("json");
    let first_again = world
        .graphql(
            "mutation($input: SaveAppGraphInput!) { saveAppGraph(input: $input) { number } }",
            json!({"input": {"appId": id, "graph": reordered}}),
        )
        .await;
    let page = world
        .graphql(
            "query($id: ID!) { app(id: $id) { versionCount versions(first: 1) { nodes { number } pageInfo { hasNextPage endCursor } } } }",
            json!({"id": id}),
        )
        .await;
    let cursor = page["data"]["app"]["versions"]["pageInfo"]["endCursor"].clone();
    let next = world
        .graphql(
            "query($id: ID!, $after: String) { app(id: $id) { versions(first: 5, after: $after) { nodes { number } pageInfo { hasNextPage } } } }",
            json!({"id": id, "after": cursor}),
        )
        .await;
    let version = world
        .graphql(
            "query($id: ID!) { appVersion(appId: $id, version: 2) { number graph hash message source author { name } } }",
            json!({"id": id}),
        )
        .await;

    assert_eq!(second["number"], 2);
    assert_eq!(same_again["number"], 2);
    assert_eq!(same_again["hash"], second["hash"]);
    assert_eq!(
        first_again["data"]["saveAppGraph"]["number"], 1,
        "{first_again}"
    );
    assert_eq!(page["data"]["app"]["versionCount"], 2);
    assert_eq!(
        page["data"]["app"]["versions"]["nodes"],
        json!([{"number": 2}])
    );
    assert_eq!(
        page["data"]["app"]["versions"]["pageInfo"]["hasNextPage"],
        true
    );
    assert_eq!(
        next["data"]["app"]["versions"],
        json!({"nodes": [{"number": 1}], "pageInfo": {"hasNextPage": false}})
    );
    let version = &version["data"]["appVersion"];
    assert_eq!(version["graph"], graph("2"));
    assert_eq!(version["message"], "chart 2");
    assert_eq!(version["source"], "MONITOR");
    assert_eq!(version["author"]["name"], "admin");
    assert_eq!(version["hash"].as_str().map(str::len), Some(64));
}

#[tokio::test]
async fn two_versions_diff_per_component_with_old_and_new_values() {
    let world = fixture().await;
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    world.save(id, "2").await;
    let diff = "query($id: ID!, $to: Int!) { appVersionDiff(appId: $id, from: 1, to: $to) { identical fromVersion toVersion components { name change paths { path change old new } } flows { name } } }";

    let changed = world.graphql(diff, json!({"id": id, "to": 2})).await;
    let unknown = world.graphql(diff, json!({"id": id, "to": 9})).await;

    let changed = &changed["data"]["appVersionDiff"];
    assert_eq!(changed["identical"], false);
    assert_eq!(changed["flows"], json!([]));
    assert_eq!(
        changed["components"],
        json!([{"name": "api", "change": "CHANGED", "paths": [
            {"path": "/chart/version", "change": "CHANGED", "old": "1", "new": "2"}
        ]}])
    );
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT", "{unknown}");
    assert_eq!(unknown["errors"][0]["extensions"]["field"], json!(["to"]));
}

#[tokio::test]
async fn apps_are_listed_by_name_filtered_and_paged() {
    let world = fixture().await;
    for name in ["beta", "alpha", "gamma"] {
        world.create(name, "1").await;
    }
    let list = "query($first: Int, $after: String, $filter: AppFilter, $order: AppOrder) { apps(first: $first, after: $after, filter: $filter, orderBy: $order) { nodes { name } pageInfo { hasNextPage endCursor } } }";
    let names = |body: &serde_json::Value| -> Vec<String> {
        body["data"]["apps"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("apps: {body}"))
            .iter()
            .filter_map(|node| node["name"].as_str().map(str::to_string))
            .collect()
    };

    let first = world.graphql(list, json!({"first": 2})).await;
    let cursor = first["data"]["apps"]["pageInfo"]["endCursor"].clone();
    let rest = world
        .graphql(list, json!({"first": 2, "after": cursor}))
        .await;
    let filtered = world
        .graphql(
            list,
            json!({"filter": {"nameContains": "mm", "namespace": "ml"}}),
        )
        .await;
    let newest = world
        .graphql(
            list,
            json!({"order": {"field": "CREATED_AT", "direction": "DESC"}}),
        )
        .await;

    assert_eq!(names(&first), ["alpha", "beta"]);
    assert_eq!(first["data"]["apps"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(names(&rest), ["gamma"]);
    assert_eq!(names(&filtered), ["gamma"]);
    assert_eq!(names(&newest), ["gamma", "alpha", "beta"]);
}

#[tokio::test]
async fn a_readonly_app_refuses_graph_changes_until_the_label_is_removed_and_viewers_only_read() {
    let world = fixture().await;
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    let update = format!(
        "mutation($input: UpdateAppInput!) {{ updateApp(input: $input) {{ {APP_FIELDS} }} }}"
    );
    let viewer = world
        .app
        .user_with_role(&world.admin, "vera", "VIEWER")
        .await;

    let locked = world
        .graphql(
            &update,
            json!({"input": {"id": id, "description": "frozen", "labels": [{"key": "rampart-graph-readonly", "value": "true"}]}}),
        )
        .await;
    let save = world
        .graphql(
            "mutation($input: SaveAppGraphInput!) { saveAppGraph(input: $input) { number } }",
            json!({"input": {"appId": id, "graph": graph("2")}}),
        )
        .await;
    let deploy = world
        .graphql(
            "mutation($input: DeployAppInput!) { deployApp(input: $input) { id } }",
            json!({"input": {"appId": id}}),
        )
        .await;
    let unlocked = world
        .graphql(&update, json!({"input": {"id": id, "labels": []}}))
        .await;
    let saved = world.save(id, "2").await;
    let read = world
        .app
        .graphql(Some(&viewer), "{ apps { nodes { name } } }", json!({}))
        .await;
    let refused = world
        .app
        .graphql(
            Some(&viewer),
            "mutation($input: UpdateAppInput!) { updateApp(input: $input) { id } }",
            json!({"input": {"id": id, "description": "mine"}}),
        )
        .await;
    let audit = world
        .graphql(
            "query($id: ID!) { auditEvents(filter: {appId: $id}) { nodes { kind } } }",
            json!({"id": id}),
        )
        .await;

    let locked = &locked["data"]["updateApp"];
    assert_eq!(locked["readonly"], true);
    assert_eq!(locked["description"], "frozen");
    assert_eq!(error_code(&save), "CONFLICT", "{save}");
    assert!(
        save["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("read-only"))
    );
    assert_eq!(error_code(&deploy), "CONFLICT", "{deploy}");
    assert_eq!(
        unlocked["data"]["updateApp"]["readonly"], false,
        "{unlocked}"
    );
    assert_eq!(saved["number"], 2);
    assert_eq!(read["data"]["apps"]["nodes"], json!([{"name": "demo"}]));
    assert_eq!(error_code(&refused), "FORBIDDEN");
    assert_eq!(world.writes(), Vec::<String>::new(), "nothing was applied");
    let kinds: Vec<&str> = audit["data"]["auditEvents"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "APP_GRAPH_SAVED",
            "APP_UPDATED",
            "APP_UPDATED",
            "APP_CREATED"
        ]
    );
}

#[tokio::test]
async fn a_component_config_update_is_a_new_version_and_the_old_one_stays_readable() {
    let world = fixture().await;
    let fields = "id title type nodeType version config message versions { version title config }";
    let created = world
        .graphql(
            &format!("mutation($input: CreateComponentConfigInput!) {{ createComponentConfig(input: $input) {{ {fields} }} }}"),
            json!({"input": {"title": "Uploader", "type": "batch-uploader", "nodeType": "source",
                   "config": {"chart": {"repo": "r", "name": "uploader", "version": "1"}}}}),
        )
        .await;
    let id = created["data"]["createComponentConfig"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string();

    let updated = world
        .graphql(
            &format!("mutation($input: UpdateComponentConfigInput!) {{ updateComponentConfig(input: $input) {{ {fields} }} }}"),
            json!({"input": {"id": id, "config": {"chart": {"repo": "r", "name": "uploader", "version": "2"}}, "message": "chart 2"}}),
        )
        .await;
    let bad = world
        .graphql(
            "mutation($input: UpdateComponentConfigInput!) { updateComponentConfig(input: $input) { id } }",
            json!({"input": {"id": id, "config": "not an object"}}),
        )
        .await;
    let deleted = world
        .graphql(
            "mutation($input: DeleteComponentConfigInput!) { deleteComponentConfig(input: $input) { title } }",
            json!({"input": {"id": id}}),
        )
        .await;
    let after = world
        .graphql(
            "query($id: ID!) { componentConfig(id: $id) { id } componentConfigs { nodes { id } } }",
            json!({"id": id}),
        )
        .await;

    let updated = &updated["data"]["updateComponentConfig"];
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["message"], "chart 2");
    assert_eq!(updated["title"], "Uploader");
    assert_eq!(updated["versions"][0]["version"], 2);
    assert_eq!(updated["versions"][1]["version"], 1);
    assert_eq!(updated["versions"][1]["config"]["chart"]["version"], "1");
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        json!(["input", "config"])
    );
    assert_eq!(
        deleted["data"]["deleteComponentConfig"]["title"],
        "Uploader"
    );
    assert_eq!(after["data"]["componentConfig"], json!(null));
    assert_eq!(after["data"]["componentConfigs"]["nodes"], json!([]));
}

#[tokio::test]
async fn with_no_cluster_app_changes_are_unavailable_with_the_reason_and_records_still_read() {
    let home = tempfile::tempdir().expect("an empty home");
    let app = TestApp::spawn_with_env(vec![
        ("KUBECONFIG".into(), String::new()),
        ("HOME".into(), home.path().display().to_string()),
    ])
    .await;
    let admin = app.admin_token().await;

    let create = app
        .graphql(
            Some(&admin),
            "mutation($input: CreateAppInput!) { createApp(input: $input) { id } }",
            json!({"input": {"namespace": "ml", "name": "demo", "graph": graph("1")}}),
        )
        .await;
    let read = app
        .graphql(
            Some(&admin),
            "{ apps { nodes { id } } componentConfigs { nodes { id } } }",
            json!({}),
        )
        .await;

    assert_eq!(error_code(&create), "UNAVAILABLE", "{create}");
    assert!(
        create["errors"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("no cluster is configured")),
        "{create}"
    );
    assert!(read["errors"].is_null(), "{read}");
    assert_eq!(read["data"]["apps"]["nodes"], json!([]));
}

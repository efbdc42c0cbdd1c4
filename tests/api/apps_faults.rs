//! Bad input and a refusing API server: a wrong graph, name or version changes nothing and
//! sends nothing to the cluster; a refused apply fails the operation with the API
//! server's own message and the app keeps what monitor knew of it.

use serde_json::{Value, json};

use crate::apps_support::{fixture, graph};
use crate::helpers::error_code;

#[tokio::test]
async fn bad_app_input_names_the_field_and_nothing_is_stored_or_sent() {
    let world = fixture().await;
    let create = "mutation($input: CreateAppInput!) { createApp(input: $input) { id } }";
    let mut no_chart = graph("1");
    no_chart["components"]["api"]
        .as_object_mut()
        .expect("a component")
        .remove("chart");
    let mut undefined_flow = graph("1");
    undefined_flow["components"]["api"]["outputs"]["out"]["flow"] = json!("missing");
    let cases: Vec<(Value, Value)> = vec![
        (
            json!({"namespace": "ml", "name": "demo", "graph": [1, 2]}),
            json!(["input", "graph"]),
        ),
        (
            json!({"namespace": "ml", "name": "demo", "graph": no_chart}),
            json!(["input", "graph", "components", "api", "chart"]),
        ),
        (
            json!({"namespace": "ml", "name": "demo", "graph": undefined_flow}),
            json!([
                "input",
                "graph",
                "components",
                "api",
                "outputs",
                "out",
                "flow"
            ]),
        ),
        (
            json!({"namespace": "ml", "name": "Demo_1", "graph": graph("1")}),
            json!(["input", "name"]),
        ),
        (
            json!({"namespace": "ml", "name": "demo", "graph": graph("1"), "labels": [{"key": "a b", "value": "x"}]}),
            json!(["input", "labels", "0", "key"]),
        ),
    ];

    for (input, field) in cases {
        let body = world.graphql(create, json!({"input": input})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    let unknown_version = world
        .graphql(
            "mutation($input: DeployAppInput!) { deployApp(input: $input) { id } }",
            json!({"input": {"appId": id, "version": 7}}),
        )
        .await;
    let unknown_app = world
        .graphql(
            "mutation($input: DeployAppInput!) { deployApp(input: $input) { id } }",
            json!({"input": {"appId": "no-such-app"}}),
        )
        .await;
    let bad_save = world
        .graphql(
            "mutation($input: SaveAppGraphInput!) { saveAppGraph(input: $input) { number } }",
            json!({"input": {"appId": id, "graph": {"components": {}}}}),
        )
        .await;

    assert_eq!(error_code(&unknown_version), "BAD_USER_INPUT");
    assert_eq!(
        unknown_version["errors"][0]["extensions"]["field"],
        json!(["input", "version"])
    );
    assert_eq!(error_code(&unknown_app), "NOT_FOUND");
    assert_eq!(
        bad_save["errors"][0]["extensions"]["field"],
        json!(["input", "graph", "flows"])
    );
    let apps = world
        .graphql("{ apps { nodes { name versionCount } } }", json!({}))
        .await;
    assert_eq!(
        apps["data"]["apps"]["nodes"],
        json!([{"name": "demo", "versionCount": 1}])
    );
    assert_eq!(world.writes(), Vec::<String>::new(), "nothing was sent");
}

#[tokio::test]
async fn a_refused_apply_fails_with_the_api_servers_message_and_the_app_keeps_its_state() {
    let world = fixture().await;
    let app = world.create("demo", "1").await;
    let id = app["id"].as_str().expect("an id");
    world.run("deployApp", json!({"appId": id})).await;
    world.save(id, "2").await;
    let before = world.get(id).await;

    let mut errors = Vec::new();
    for code in [403, 409, 422, 500] {
        world.fake.refuse(code, 1, Some("patch"), None);
        let (operation, _) = world.run("deployApp", json!({"appId": id})).await;
        assert_eq!(operation["status"], "FAILED", "{code}: {operation}");
        errors.push(operation["error"].as_str().unwrap_or_default().to_string());
    }
    let after = world.get(id).await;

    assert!(
        errors[0].contains("answered 403") && errors[0].contains("forbidden"),
        "{errors:?}"
    );
    assert!(errors[1].contains("answered 409"), "{errors:?}");
    assert!(
        errors[2].contains("answered 422") && errors[2].contains("Invalid"),
        "{errors:?}"
    );
    assert!(errors[3].contains("answered 500"), "{errors:?}");
    assert_eq!(after["activeVersion"], before["activeVersion"]);
    assert_eq!(after["status"]["phase"], "DEPLOYED");
    assert_eq!(
        world.fake.object("ml", "demo").expect("the resource")["spec"]["graph"],
        graph("1")
    );
    let outcomes: Vec<Value> = world
        .deployments(id)
        .await
        .iter()
        .map(|deployment| deployment["outcome"].clone())
        .collect();
    assert_eq!(
        outcomes,
        [
            json!("REFUSED"),
            json!("REFUSED"),
            json!("REFUSED"),
            json!("REFUSED"),
            json!("DEPLOYED")
        ]
    );
}

//! An app's flows: listed from its graph, and a volume flow's directories and files read
//! from the controller's flow service through the API server's service proxy; paths
//! that leave the flow refused before anything is sent; a flow service that is gone, or
//! an app that is not deployed, answered with a clear error.

use serde_json::{Value, json};

use crate::apps_support::{AppsFixture, fixture};
use crate::fake_flows::FakeFlowService;

/// Two components sharing a volume flow, one of them writing to a stream.
fn graph() -> Value {
    let chart = json!({"repo": "rampart-repo", "name": "job", "version": "1"});
    json!({
        "components": {
            "uploader": {"chart": chart, "outputs": {"out": {"flow": "batch"}}},
            "trainer": {"chart": chart, "inputs": {"in": {"flow": "batch"}},
                        "outputs": {"events": {"flow": "events"}}}
        },
        "flows": {"batch": {"type": "volume", "config": {"size": "1Gi"}}, "events": {"type": "pulsar"}}
    })
}

/// Creates `ml/<name>` with [`graph`]; deploys it when asked. Returns its id.
async fn create(world: &AppsFixture, name: &str, deploy: bool) -> String {
    let body = world
        .graphql(
            "mutation($input: CreateAppInput!) { createApp(input: $input) { id } }",
            json!({"input": {"namespace": "ml", "name": name, "graph": graph()}}),
        )
        .await;
    let id = body["data"]["createApp"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createApp: {body}"))
        .to_string();
    if deploy {
        let (operation, lines) = world
            .run("deployApp", json!({"appId": id, "version": 1}))
            .await;
        assert_eq!(operation["status"], "SUCCEEDED", "{operation} {lines:?}");
    }
    id
}

/// A flow service for the volume flows of `ml/demo`, holding `files` in flow `batch`.
async fn serve_batch(world: &AppsFixture, files: &[(&str, &[u8])]) -> FakeFlowService {
    let service = FakeFlowService::start().await;
    for (path, contents) in files {
        service.write("ml-demo-batch", path, contents);
    }
    world.fake.add_service(
        "ml-demo-rampart-flows-volume",
        "flows-volume-flows-service",
        "8000",
        service.address,
    );
    service
}

/// Queries the app's flows with `selection` on each.
async fn flows(world: &AppsFixture, id: &str, selection: &str) -> Value {
    world
        .graphql(
            &format!("query($id: ID!) {{ app(id: $id) {{ flows {{ name {selection} }} }} }}"),
            json!({"id": id}),
        )
        .await
}

/// The error of `body` about flow `index` (0 is `batch`, 1 is `events`), as `(code,
/// field, message)`.
fn error(body: &Value, index: usize) -> (String, Value, String) {
    let errors = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("an error: {body}"));
    let error = errors
        .iter()
        .find(|error| error["path"][2] == index)
        .unwrap_or_else(|| panic!("an error about flow {index}: {body}"));
    (
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        error["extensions"]["field"].clone(),
        error["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn flows_list_the_graphs_flows_and_a_volume_flows_files_are_read_through_the_service_proxy() {
    let world = fixture().await;
    let service = serve_batch(
        &world,
        &[
            ("runs/a b.txt", b"epoch 1: loss 0.4\n"),
            ("runs/weights.bin", &[0, 159, 146, 150]),
            ("README", b"shared batch"),
        ],
    )
    .await;
    let id = create(&world, "demo", true).await;

    let listed = flows(&world, &id, "type config readBy writtenBy hasFiles").await;
    let root = flows(
        &world,
        &id,
        "hasFiles root: directory { path entries { name path kind } } \
         runs: directory(path: \"/runs/\") { path entries { name path kind } }",
    )
    .await;
    let files = world
        .graphql(
            "query($id: ID!) { app(id: $id) { flows { name hasFiles \
             text: file(path: \"runs/a b.txt\") { path size text base64 } } } }",
            json!({"id": id}),
        )
        .await;
    let binary = world
        .graphql(
            "query($id: ID!) { app(id: $id) { flows { name \
             bin: file(path: \"runs/weights.bin\") { size text base64 } } } }",
            json!({"id": id}),
        )
        .await;

    assert!(listed["errors"].is_null(), "{listed}");
    assert_eq!(
        listed["data"]["app"]["flows"],
        json!([
            {"name": "batch", "type": "volume", "config": {"size": "1Gi"},
             "readBy": ["trainer"], "writtenBy": ["uploader"], "hasFiles": true},
            {"name": "events", "type": "pulsar", "config": null,
             "readBy": [], "writtenBy": ["trainer"], "hasFiles": false}
        ])
    );
    let batch = &root["data"]["app"]["flows"][0];
    assert_eq!(
        batch["root"],
        json!({"path": "", "entries": [
            {"name": "README", "path": "README", "kind": "FILE"},
            {"name": "runs", "path": "runs", "kind": "DIRECTORY"}
        ]}),
        "{root}"
    );
    assert_eq!(
        batch["runs"],
        json!({"path": "runs", "entries": [
            {"name": "a b.txt", "path": "runs/a b.txt", "kind": "FILE"},
            {"name": "weights.bin", "path": "runs/weights.bin", "kind": "FILE"}
        ]})
    );
    // Only the volume flow has files: the pulsar flow answers its own error.
    assert_eq!(
        files["data"]["app"]["flows"][0]["text"],
        json!({"path": "runs/a b.txt", "size": 18, "text": "epoch 1: loss 0.4\n",
               "base64": "ZXBvY2ggMTogbG9zcyAwLjQK"}),
        "{files}"
    );
    let (code, field, message) = error(&files, 1);
    assert_eq!(
        (code.as_str(), &field),
        ("BAD_USER_INPUT", &json!(["path"]))
    );
    assert!(message.contains("pulsar flow"), "{message}");
    assert_eq!(
        binary["data"]["app"]["flows"][0]["bin"],
        json!({"size": 4, "text": null, "base64": "AJ+Slg=="}),
        "{binary}"
    );
    let proxied: Vec<String> = world
        .fake
        .requests()
        .into_iter()
        .map(|request| request.uri)
        .filter(|uri| uri.contains("/proxy/"))
        .collect();
    assert!(
        proxied.contains(
            &"/api/v1/namespaces/ml-demo-rampart-flows-volume/services/flows-volume-flows-service:8000\
              /proxy/api/v1/app/flows_service/ml-demo-batch/file?path=runs%2Fa+b.txt"
                .to_string()
        ),
        "{proxied:?}"
    );
    service.stop().await;
}

#[tokio::test]
async fn a_path_leaving_the_flow_a_missing_file_a_stopped_flow_service_and_an_undeployed_app_are_clear_errors()
 {
    let world = fixture().await;
    let service = serve_batch(&world, &[("README", b"shared batch")]).await;
    let id = create(&world, "demo", true).await;
    let undeployed = create(&world, "draft", false).await;
    let read = |path: &str| format!("batch: file(path: {}) {{ size }}", Value::from(path));

    let traversal = flows(&world, &id, &read("runs/../../../etc/passwd")).await;
    let requests_after_traversal = world.fake.requests().len();
    let missing = flows(&world, &id, &read("runs/nothing.txt")).await;
    let revision = flows(&world, &id, "batch: directory(revision: \"main\") { path }").await;
    let not_deployed = flows(&world, &undeployed, &read("README")).await;
    let before_stop = flows(&world, &id, &read("README")).await;
    service.stop().await;
    let stopped = flows(&world, &id, &read("README")).await;

    // Refused in monitor: nothing reached the API server.
    let (code, field, message) = error(&traversal, 0);
    assert_eq!(
        (code.as_str(), &field),
        ("BAD_USER_INPUT", &json!(["path"]))
    );
    assert!(message.contains("`..`"), "{message}");
    let traversal_requests: Vec<String> = world
        .fake
        .requests()
        .into_iter()
        .take(requests_after_traversal)
        .map(|request| request.uri)
        .filter(|uri| uri.contains("etc"))
        .collect();
    assert!(traversal_requests.is_empty(), "{traversal_requests:?}");
    let (code, _, message) = error(&missing, 0);
    assert_eq!(code, "NOT_FOUND", "{missing}");
    assert!(message.contains("/runs/nothing.txt"), "{message}");
    let (code, field, _) = error(&revision, 0);
    assert_eq!(
        (code.as_str(), &field),
        ("BAD_USER_INPUT", &json!(["revision"]))
    );
    let (code, _, message) = error(&not_deployed, 0);
    assert_eq!(code, "UNAVAILABLE", "{not_deployed}");
    assert!(message.contains("not deployed"), "{message}");
    assert_eq!(before_stop["data"]["app"]["flows"][0]["batch"]["size"], 12);
    let (code, _, message) = error(&stopped, 0);
    assert_eq!(code, "UNAVAILABLE", "{stopped}");
    assert!(
        message.contains("503") && message.contains("error trying to reach service"),
        "{message}"
    );
}

//! monitor restarted while a probe measures: the probe reconnects, its assignment
//! resumes under a new operation, and nothing acknowledged is lost.

use serde_json::json;

use super::measurements::{
    CREATE, FINISHED, MEASUREMENT, RunningProbe, open_port, results, tcp_ping,
};
use crate::helpers::TestApp;
use crate::ws::{self, TRANSPORT_WS};

#[tokio::test]
async fn a_restarted_monitor_takes_its_probes_back_and_the_measurement_resumes() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut probe = RunningProbe::start(&app, &admin, "steady", &[], 1).await;
    super::measurements::grant(&app, &admin, 100).await;
    let port = open_port().await;
    let targets = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    let variables = tcp_ping(&targets, json!({ "ids": [probe.id] }), port, 2);
    let body = app.graphql(Some(&admin), CREATE, variables).await;
    let id = body["data"]["createMeasurement"]["id"]
        .as_str()
        .expect("created")
        .to_string();
    let mut streamed = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        super::measurements::RESULTS,
        json!({ "id": id }),
    )
    .await;
    let first = results(&mut streamed, 1).await.remove(0);

    app.restart_on_same_port().await;
    let admin = app.admin_token().await;
    let mut ended = ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        &admin,
        FINISHED,
        json!({ "id": id }),
    )
    .await;
    super::measurements::finished(&mut ended).await;

    let body = app
        .graphql(Some(&admin), MEASUREMENT, json!({ "id": id }))
        .await;
    let measurement = &body["data"]["measurement"];
    assert_eq!(measurement["status"], "FINISHED", "{body}");
    let stored = measurement["results"]["nodes"].as_array().unwrap();
    assert_eq!(stored.len(), 3, "every target once: {body}");
    assert!(
        stored
            .iter()
            .any(|result| result["target"] == first["target"]),
        "the result acknowledged before the restart is kept"
    );
    let operations = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { operations(filter: { measurementId: $id }) { nodes { status trigger } } }",
            json!({ "id": id }),
        )
        .await;
    let mut statuses: Vec<String> = operations["data"]["operations"]["nodes"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|operation| format!("{} {}", operation["status"], operation["trigger"]))
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        ["\"INTERRUPTED\" \"MANUAL\"", "\"SUCCEEDED\" \"SYSTEM\""],
        "{operations}"
    );
    probe.program.kill().await;
}

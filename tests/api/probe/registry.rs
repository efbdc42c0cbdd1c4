//! What the measurement tests share: registering probes through the API, and waiting
//! for what the server says about them.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::ws::{self, Socket, TRANSPORT_WS};

pub const PROBE_UPDATED: &str = "subscription($id: ID) { probeUpdated(id: $id) { \
    probeId probe { connected capacity inUse softwareVersion clockOffsetMs resultsDelivered } } }";

/// Registers a probe and returns its id and its token.
pub async fn register(app: &TestApp, token: &str, name: &str, tags: &[&str]) -> (String, String) {
    let body = app
        .graphql(
            Some(token),
            "mutation($input: RegisterProbeInput!) { registerProbe(input: $input) { token probe { id name tags } } }",
            json!({ "input": {
                "name": name,
                "location": { "latitude": 50.11, "longitude": 8.68 },
                "tags": tags,
            } }),
        )
        .await;
    let registered = &body["data"]["registerProbe"];
    assert!(
        registered["token"].is_string(),
        "registerProbe failed: {body}"
    );
    (
        registered["probe"]["id"].as_str().unwrap().to_string(),
        registered["token"].as_str().unwrap().to_string(),
    )
}

/// Writes a probe token where `monitor probe --token-file` reads it.
pub fn token_file(directory: &Path, token: &str) -> PathBuf {
    let path = directory.join("probe-token");
    std::fs::write(&path, format!("{token}\n")).unwrap();
    path
}

/// Follows one probe's changes.
pub async fn follow(app: &TestApp, admin: &str, probe_id: &str) -> Socket {
    ws::subscribe(
        &app.ws_url(),
        TRANSPORT_WS,
        admin,
        PROBE_UPDATED,
        json!({ "id": probe_id }),
    )
    .await
}

/// The probe as the first change that satisfies `wanted` shows it.
pub async fn until(socket: &mut Socket, wanted: impl Fn(&Value) -> bool) -> Value {
    loop {
        let payload = ws::next_payload(socket).await;
        let probe = payload["data"]["probeUpdated"]["probe"].clone();
        if wanted(&probe) {
            return probe;
        }
    }
}

//! Measurements end to end: real `monitor probe` processes connected to the real server,
//! measuring real sockets on this machine; results over the subscription, the query,
//! the NDJSON download and the probe's connection (acknowledged, so exactly once even
//! across `kill -9`); bad input refused with its field path, nothing stored or sent.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::program::Program;
use super::registry::{follow, register, token_file, until};
use crate::dockerd::eventually;
use crate::helpers::{TestApp, error_code};
use crate::ws::{self, Socket, TRANSPORT_WS};

pub(super) const CREATE: &str = "mutation($input: CreateMeasurementInput!) { createMeasurement(input: $input) \
    { id kind status probeCount probesAsked resultsExpected operation { kind status } } }";

pub(super) const RESULTS: &str = "subscription($id: ID!) { measurementResults(measurementId: $id) \
    { id probeId target run kind rttMs error ping { sent received lossPercent address port } } }";

pub(super) const FINISHED: &str = "subscription($id: ID!) { operationUpdated(filter: \
    { measurementId: $id, statuses: [SUCCEEDED] }) { id status kind } }";

pub(super) const MEASUREMENT: &str = "query($id: ID!) { measurement(id: $id) { status \
    results(first: 10) { nodes { target run measuredAt ping { sent received } raw probe { name } } } \
    probeSummaries { probeId results errors avgRttMs } targetSummaries { target results } \
    assignments { status resultsDelivered resultsExpected probe { name } } \
    operation { status kind } resultsDownloadPath } }";

/// A port on 127.0.0.1 that accepts every connection: a TCP ping's target.
pub(super) async fn open_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((connection, _)) = listener.accept().await {
            drop(connection);
        }
    });
    port
}

/// Connections accepted, by the loopback address they were made to.
type Dialled = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// One port open on each of `addresses` (loopback), counting the connections made to
/// each: a TCP ping's targets, and how often each was measured.
async fn counting_port(addresses: &[&str]) -> (u16, Dialled) {
    let dialled = Dialled::default();
    'ports: loop {
        let first = TcpListener::bind((addresses[0], 0)).await.unwrap();
        let port = first.local_addr().unwrap().port();
        let mut listeners = vec![first];
        for address in &addresses[1..] {
            match TcpListener::bind((*address, port)).await {
                Ok(listener) => listeners.push(listener),
                Err(_) => continue 'ports,
            }
        }
        for listener in listeners {
            let dialled = dialled.clone();
            tokio::spawn(async move {
                while let Ok((connection, _)) = listener.accept().await {
                    let address = connection.local_addr().unwrap().ip();
                    *dialled.lock().unwrap().entry(address).or_default() += 1;
                }
            });
        }
        return (port, dialled);
    }
}

pub(super) fn tcp_ping(targets: &[&str], probes: Value, port: u16, packets: u32) -> Value {
    json!({ "input": {
        "kind": "PING",
        "targets": targets,
        "probes": probes,
        "params": { "ping": { "protocol": "TCP", "port": port, "packets": packets, "intervalMs": 1000 } },
        "description": "loopback",
    } })
}

pub(super) async fn create(app: &TestApp, token: &str, variables: Value) -> Value {
    app.graphql(Some(token), CREATE, variables).await
}

/// Creates a measurement of ten runs of a 2-packet ping (20 credits), a minute apart
/// from five minutes on, on one probe: it holds the probe's slot and delivers nothing
/// before it is cancelled. Its id.
pub(super) async fn create_repeated(
    app: &TestApp,
    admin: &str,
    probe_id: &str,
    port: u16,
) -> String {
    let mut repeated = tcp_ping(&["127.0.0.1"], json!({ "ids": [probe_id] }), port, 2);
    let start = chrono::Utc::now() + chrono::Duration::minutes(5);
    repeated["input"]["schedule"] = json!({
        "everySeconds": 60,
        "start": start,
        "stop": start + chrono::Duration::minutes(10),
    });
    let body = create(app, admin, repeated).await;
    body["data"]["createMeasurement"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("created: {body}"))
        .to_string()
}

pub(super) async fn cancel(app: &TestApp, admin: &str, id: &str) -> Value {
    app.graphql(
        Some(admin),
        "mutation($input: CancelMeasurementInput!) { cancelMeasurement(input: $input) \
         { status creditsReserved creditsUsed operation { status } } }",
        json!({ "input": { "id": id } }),
    )
    .await
}

/// Results as `measurementResults` streams them, until `count` have come.
pub(super) async fn results(socket: &mut Socket, count: usize) -> Vec<Value> {
    let mut seen = Vec::new();
    while seen.len() < count {
        let payload = ws::next_payload(socket).await;
        seen.push(payload["data"]["measurementResults"].clone());
    }
    seen
}

/// Follows a measurement: its results as they are stored, and its operation's success.
pub(super) async fn watch(app: &TestApp, admin: &str, id: &str) -> (Socket, Socket) {
    let variables = json!({ "id": id });
    let url = app.ws_url();
    let results = ws::subscribe(&url, TRANSPORT_WS, admin, RESULTS, variables.clone()).await;
    let ended = ws::subscribe(&url, TRANSPORT_WS, admin, FINISHED, variables).await;
    (results, ended)
}

/// A registered probe, running as a real `monitor probe` process and connected.
pub(super) struct RunningProbe {
    pub id: String,
    pub program: Program,
    pub updates: Socket,
    pub token_file: std::path::PathBuf,
    pub spool: std::path::PathBuf,
    _directory: tempfile::TempDir,
}

impl RunningProbe {
    pub async fn start(
        app: &TestApp,
        admin: &str,
        name: &str,
        tags: &[&str],
        capacity: u32,
    ) -> Self {
        let (id, token) = register(app, admin, name, tags).await;
        let directory = tempfile::tempdir().unwrap();
        let token_file = token_file(directory.path(), &token);
        let spool = directory.path().join("spool");
        let mut updates = follow(app, admin, &id).await;
        let program = Program::start(&app.address, &token_file, &spool, capacity);
        until(&mut updates, |probe| probe["connected"] == true).await;
        RunningProbe {
            id,
            program,
            updates,
            token_file,
            spool,
            _directory: directory,
        }
    }

    /// Starts the program again with its token and spool, after a kill.
    pub fn restart(&mut self, app: &TestApp, capacity: u32) {
        self.program = Program::start(&app.address, &self.token_file, &self.spool, capacity);
    }
}

/// Gives the admin credits to measure with.
pub(super) async fn grant(app: &TestApp, admin: &str, amount: i64) {
    let user_id = app.user_id(admin, "admin").await;
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { balance } }",
            json!({ "input": { "userId": user_id, "amount": amount, "note": "for tests" } }),
        )
        .await;
    assert!(
        body["data"]["grantCredits"]["balance"].is_number(),
        "{body}"
    );
}

const CREDITS: &str =
    "{ credits { balance } creditLedger(first: 20) { nodes { movement amount } } }";

/// The caller's balance, and its ledger's entries as `MOVEMENT amount`, newest first;
/// checks the balance is the ledger's sum.
pub(super) async fn credits(app: &TestApp, admin: &str) -> (i64, Vec<String>) {
    let body = app.graphql(Some(admin), CREDITS, json!({})).await;
    let balance = body["data"]["credits"]["balance"]
        .as_i64()
        .expect("a balance");
    let entries = body["data"]["creditLedger"]["nodes"]
        .as_array()
        .expect("a ledger");
    let sum: i64 = entries
        .iter()
        .map(|entry| entry["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(balance, sum, "the balance is the ledger's sum: {body}");
    let entries = entries
        .iter()
        .map(|entry| {
            format!(
                "{} {}",
                entry["movement"].as_str().unwrap(),
                entry["amount"]
            )
        })
        .collect();
    (balance, entries)
}

/// Checks no measurement was stored.
pub(super) async fn nothing_stored(app: &TestApp, admin: &str) {
    let none = app
        .graphql(Some(admin), "{ measurements { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        none["data"]["measurements"]["nodes"],
        json!([]),
        "nothing stored"
    );
}

pub(super) async fn finished(socket: &mut Socket) {
    let payload = ws::next_payload(socket).await;
    assert_eq!(payload["data"]["operationUpdated"]["status"], "SUCCEEDED");
}

#[tokio::test]
async fn a_measurement_runs_on_a_real_probe_and_its_results_stream_store_and_download() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut probe = RunningProbe::start(&app, &admin, "loop-1", &["lab", "EU"], 2).await;
    let probe_id = probe.id.clone();
    let shown = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { probe(id: $id) { connected capacity softwareVersion clockOffsetMs owner { username } } }",
            json!({ "id": probe_id }),
        )
        .await;
    let shown = &shown["data"]["probe"];
    assert_eq!(
        (shown["connected"].clone(), shown["capacity"].clone()),
        (json!(true), json!(2))
    );
    assert_eq!(shown["softwareVersion"], env!("CARGO_PKG_VERSION"));
    assert!(shown["clockOffsetMs"].is_number(), "{shown}");
    assert_eq!(shown["owner"]["username"], "admin");
    let port = open_port().await;

    // Bad input: the field path, and nothing stored or sent.
    let by_id = json!({ "ids": [probe_id] });
    for (variables, field) in [
        (
            tcp_ping(&["127.0.0.1"], by_id.clone(), port, 17),
            json!(["input", "params", "ping", "packets"]),
        ),
        (
            tcp_ping(&["not a host"], by_id.clone(), port, 1),
            json!(["input", "targets", "0"]),
        ),
        (
            tcp_ping(
                &["127.0.0.1"],
                json!({ "count": 2, "tags": ["nowhere"] }),
                port,
                1,
            ),
            json!(["input", "probes"]),
        ),
        (
            tcp_ping(&["127.0.0.1"], json!({ "ids": ["no-such-probe"] }), port, 1),
            json!(["input", "probes", "ids", "0"]),
        ),
    ] {
        let body = create(&app, &admin, variables).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    // The kind is an enum: the schema itself refuses an unknown one, at its field.
    let mut unknown_kind = tcp_ping(&["127.0.0.1"], by_id.clone(), port, 1);
    unknown_kind["input"]["kind"] = json!("SMTP");
    let body = create(&app, &admin, unknown_kind).await;
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        json!(["input", "kind"])
    );
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("MeasurementKind"), "{message}");
    let mut backwards = tcp_ping(&["127.0.0.1"], by_id.clone(), port, 1);
    backwards["input"]["schedule"] = json!({
        "everySeconds": 60,
        "start": "2099-01-02T00:00:00Z",
        "stop": "2099-01-01T00:00:00Z",
    });
    let body = create(&app, &admin, backwards).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        json!(["input", "schedule", "stop"])
    );
    nothing_stored(&app, &admin).await;

    // Two packets cost 2 credits: refused with what is needed, then quoted once granted.
    let by_tag = tcp_ping(
        &["127.0.0.1"],
        json!({ "count": 1, "tags": ["eu"] }),
        port,
        2,
    );
    let body = create(&app, &admin, by_tag.clone()).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("costs 2 credits and the balance is 0"),
        "{message}"
    );
    assert_eq!(credits(&app, &admin).await, (0, vec![]), "nothing reserved");
    grant(&app, &admin, 100).await;
    let quote = app
        .graphql(
            Some(&admin),
            "query($input: CreateMeasurementInput!) { measurementQuote(input: $input) \
             { probesAsked probes costPerResult results total balance enough } }",
            by_tag,
        )
        .await;
    assert_eq!(
        quote["data"]["measurementQuote"],
        json!({ "probesAsked": 1, "probes": 1, "costPerResult": 2, "results": 1, "total": 2,
                "balance": 100, "enough": true })
    );

    // A measurement by tags: two pings of an open port, then its results everywhere.
    let body = create(
        &app,
        &admin,
        tcp_ping(
            &["127.0.0.1"],
            json!({ "count": 1, "tags": ["eu"] }),
            port,
            2,
        ),
    )
    .await;
    let created = &body["data"]["createMeasurement"];
    assert_eq!(created["status"], "RUNNING", "{body}");
    assert_eq!(
        (
            created["probeCount"].clone(),
            created["resultsExpected"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(created["operation"]["kind"], "MEASUREMENT");
    let id = created["id"].as_str().unwrap().to_string();
    // The two packets are a second apart: both subscriptions are open before the result.
    let (mut streamed, mut ended) = watch(&app, &admin, &id).await;
    let result = results(&mut streamed, 1).await.remove(0);
    assert_eq!(result["probeId"], probe_id.as_str());
    assert_eq!(
        (result["target"].clone(), result["run"].clone()),
        (json!("127.0.0.1"), json!(0))
    );
    assert_eq!(result["ping"]["sent"], 2, "{result}");
    assert_eq!(result["ping"]["received"], 2, "{result}");
    assert_eq!(result["ping"]["port"], port);
    assert!(result["rttMs"].as_f64().unwrap() > 0.0, "{result}");
    finished(&mut ended).await;

    let body = app
        .graphql(Some(&admin), MEASUREMENT, json!({ "id": id }))
        .await;
    let measurement = &body["data"]["measurement"];
    assert_eq!(measurement["status"], "FINISHED", "{body}");
    assert_eq!(measurement["operation"]["status"], "SUCCEEDED");
    let stored = &measurement["results"]["nodes"];
    assert_eq!(stored.as_array().unwrap().len(), 1, "stored once: {body}");
    assert_eq!(stored[0]["raw"]["kind"], "PING");
    assert_eq!(stored[0]["probe"]["name"], "loop-1");
    assert_eq!(measurement["assignments"][0]["status"], "DONE");
    assert_eq!(measurement["assignments"][0]["resultsDelivered"], 1);
    assert_eq!(measurement["probeSummaries"][0]["results"], 1);
    assert_eq!(measurement["probeSummaries"][0]["errors"], 0);
    assert_eq!(measurement["targetSummaries"][0]["target"], "127.0.0.1");

    let path = measurement["resultsDownloadPath"].as_str().unwrap();
    let url = format!("{}{path}", app.address);
    let anonymous = app.http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let download = app.http.get(&url).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(download.status(), 200);
    let text = download.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["result"]["received"], 2);

    // The probe's slot is free again once its result counted (once).
    until(&mut probe.updates, |probe| {
        probe["resultsDelivered"] == 1 && probe["inUse"] == 0
    })
    .await;
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 20) { nodes { kind } } }",
            json!({}),
        )
        .await;
    let kinds = audit["data"]["auditEvents"]["nodes"].to_string();
    for kind in ["PROBE_REGISTERED", "CREDITS_GRANTED", "MEASUREMENT_CREATED"] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds}");
    }
    assert_eq!(
        credits(&app, &admin).await,
        (98, vec!["RESERVATION -2".into(), "GRANT 100".into()]),
        "every result delivered: nothing to give back"
    );

    // A repeated measurement cancelled: stopped on the probe, the unused credits back.
    let id = create_repeated(&app, &admin, &probe_id, port).await;
    until(&mut probe.updates, |probe| probe["inUse"] == 1).await;
    let (balance, _) = credits(&app, &admin).await;
    assert_eq!(balance, 98 - 20, "ten runs of 2 credits reserved");
    let cancelled = cancel(&app, &admin, &id).await;
    assert_eq!(
        cancelled["data"]["cancelMeasurement"],
        json!({ "status": "CANCELLED", "creditsReserved": 20, "creditsUsed": 0,
                "operation": { "status": "CANCELLED" } }),
        "{cancelled}"
    );
    until(&mut probe.updates, |probe| probe["inUse"] == 0).await;
    let (balance, entries) = credits(&app, &admin).await;
    assert_eq!((balance, entries[0].as_str()), (98, "RELEASE 20"));
    probe.program.kill().await;
}

#[tokio::test]
async fn a_probe_killed_mid_measurement_delivers_every_result_exactly_once_after_a_restart() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut probe = RunningProbe::start(&app, &admin, "killed", &[], 1).await;
    let probe_id = probe.id.clone();
    let targets = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    let (port, dialled) = counting_port(&targets).await;

    grant(&app, &admin, 100).await;
    // Capacity 1 and two packets a second apart: the targets are measured one by one.
    let body = create(
        &app,
        &admin,
        tcp_ping(&targets, json!({ "ids": [probe_id] }), port, 2),
    )
    .await;
    let id = body["data"]["createMeasurement"]["id"]
        .as_str()
        .expect("created")
        .to_string();
    let (mut streamed, mut ended) = watch(&app, &admin, &id).await;
    let first = results(&mut streamed, 1).await;
    // Killed once it has forgotten its first result (the server acknowledged it): the
    // server's word is then all that keeps that target from being measured again.
    let spool = probe.spool.clone();
    eventually(
        "the acknowledged result to leave the spool",
        Duration::from_secs(30),
        || {
            let spool = spool.clone();
            async move { spool_is_empty(&spool).then_some(()) }
        },
    )
    .await;
    probe.program.kill().await;
    until(&mut probe.updates, |probe| probe["connected"] == false).await;

    probe.restart(&app, 1);
    let rest = results(&mut streamed, 2).await;
    finished(&mut ended).await;
    let mut keys: Vec<String> = first
        .iter()
        .chain(&rest)
        .map(|result| format!("{}/{}", result["target"], result["run"]))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 3, "each target once: {first:?} {rest:?}");

    let body = app
        .graphql(Some(&admin), MEASUREMENT, json!({ "id": id }))
        .await;
    let measurement = &body["data"]["measurement"];
    assert_eq!(
        measurement["results"]["nodes"].as_array().unwrap().len(),
        3,
        "{body}"
    );
    assert_eq!(measurement["assignments"][0]["resultsDelivered"], 3);
    assert_eq!(measurement["status"], "FINISHED");
    let target: IpAddr = first[0]["target"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        dialled.lock().unwrap().get(&target).copied(),
        Some(2),
        "the acknowledged target was measured once (two packets), not again after the restart"
    );
    probe.program.kill().await;
}

/// Whether the spool holds no result.
fn spool_is_empty(spool: &std::path::Path) -> bool {
    std::fs::read_dir(spool).is_ok_and(|entries| {
        entries.flatten().all(|entry| {
            entry
                .path()
                .extension()
                .is_none_or(|extension| extension != "json")
        })
    })
}

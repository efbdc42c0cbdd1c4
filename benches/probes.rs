//! The probes benchmark: `BENCH_PROBES` (1,000) probe connections on one real monitor,
//! driven by a load generator that speaks the probe protocol (no real measuring: the
//! generator sends results as a probe would).
//!
//! - Memory per idle connected probe: monitor's RSS and heap in use (from its
//!   `/metrics`), each read once it has settled, before any probe connects, once a tenth
//!   of them are connected and once all are; per probe over the last nine tenths (what
//!   one more probe costs, past the code and arenas the first ones bring in) and over all.
//! - Dispatch: a measurement over every probe, from `createMeasurement` to each probe
//!   holding its assignment (p50, p99, all).
//! - Result → subscriber: one result per probe, paced, from sending it to a
//!   `measurementResults` subscriber having it (p50, p99).
//! - Ingestion: every probe sends the rest of its results (99 each) at once; results/s
//!   until every one is acknowledged (none lost: each is acknowledged and counted), as
//!   a ratio to storing the same rows straight into a store with the same concurrency,
//!   in the same run.
//!
//! Run: `cargo bench --bench probes` (release), or `cargo test --release --bench
//! probes`; `BENCH_PROBES` sets the number of probes.

#[allow(dead_code)]
#[path = "../tests/api/dockerd.rs"]
mod dockerd;
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;
#[path = "support/memory.rs"]
mod memory;
#[allow(dead_code)]
#[path = "../tests/api/ws.rs"]
mod ws;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::Barrier;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use helpers::TestApp;
use memory::Memory;
use monitor::probes::input::MeasurementKind;
use monitor::probes::protocol::ResultMessage;
use monitor::probes::results::ResultRow;
use monitor::store::{Store, StoreAddress};

const TARGETS: usize = 100;
type Sends = Arc<Mutex<HashMap<String, Instant>>>;

fn number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn target(index: usize) -> String {
    format!("192.0.2.{}", index + 1)
}

/// What a probe sends for its `n`th target, without the message's `type`.
fn result_message(assignment: &str, measurement: &str, n: usize) -> Value {
    json!({ "measurementId": measurement, "probeTime": chrono::Utc::now(), "offsetMicros": 0,
        "key": { "assignmentId": assignment, "run": 0, "target": target(n) },
        "result": { "kind": "PING", "protocol": "ICMP", "address": target(n), "port": null,
            "packets": [{ "seq": 0, "rttMs": 1.5 }], "sent": 1, "received": 1,
            "lossPercent": 0.0, "minMs": 1.5, "avgMs": 1.5, "maxMs": 1.5 } })
}

/// What one generated probe saw.
struct Seen {
    assigned_at: Instant,
    ingest_done: Instant,
}

#[tokio::main]
async fn main() {
    let probes = number("BENCH_PROBES", 1000);
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let admin_id = app.user_id(&admin, "admin").await;
    app.graphql(
        Some(&admin),
        "mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { balance } }",
        json!({ "input": { "userId": admin_id, "amount": 1_000_000_000 } }),
    )
    .await;
    let mut tokens = Vec::with_capacity(probes);
    for n in 0..probes {
        let body = app
            .graphql(
                Some(&admin),
                "mutation($input: RegisterProbeInput!) { registerProbe(input: $input) { token } }",
                json!({ "input": { "name": format!("gen-{n}"),
                    "location": { "latitude": 0.0, "longitude": 0.0 }, "tags": ["bench"] } }),
            )
            .await;
        tokens.push(
            body["data"]["registerProbe"]["token"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let before = Memory::settled(&app).await;

    let url = format!("{}/probes/connect", app.address.replacen("http", "ws", 1));
    let phases = Arc::new(Barrier::new(probes + 1));
    let sends: Sends = Arc::default();
    let (connected, mut connections) = tokio::sync::mpsc::unbounded_channel();
    let mut generators = tokio::task::JoinSet::new();
    let mut run = Run {
        app: &app,
        phases: &phases,
        generators: &mut generators,
    };
    let first_wave = probes / 10;
    let mut tokens = tokens.into_iter().enumerate();
    let generator = |(index, token)| {
        let (url, phases, sends) = (url.clone(), phases.clone(), sends.clone());
        generate(
            url,
            token,
            (index, probes),
            phases,
            sends,
            connected.clone(),
        )
    };
    for probe in tokens.by_ref().take(first_wave) {
        run.generators.spawn(generator(probe));
    }
    for _ in 0..first_wave {
        run.unless_failed(connections.recv()).await;
    }
    let warm = Memory::settled(&app).await;
    for probe in tokens {
        run.generators.spawn(generator(probe));
    }
    run.phase("every probe connected").await;
    let after = Memory::settled(&app).await;

    let targets: Vec<String> = (0..TARGETS).map(target).collect();
    let created_at = Instant::now();
    let body = app
        .graphql(
            Some(&admin),
            "mutation($input: CreateMeasurementInput!) { createMeasurement(input: $input) { id } }",
            json!({ "input": { "kind": "PING", "targets": targets,
                "probes": { "count": probes, "tags": ["bench"] },
                "params": { "ping": { "packets": 1 } } } }),
        )
        .await;
    let id = body["data"]["createMeasurement"]["id"]
        .as_str()
        .expect("created")
        .to_string();
    run.phase("every probe holds its assignment").await;

    let mut subscriber = ws::subscribe(
        &app.ws_url(),
        ws::TRANSPORT_WS,
        &admin,
        "subscription($id: ID!) { measurementResults(measurementId: $id) { target probeId run } }",
        json!({ "id": id }),
    )
    .await;
    let receiving = tokio::spawn({
        let sends = sends.clone();
        async move {
            let mut latencies = Vec::with_capacity(probes);
            while latencies.len() < probes {
                let payload = ws::next_payload(&mut subscriber).await;
                let result = &payload["data"]["measurementResults"];
                let key = format!("{}/{}", result["probeId"], result["target"]);
                let sent = sends.lock().unwrap().get(&key).copied();
                if let Some(sent) = sent {
                    latencies.push(sent.elapsed());
                }
            }
            latencies
        }
    });
    run.phase("start the paced results").await;
    let mut latencies = run.unless_failed(receiving).await.unwrap();
    run.phase("every paced result acknowledged").await;
    let ingest_started = Instant::now();
    run.phase("start the burst").await;
    let mut seen = Vec::with_capacity(probes);
    while let Some(outcome) = generators.join_next().await {
        match outcome {
            Ok(one) => seen.push(one),
            Err(failed) => server_errors(&app, "the burst", failed),
        }
    }
    let ingest_end = seen.iter().map(|s| s.ingest_done).max().unwrap();
    let ingested = probes * (TARGETS - 1);
    let ingest_seconds = (ingest_end - ingest_started).as_secs_f64();
    let mut dispatch: Vec<Duration> = seen.iter().map(|s| s.assigned_at - created_at).collect();

    let body = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { measurement(id: $id) { status assignments { resultsDelivered } } }",
            json!({ "id": id }),
        )
        .await;
    let delivered: i64 = body["data"]["measurement"]["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["resultsDelivered"].as_i64().unwrap())
        .sum();
    assert_eq!(delivered as usize, probes * TARGETS, "none lost: {body}");

    let baseline = baseline(probes).await;
    let rate = ingested as f64 / ingest_seconds;
    println!("probes: {probes}");
    println!(
        "memory (RSS read every {:?} for at least {:?}, until two readings in a row agree \
         within 1 %, then the heap in use):",
        Memory::EVERY,
        monitor::resident::TRIM_EVERY + Duration::from_secs(1)
    );
    println!("  no probe connected: {before}");
    println!("  {first_wave} probes connected: {warm}");
    println!("  {probes} probes connected: {after}");
    println!(
        "  per idle probe, the last {} probes: {}",
        probes - first_wave,
        after.per_probe(&warm, probes - first_wave)
    );
    println!(
        "  per idle probe, all {probes} probes: {}",
        after.per_probe(&before, probes)
    );
    println!(
        "dispatch (create -> probe holds it): {}",
        summary(&mut dispatch)
    );
    println!("result -> subscriber: {}", summary(&mut latencies));
    println!(
        "ingestion: {ingested} results in {ingest_seconds:.2} s = {rate:.0} results/s; \
         straight store inserts {baseline:.0} rows/s; ratio {:.2}",
        rate / baseline
    );
}

/// The phases of a run, stopped (with monitor's errors shown) as soon as one generated
/// probe fails: the others would otherwise wait at the next phase for good.
struct Run<'a> {
    app: &'a TestApp,
    phases: &'a Barrier,
    generators: &'a mut tokio::task::JoinSet<Seen>,
}

impl Run<'_> {
    async fn phase(&mut self, name: &str) {
        let phases = self.phases;
        self.unless_failed(async { phases.wait().await }).await;
        println!("phase: {name}");
    }

    async fn unless_failed<T>(&mut self, work: impl std::future::Future<Output = T>) -> T {
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return done,
                Some(outcome) = self.generators.join_next() => {
                    if let Err(failed) = outcome {
                        server_errors(self.app, "a phase", failed);
                    }
                }
            }
        }
    }
}

/// Keeps monitor's log and shows its last warnings and errors, then stops the run.
fn server_errors(app: &TestApp, during: &str, failed: tokio::task::JoinError) -> ! {
    let logs = app
        .logs
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let kept = std::env::temp_dir().join("probes-bench-monitor.log");
    std::fs::write(&kept, logs.join("\n")).unwrap();
    let noted: Vec<&String> = logs
        .iter()
        .filter(|line| line.contains("WARN") || line.contains("ERROR"))
        .collect();
    let shown = noted[noted.len().saturating_sub(20)..]
        .iter()
        .map(|line| line.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    panic!(
        "a generated probe failed during {during}: {failed}\nmonitor's log is in {}; its last \
         warnings and errors:\n{shown}",
        kept.display()
    );
}

/// Connects as probe `index` (and says so on `connected`), then plays each phase,
/// waiting at `phases` between them.
async fn generate(
    url: String,
    token: String,
    (index, probes): (usize, usize),
    phases: Arc<Barrier>,
    sends: Sends,
    connected: tokio::sync::mpsc::UnboundedSender<()>,
) -> Seen {
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connects");
    let hello = json!({ "type": "hello", "protocol": 1, "version": "bench", "capacity": 4,
        "probeTime": chrono::Utc::now(), "spooled": 0 });
    socket.send(Message::text(hello.to_string())).await.unwrap();
    let welcome = next(&mut socket).await;
    let probe_id = welcome["probeId"].as_str().unwrap().to_string();
    let offset = json!({ "type": "clockOffset", "offsetMicros": 0, "delayMicros": 0 });
    socket
        .send(Message::text(offset.to_string()))
        .await
        .unwrap();
    // Answered in order: once the reply is here, the server counts the probe connected.
    let request = json!({ "type": "timeRequest", "probeSent": chrono::Utc::now() });
    socket
        .send(Message::text(request.to_string()))
        .await
        .unwrap();
    while next(&mut socket).await["type"] != "timeReply" {}
    let _ = connected.send(());
    phases.wait().await;

    let assign = loop {
        let message = next(&mut socket).await;
        if message["type"] == "assign" {
            break message;
        }
    };
    let assigned_at = Instant::now();
    let assignment = assign["assignmentId"].as_str().unwrap().to_string();
    let measurement = assign["measurementId"].as_str().unwrap().to_string();
    let accepted = json!({ "type": "accepted", "assignmentId": assignment });
    socket
        .send(Message::text(accepted.to_string()))
        .await
        .unwrap();
    phases.wait().await;

    let result = |n: usize| {
        let mut message = result_message(&assignment, &measurement, n);
        message["type"] = json!("result");
        message.to_string()
    };
    phases.wait().await;
    // Paced: the probes' first results spread over about five seconds.
    tokio::time::sleep(Duration::from_millis(index as u64 * 5000 / probes as u64)).await;
    sends
        .lock()
        .unwrap()
        .insert(format!("\"{probe_id}\"/\"{}\"", target(0)), Instant::now());
    socket.send(Message::text(result(0))).await.unwrap();
    acks(&mut socket, 1).await;
    phases.wait().await;

    phases.wait().await;
    for n in 1..TARGETS {
        socket.send(Message::text(result(n))).await.unwrap();
    }
    acks(&mut socket, TARGETS - 1).await;
    let ingest_done = Instant::now();
    Seen {
        assigned_at,
        ingest_done,
    }
}

async fn next(socket: &mut ws::Socket) -> Value {
    loop {
        match socket.next().await.expect("open").expect("a frame") {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => {}
        }
    }
}

/// Waits for `count` acknowledged keys; a rejection is a lost result.
async fn acks(socket: &mut ws::Socket, count: usize) {
    let mut acked = 0;
    while acked < count {
        let message = next(socket).await;
        match message["type"].as_str() {
            Some("ack") => acked += message["keys"].as_array().unwrap().len(),
            Some("reject") | Some("error") => panic!("refused: {message}"),
            _ => {}
        }
    }
}

/// Rows per second stored straight into a fresh embedded store, with one writer per
/// probe as the sessions have, each `CREATE` the row monitor stores for the same
/// result (same fields, at the record its measurement and key name, same indexes).
async fn baseline(writers: usize) -> f64 {
    let directory = tempfile::tempdir().unwrap();
    let address = StoreAddress {
        url: format!("surrealkv://{}", directory.path().join("store").display()),
        namespace: "bench".into(),
        database: "bench".into(),
        credentials: None,
        newest_backup: None,
    };
    let store = Store::connect(&address).await.unwrap();
    store.prepare().await.unwrap();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..writers {
        let store = store.clone();
        tasks.spawn(async move {
            for n in 1..TARGETS {
                let message = result_message(&format!("w{writer}"), "m", n);
                let message: ResultMessage = serde_json::from_value(message).unwrap();
                let row = ResultRow::of("p", MeasurementKind::Ping, &message);
                store
                    .db()
                    .query("CREATE $row.id CONTENT $row RETURN NONE")
                    .bind(("row", row))
                    .await
                    .unwrap()
                    .check()
                    .unwrap();
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    (writers * (TARGETS - 1)) as f64 / started.elapsed().as_secs_f64()
}

fn summary(samples: &mut [Duration]) -> String {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    format!(
        "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
        samples.len()
    )
}

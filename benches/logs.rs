//! The live-logs benchmark: what a log viewer gets from monitor, against the engine.
//!
//! - Throughput: a container writes `BENCH_LINES` lines as fast as it can while two
//!   readers follow it: `containerLogs` over a websocket, and bollard reading the same
//!   container straight from the Docker API. Lines/s of each and their ratio.
//! - Latency: a container writes a line every `BENCH_INTERVAL_MS` (100); for 1, 100 and 1,000 concurrent
//!   subscribers, the time from the engine's timestamp of a line (taken when the engine
//!   read it from the container) to its arrival at each subscriber, p50/p99; the same
//!   for a direct Docker API reader as the baseline; and monitor's RSS per subscriber.
//!
//! Real parts only: a private dockerd, the real `monitor` binary, real websockets. The
//! harness is the integration tests' own (`tests/api`). Run: `cargo bench --bench logs`.

#[allow(dead_code)]
#[path = "../tests/api/dockerd.rs"]
mod dockerd;
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "support/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "../tests/api/ws.rs"]
mod ws;

use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use dockerd::{Dockerd, IMAGE};
use helpers::TestApp;
use load::number;

const LOGS: &str = "subscription($s: ID!, $c: ID!, $tail: Int) { containerLogs(serverId: $s, containerId: $c, tail: $tail) { stream text timestamp } }";

#[tokio::main]
async fn main() {
    let lines = number("BENCH_LINES", 200_000);
    let seconds = number("BENCH_SECONDS", 5) as u64;
    let interval_ms = number("BENCH_INTERVAL_MS", 100);
    let engine = Dockerd::start().await;
    let app =
        TestApp::spawn_with_env(vec![("MONITOR_SERVER_CHECK_SECONDS".into(), "1".into())]).await;
    let admin = app.admin_token().await;
    let body = app
        .graphql(
            Some(&admin),
            "mutation($e: String!) { createServer(input: { name: \"bench\", endpoint: $e }) { id } }",
            json!({ "e": engine.host }),
        )
        .await;
    let server = body["data"]["createServer"]["id"]
        .as_str()
        .expect("a server")
        .to_string();
    let socket = engine.host.trim_start_matches("unix://").to_string();
    let docker = Docker::connect_with_unix(&socket, 120, &monitor::docker::API_VERSION)
        .expect("a Docker client");
    println!("# monitor live-logs benchmark\n");
    throughput(&engine, &app, &admin, &server, &docker, lines).await;
    latency(
        &engine,
        &app,
        &admin,
        &server,
        &docker,
        seconds,
        interval_ms,
    )
    .await;
}

/// The lines of a container's log as bollard reads them from the engine.
fn direct(
    docker: &Docker,
    container: &str,
    follow: bool,
) -> impl futures::Stream<Item = (DateTime<Utc>, String)> + use<> {
    let options = LogsOptions {
        follow,
        stdout: true,
        stderr: true,
        timestamps: true,
        tail: "0".into(),
        ..Default::default()
    };
    docker.logs(container, Some(options)).flat_map(|output| {
        let lines: Vec<(DateTime<Utc>, String)> = match output {
            Ok(LogOutput::StdOut { message } | LogOutput::StdErr { message }) => {
                String::from_utf8_lossy(&message)
                    .lines()
                    .filter_map(|line| {
                        let (at, text) = line.split_once(' ')?;
                        Some((
                            DateTime::parse_from_rfc3339(at).ok()?.to_utc(),
                            text.to_string(),
                        ))
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        futures::stream::iter(lines)
    })
}

async fn throughput(
    engine: &Dockerd,
    app: &TestApp,
    admin: &str,
    server: &str,
    docker: &Docker,
    lines: usize,
) {
    // The container writes once the file `go` appears in a directory shared with it.
    let signal = tempfile::tempdir().expect("a directory");
    let mount = format!("{}:/signal", signal.path().display());
    let script =
        format!("while [ ! -e /signal/go ]; do sleep 0.01; done; seq 1 {lines}; sleep 3600");
    engine
        .run(&["--name", "burst", "-v", &mount, IMAGE, "sh", "-c", &script])
        .await;
    // Both readers are following before the first line is written.
    let mut subscription = ws::subscribe(
        &app.ws_url(),
        ws::TRANSPORT_WS,
        admin,
        LOGS,
        json!({ "s": server, "c": "burst", "tail": 0 }),
    )
    .await;
    let mut baseline = Box::pin(direct(docker, "burst", true));
    // Give both readers time to reach the engine (nothing signals that they have).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    std::fs::write(signal.path().join("go"), "").expect("signal the container");
    let reader = tokio::spawn(async move {
        let mut count = 0;
        let mut last = Instant::now();
        while count < lines {
            let Some(_) = baseline.next().await else {
                break;
            };
            count += 1;
            last = Instant::now();
        }
        (count, last)
    });
    let mut count = 0;
    let mut dropped = 0u64;
    let mut last = Instant::now();
    while count + (dropped as usize) < lines {
        let message = ws::next_json(&mut subscription).await;
        if let Some(missed) = message["payload"]["errors"][0]["extensions"]["missed"].as_u64() {
            dropped += missed;
            continue;
        }
        count += 1;
        last = Instant::now();
    }
    let (direct_count, direct_last) = reader.await.expect("the direct reader");
    let direct_rate = direct_count as f64 / (direct_last - started).as_secs_f64();
    let monitor_rate = count as f64 / (last - started).as_secs_f64();
    println!(
        "## Throughput: {lines} lines written as fast as the container can, both readers following\n"
    );
    println!("| reader | lines | lines/s |");
    println!("|---|---|---|");
    println!("| Docker API direct (bollard, baseline) | {direct_count} | {direct_rate:.0} |");
    println!(
        "| `containerLogs` subscription over websocket | {count} (+{dropped} dropped) | {monitor_rate:.0} |"
    );
    println!(
        "\n**ratio {:.2}** (goal ≥ 0.9)\n",
        monitor_rate / direct_rate
    );
    let _ = subscription.close(None).await;
}

async fn latency(
    engine: &Dockerd,
    app: &TestApp,
    admin: &str,
    server: &str,
    docker: &Docker,
    seconds: u64,
    interval_ms: usize,
) {
    let script = format!(
        "while true; do echo tick; sleep {}; done",
        interval_ms as f64 / 1000.0
    );
    engine
        .run(&["--name", "ticker", IMAGE, "sh", "-c", &script])
        .await;
    println!(
        "## Latency: engine timestamp → arrival, a line every {interval_ms} ms, {seconds} s per level\n"
    );
    println!(
        "| subscribers | lines received | p50 | p99 | max | monitor RSS | RSS per subscriber |"
    );
    println!("|---|---|---|---|---|---|---|");
    for subscribers in [1usize, 100, 1000] {
        let mut samples = direct_followers(docker, subscribers, seconds).await;
        print_row(
            &format!("{subscribers}, Docker API direct (baseline)"),
            &mut samples,
            None,
            None,
        );
        let before = app.rss_kib();
        let mut sockets = Vec::with_capacity(subscribers);
        for _ in 0..subscribers {
            sockets.push(
                ws::subscribe(
                    &app.ws_url(),
                    ws::TRANSPORT_WS,
                    admin,
                    LOGS,
                    json!({ "s": server, "c": "ticker", "tail": 0 }),
                )
                .await,
            );
        }
        // Every subscriber has its first line: all are live before measuring.
        for socket in &mut sockets {
            ws::next_json(socket).await;
        }
        let during = app.rss_kib();
        // Lines written while the subscribers were connecting wait in their buffers;
        // only lines the engine stamped from now on are measured.
        let measured_from = Utc::now();
        let measured_until = measured_from + chrono::Duration::seconds(seconds as i64);
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        // Twice the window: subscribers first work through what waited in their buffers.
        let deadline = Instant::now() + Duration::from_secs(2 * seconds);
        let mut readers = Vec::new();
        for mut socket in sockets {
            let sender = sender.clone();
            readers.push(tokio::spawn(async move {
                while let Ok(Some(Ok(message))) =
                    tokio::time::timeout_at(deadline.into(), futures::StreamExt::next(&mut socket))
                        .await
                {
                    let Message::Text(text) = message else {
                        continue;
                    };
                    if let Some(at) = line_timestamp(&text)
                        && let Ok(at) = DateTime::parse_from_rfc3339(at)
                        && at >= measured_from
                        && at < measured_until
                    {
                        let _ = sender.send(delay_ms(at.to_utc()));
                    }
                }
                let _ = socket.close(None).await;
            }));
        }
        drop(sender);
        let mut samples = Vec::new();
        while let Some(sample) = receiver.recv().await {
            samples.push(sample);
        }
        for reader in readers {
            let _ = reader.await;
        }
        let per_subscriber = (during.saturating_sub(before)) as f64 / subscribers as f64;
        print_row(
            &subscribers.to_string(),
            &mut samples,
            Some(during),
            Some(per_subscriber),
        );
    }
    println!();
}

/// The timestamp of the line a `next` message carries. Read into borrowed fields, not a
/// whole `serde_json::Value`: with 1,000 subscribers on the same two cores, the
/// harness's own parsing would otherwise weigh on the latency it measures.
fn line_timestamp(text: &str) -> Option<&str> {
    #[derive(serde::Deserialize)]
    struct Message<'a> {
        #[serde(borrow)]
        payload: Option<Payload<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Payload<'a> {
        #[serde(borrow)]
        data: Option<Data<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Data<'a> {
        #[serde(borrow, rename = "containerLogs")]
        container_logs: Option<Line<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        timestamp: &'a str,
    }
    let message: Message = serde_json::from_str(text).ok()?;
    Some(message.payload?.data?.container_logs?.timestamp)
}

/// The physical baseline at a level: as many readers following the container straight
/// from the engine as monitor will have subscribers, each line's delay at each reader.
async fn direct_followers(docker: &Docker, readers: usize, seconds: u64) -> Vec<f64> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let followers = (0..readers).map(|_| {
        let mut lines = Box::pin(direct(docker, "ticker", true));
        tokio::spawn(async move {
            let mut delays = Vec::new();
            while let Ok(Some((at, _))) = tokio::time::timeout_at(until.into(), lines.next()).await
            {
                delays.push(delay_ms(at));
            }
            delays
        })
    });
    futures::future::join_all(followers)
        .await
        .into_iter()
        .flat_map(|delays| delays.expect("a follower ran"))
        .collect()
}

fn delay_ms(at: DateTime<Utc>) -> f64 {
    (Utc::now() - at).num_microseconds().unwrap_or(0) as f64 / 1000.0
}

fn print_row(label: &str, samples: &mut [f64], rss: Option<u64>, per_subscriber: Option<f64>) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| {
        samples
            .get(((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len().max(1)) - 1)
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "| {label} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} |",
        samples.len(),
        at(0.50),
        at(0.99),
        at(1.0),
        rss.map_or("-".into(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0)),
        per_subscriber.map_or("-".into(), |kib| format!("{kib:.1} KiB")),
    );
}

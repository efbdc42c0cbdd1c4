//! What the HTTP benchmarks share: their settings from the environment, and clients
//! sending one request back to back for a while.

use std::sync::Arc;
use std::time::{Duration, Instant};

use memchr::memmem;
use serde_json::{Value, json};

/// A whole number from the environment (`_` allowed as a separator), or `default`.
pub fn number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.replace('_', "").parse().expect("a whole number"))
        .unwrap_or(default)
}

/// `clients` clients, each sending `query` to `address`'s `/graphql` back to back until
/// `run_for` is up (and at least once). Returns (requests, requests per second,
/// latencies in ms).
///
/// The clients share the server's cores, so a timed answer is not decoded: one answer,
/// sent before the clock starts, is parsed whole and must be free of errors; each timed
/// answer must then be a success with no `"errors":` and as many `"id":` as that one (a
/// page of 100 nodes holds 100), found by a byte search.
pub async fn drive(
    address: &str,
    token: &str,
    query: &str,
    variables: &Value,
    clients: usize,
    run_for: Duration,
) -> (usize, f64, Vec<f64>) {
    let body = Arc::new(
        serde_json::to_vec(&json!({ "query": query, "variables": variables }))
            .expect("a JSON body"),
    );
    let url = Arc::new(format!("{address}/graphql"));
    let ids = ids_in_a_verified_answer(&url, token, &body).await;
    let started = Instant::now();
    let deadline = started + run_for;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (body, url, token) = (body.clone(), url.clone(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(300))
                .build()
                .expect("an HTTP client");
            let mut latencies = Vec::new();
            loop {
                let sent = Instant::now();
                let response = http
                    .post(url.as_str())
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.as_ref().clone())
                    .send()
                    .await
                    .expect("the server answers");
                let status = response.status();
                let bytes = response.bytes().await.expect("a body");
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                assert!(
                    status.is_success()
                        && memmem::find(&bytes, b"\"errors\":").is_none()
                        && memmem::find_iter(&bytes, b"\"id\":").count() == ids,
                    "a failed or partial answer: {status} {}",
                    String::from_utf8_lossy(&bytes)
                );
                if Instant::now() >= deadline {
                    return latencies;
                }
            }
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a client finishes"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    (latencies.len(), latencies.len() as f64 / elapsed, latencies)
}

/// Sends `body` once and decodes the whole answer: it must be a success free of errors.
/// Returns how many `"id":` it holds, which each timed answer must hold too.
async fn ids_in_a_verified_answer(url: &str, token: &str, body: &[u8]) -> usize {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .expect("the server answers");
    assert!(response.status().is_success(), "{}", response.status());
    let bytes = response.bytes().await.expect("a body");
    let answer: Value = serde_json::from_slice(&bytes).expect("a JSON answer");
    assert!(answer["errors"].is_null(), "{answer}");
    assert!(answer["data"].is_object(), "{answer}");
    memmem::find_iter(&bytes, b"\"id\":").count()
}

/// Prints, as a Markdown table, the throughput and latency of each of `shapes` (name,
/// query, variables) sent by `clients` clients for `seconds` each; the first shape is
/// the baseline the others are a ratio of.
///
/// The shapes take turns, in `BENCH_ROUNDS` rounds (5) of an equal share of `seconds`
/// each, so the baseline is measured under the same load as each shape (on a shared
/// machine a shape's own minutes drift by more than the difference measured). Each
/// round's ratio is shown as well as their spread.
pub async fn compare(
    address: &str,
    token: &str,
    shapes: &[(&str, &str, Value)],
    clients: usize,
    seconds: u64,
) {
    let rounds = number("BENCH_ROUNDS", 5).max(1);
    let slice = Duration::from_secs_f64((seconds as f64 / rounds as f64).max(1.0));
    println!("{clients} clients, {seconds} s per shape in {rounds} rounds, over HTTP\n");
    let mut measured: Vec<Measured> = shapes.iter().map(|_| Measured::default()).collect();
    for _ in 0..rounds {
        let mut baseline = None;
        for ((_, query, variables), measured) in shapes.iter().zip(&mut measured) {
            let (count, per_second, latencies) =
                drive(address, token, query, variables, clients, slice).await;
            let base = *baseline.get_or_insert(per_second);
            measured.count += count;
            measured.seconds += count as f64 / per_second;
            measured.latencies.extend(latencies);
            measured.ratios.push(per_second / base);
        }
    }
    println!("| shape | requests | req/s | ratio to baseline | ratio per round | p50 | p99 |");
    println!("|---|---|---|---|---|---|---|");
    let base = measured[0].per_second();
    for ((name, _, _), measured) in shapes.iter().zip(&mut measured) {
        measured.latencies.sort_by(f64::total_cmp);
        measured.ratios.sort_by(f64::total_cmp);
        let per_second = measured.per_second();
        println!(
            "| {name} | {} | {per_second:.0} | {:.3} | {:.2}–{:.2} | {:.1} ms | {:.1} ms |",
            measured.count,
            per_second / base,
            measured.ratios[0],
            measured.ratios[measured.ratios.len() - 1],
            percentile(&measured.latencies, 0.50),
            percentile(&measured.latencies, 0.99)
        );
    }
}

/// One shape's requests over all rounds.
#[derive(Default)]
struct Measured {
    count: usize,
    seconds: f64,
    latencies: Vec<f64>,
    ratios: Vec<f64>,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.count as f64 / self.seconds
    }
}

/// The `p` quantile (0 to 1) of latencies sorted in ascending order.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

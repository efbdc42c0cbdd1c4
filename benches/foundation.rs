//! The foundation benchmark: what an operator feels of the audit log and of the process.
//!
//! - Requests/s and p50/p99 latency of an authenticated `auditEvents(first: 50, …)` page
//!   in several shapes, with 10k and with 1M events in the store, each as a ratio to
//!   `{ __typename }` measured in the same run against the same server.
//! - Idle RSS and cold start (spawn → `/readyz` 200) with 100k events in the store.
//! - The same pages timed in-process through the library (store time without HTTP), and
//!   with `BENCH_EXPLAIN=1` the `EXPLAIN FULL` of each statement.
//!
//! The store is seeded in-process through the library, then the real release binary is
//! started on it. Knobs (environment): `BENCH_LOAD_SIZES` (default `10000,1000000`),
//! `BENCH_IDLE_SIZE` (`100000`), `BENCH_CONCURRENCY` (`8`), `BENCH_SECONDS` per shape
//! (`5`), `BENCH_BATCH` events per seeding transaction (`2000`), `BENCH_DIR` to keep the
//! seeded store and reuse it on the next run, `BENCH_EXPLAIN=1`.
//!
//! Run: `cargo bench --bench foundation` (see BENCHMARKS.md).

#[allow(dead_code)]
#[path = "support/load.rs"]
mod load;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::ID;
use monitor::audit::{
    Actor, ActorKind, AuditEvent, AuditEventFilter, AuditEventOrder, AuditEventOrderField,
    AuditKind, AuditLog, AuditSubjectType,
};
use monitor::store::page::{OrderDirection, PageRequest};
use monitor::store::{Store, StoreAddress};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const ADMIN_PASSWORD: &str = "admin-password-for-benchmarks";
const PAGE: usize = 50;
/// How many pages the deep-page shape follows before the measured request.
const DEEP_PAGES: usize = 10;
const COLD_STARTS: usize = 5;
const IDLE_WAIT: Duration = Duration::from_secs(3);
/// Long enough for every periodic task of the store (the longest runs every 30 s).
const SETTLED_WAIT: Duration = Duration::from_secs(35);

const PAGE_QUERY: &str = "query($first: Int, $after: String, $filter: AuditEventFilter, $orderBy: AuditEventOrder) {
  auditEvents(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    edges { cursor node { id occurredAt kind summary actor { kind name userId } subject { type id name } stackId serverId appId } }
    pageInfo { hasNextPage endCursor }
  }
}";

struct Config {
    load_sizes: Vec<usize>,
    idle_size: usize,
    concurrency: usize,
    seconds: f64,
    batch: usize,
    dir: Option<PathBuf>,
    explain: bool,
}

impl Config {
    fn from_env() -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let number = |name: &str, default: usize| {
            var(name)
                .map(|v| v.replace('_', "").parse().expect("a whole number"))
                .unwrap_or(default)
        };
        Config {
            load_sizes: var("BENCH_LOAD_SIZES")
                .unwrap_or_else(|| "10000,1000000".into())
                .split(',')
                .map(|v| v.trim().replace('_', "").parse().expect("a whole number"))
                .collect(),
            idle_size: number("BENCH_IDLE_SIZE", 100_000),
            concurrency: number("BENCH_CONCURRENCY", 8),
            seconds: var("BENCH_SECONDS").map_or(5.0, |v| v.parse().expect("seconds")),
            batch: number("BENCH_BATCH", 2000),
            dir: var("BENCH_DIR").map(PathBuf::from),
            explain: var("BENCH_EXPLAIN").is_some_and(|v| v != "0"),
        }
    }
}

#[tokio::main]
async fn main() {
    let config = Config::from_env();
    let temp = tempfile::tempdir().expect("temporary directory");
    let data_dir = config
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().join("data"));
    std::fs::create_dir_all(&data_dir).expect("data directory");
    println!("# monitor foundation benchmark");
    println!(
        "binary {} | data dir {} | {} clients | {} s per shape | {} events per seeding transaction",
        env!("CARGO_BIN_EXE_monitor"),
        data_dir.display(),
        config.concurrency,
        config.seconds,
        config.batch
    );

    let mut stages: Vec<usize> = config.load_sizes.clone();
    stages.push(config.idle_size);
    stages.sort_unstable();
    stages.dedup();

    let mut meta = Meta::load(&data_dir);
    let mut summaries: BTreeMap<usize, Vec<ShapeResult>> = BTreeMap::new();
    for size in stages {
        if meta.count > size {
            println!(
                "\n## {size} events: skipped, the kept store already holds {}",
                meta.count
            );
            continue;
        }
        seed(&data_dir, &mut meta, size, config.batch).await;
        if size == config.idle_size {
            idle_and_cold_start(&data_dir, size).await;
        }
        if config.load_sizes.contains(&size) {
            let results = load(&data_dir, &meta, size, &config).await;
            in_process(&data_dir, &meta, size, config.explain).await;
            summaries.insert(size, results);
        }
    }
    compare(&summaries);
    for engine in write_engines() {
        writes(temp.path(), engine, &config).await;
    }
    drop(temp);
}

// ---------------------------------------------------------------------------------------
// Seeding

/// What the benchmark remembers of a seeded store: how many events, and the time of
/// every 1000th, so a time-range filter can cover a known share of them.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Meta {
    count: usize,
    marks_ms: Vec<i64>,
}

impl Meta {
    fn path(dir: &Path) -> PathBuf {
        dir.join("bench-meta.json")
    }

    fn load(dir: &Path) -> Meta {
        std::fs::read(Meta::path(dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn save(&self, dir: &Path) {
        std::fs::write(
            Meta::path(dir),
            serde_json::to_vec(self).expect("meta serialises"),
        )
        .expect("write bench-meta.json");
    }

    /// `[from, until)` covering events `lo..hi` of the first `size` (fractions of it).
    fn time_range(&self, size: usize, lo: f64, hi: f64) -> (String, String) {
        let last = self.marks_ms.len() - 1;
        let mark = |fraction: f64| ((size as f64 * fraction) as usize / 1000).min(last);
        let (from, until) = (mark(lo), mark(hi).max(mark(lo) + 1).min(last));
        let at = |mark: usize| {
            chrono::DateTime::from_timestamp_millis(self.marks_ms[mark])
                .expect("valid time")
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        (at(from), at(until))
    }
}

fn store_address(data_dir: &Path) -> StoreAddress {
    let settings = monitor::config::Settings {
        data_dir: data_dir.to_path_buf(),
        ..monitor::config::Settings::default()
    };
    StoreAddress::from_settings(&settings)
}

async fn open_store(data_dir: &Path) -> Store {
    let store = Store::connect(&store_address(data_dir))
        .await
        .expect("the store opens");
    store.prepare().await.expect("the schema applies");
    store
}

/// A deterministic stream of pseudo-random numbers from an event's index (splitmix64).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The kinds in roughly the shares a busy team's log has them (per mille).
const KIND_MIX: [(AuditKind, u64); 8] = [
    (AuditKind::LoginSucceeded, 450),
    (AuditKind::LoginFailed, 100),
    (AuditKind::UserUpdated, 150),
    (AuditKind::ApiTokenCreated, 120),
    (AuditKind::ApiTokenRevoked, 80),
    (AuditKind::UserCreated, 50),
    (AuditKind::BackupDownloaded, 30),
    (AuditKind::UserDeleted, 20),
];

/// Event number `i`: a realistic mix of kinds and actors; some carry stack and server
/// ids, user updates carry a small diff.
fn make_event(audit: &AuditLog, i: usize) -> AuditEvent {
    let r = mix(i as u64);
    let mut pick = r % 1000;
    let kind = KIND_MIX
        .iter()
        .find(|(_, share)| {
            let hit = pick < *share;
            pick = pick.saturating_sub(*share);
            hit
        })
        .map_or(AuditKind::LoginSucceeded, |(kind, _)| *kind);
    let user = (r >> 10) % 25;
    let actor = match (r >> 20) % 100 {
        0..10 => Actor::system(),
        10..15 => Actor {
            kind: ActorKind::Webhook,
            name: format!("hook-{}", (r >> 28) % 3),
            user_id: None,
        },
        _ => Actor {
            kind: ActorKind::User,
            name: format!("user-{user:02}"),
            user_id: Some(ID(format!("01J0USER{user:018}"))),
        },
    };
    let target = (r >> 32) % 400;
    let (summary, subject) = match kind {
        AuditKind::LoginSucceeded => ("logged in".to_string(), AuditSubjectType::Session),
        AuditKind::LoginFailed => ("login failed".to_string(), AuditSubjectType::Session),
        AuditKind::UserCreated => (
            format!("created user person-{target} (OPERATOR)"),
            AuditSubjectType::User,
        ),
        AuditKind::UserUpdated => (
            format!("changed the role of person-{target} to VIEWER"),
            AuditSubjectType::User,
        ),
        AuditKind::UserDeleted => (
            format!("deleted user person-{target}"),
            AuditSubjectType::User,
        ),
        AuditKind::ApiTokenCreated => (
            format!("created API token deploy-{target}"),
            AuditSubjectType::ApiToken,
        ),
        AuditKind::ApiTokenRevoked => (
            format!("revoked API token deploy-{target}"),
            AuditSubjectType::ApiToken,
        ),
        AuditKind::BackupDownloaded => {
            ("downloaded a backup".to_string(), AuditSubjectType::Backup)
        }
        // The seeded mix draws only the kinds above; later kinds share one shape.
        other => (
            format!("{} thing-{target}", other.as_str().to_lowercase()),
            AuditSubjectType::Server,
        ),
    };
    let subject_id = format!("01J0SUBJ{target:018}");
    let subject_name = format!("thing-{target}");
    let mut event =
        audit
            .event(kind, &actor, summary)
            .about(subject, Some(&subject_id), Some(&subject_name));
    if (r >> 40) % 100 < 30 {
        event.stack_id = Some(ID(format!("stack-{:02}", (r >> 48) % 40)));
    }
    if (r >> 44) % 100 < 25 {
        event.server_id = Some(ID(format!("server-{:02}", (r >> 52) % 12)));
    }
    if kind == AuditKind::UserUpdated {
        event = event.with_diff(
            Some(
                json!({ "username": subject_name, "role": "OPERATOR", "display_name": "A Person" }),
            ),
            Some(json!({ "username": subject_name, "role": "VIEWER", "display_name": "A Person" })),
        );
    }
    event
}

/// Grows the store to `size` events, in transactions of `batch`.
async fn seed(data_dir: &Path, meta: &mut Meta, size: usize, batch: usize) {
    if meta.count >= size {
        println!("\n## {size} events (kept store, no seeding)");
        return;
    }
    let store = open_store(data_dir).await;
    let audit = AuditLog::new(store.clone(), monitor::bus::Bus::new());
    let from = meta.count;
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut i = from;
    while i < size {
        let end = (i + batch).min(size);
        let events: Vec<AuditEvent> = (i..end).map(|n| make_event(&audit, n)).collect();
        for (n, event) in (i..end).zip(&events) {
            if n % 1000 == 0 {
                meta.marks_ms.push(event.occurred_at.timestamp_millis());
            }
        }
        audit
            .append_batch(&events)
            .await
            .expect("a batch is stored");
        i = end;
        if last_report.elapsed() > Duration::from_secs(30) {
            let rate = (i - from) as f64 / started.elapsed().as_secs_f64();
            eprintln!("  seeded {i} of {size} ({rate:.0} events/s)");
            last_report = Instant::now();
        }
    }
    let took = started.elapsed();
    meta.count = size;
    meta.save(data_dir);
    drop(audit);
    drop(store);
    wait_for_store_release(data_dir).await;
    println!(
        "\n## {size} events\nseeded {} events in {:.1} s: {:.0} events/s ({} per transaction)",
        size - from,
        took.as_secs_f64(),
        (size - from) as f64 / took.as_secs_f64(),
        batch
    );
}

/// Waits until the embedded engine, closing in the background once its last handle is
/// gone (flushing what it holds in memory), has released the store's lock, so the
/// server can open it.
async fn wait_for_store_release(data_dir: &Path) {
    let lock = data_dir.join("store").join("LOCK");
    let file = std::fs::File::open(&lock).expect("the store's lock file");
    // Taking the lock ourselves (and dropping it) is the release's only signal.
    let taken = tokio::task::spawn_blocking(move || file.lock());
    tokio::time::timeout(Duration::from_secs(120), taken)
        .await
        .expect("the store was released within 2 minutes")
        .expect("the lock task ran")
        .expect("the lock was taken");
}

// ---------------------------------------------------------------------------------------
// The server

struct Server {
    child: Child,
    address: String,
    pid: u32,
}

impl Server {
    /// Spawns the release binary on `data_dir`; returns once it logged "listening".
    async fn spawn(data_dir: &Path, env: &[(&str, String)]) -> (Server, Instant) {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_monitor"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--log-format",
                "json",
                "--data-dir",
            ])
            .arg(data_dir)
            .env("MONITOR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the monitor binary starts");
        let pid = child.id().expect("a running child has a pid");
        let stderr = child.stderr.take().expect("stderr is piped");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (address_tx, address_rx) = tokio::sync::oneshot::channel::<String>();
        let sink = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            let mut address_tx = Some(address_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(entry) = serde_json::from_str::<Value>(&line)
                    && entry["fields"]["message"] == "listening"
                    && let Some(address) = entry["fields"]["address"].as_str()
                    && let Some(tx) = address_tx.take()
                {
                    let _ = tx.send(address.to_string());
                }
                let mut logs = sink.lock().expect("log lock");
                // Keep the tail only: a long load run logs every request.
                if logs.len() > 200 {
                    logs.drain(..100);
                }
                logs.push(line);
            }
        });
        let address = match tokio::time::timeout(Duration::from_secs(120), address_rx).await {
            Ok(Ok(address)) => address,
            _ => panic!(
                "the server did not start:\n{}",
                logs.lock().expect("log lock").join("\n")
            ),
        };
        (
            Server {
                child,
                address: format!("http://{address}"),
                pid,
            },
            started,
        )
    }

    /// Polls `/readyz` every 5 ms until it answers 200.
    async fn wait_ready(&self, http: &reqwest::Client) {
        let url = format!("{}/readyz", self.address);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(response) = http.get(&url).send().await
                && response.status() == reqwest::StatusCode::OK
            {
                return;
            }
            assert!(Instant::now() < deadline, "/readyz never answered 200");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Resident set size and its peak, in KiB, from `/proc/<pid>/status`.
    fn rss_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .expect("/proc/<pid>/status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// SIGTERM, as an orchestrator stops it, so the store closes cleanly; SIGKILL if it
    /// has not exited within 20 s.
    async fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        if tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .is_err()
        {
            eprintln!("  the server ignored SIGTERM for 20 s; killing it");
            let _ = self.child.kill().await;
        }
    }

    async fn graphql(
        &self,
        http: &reqwest::Client,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        let mut request = http
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON body");
        assert!(body["errors"].is_null(), "GraphQL errors: {body}");
        body
    }

    async fn login(&self, http: &reqwest::Client) -> String {
        let body = self
            .graphql(
                http,
                None,
                "mutation($input: LoginInput!) { login(input: $input) { token } }",
                json!({ "input": { "username": "admin", "password": ADMIN_PASSWORD } }),
            )
            .await;
        body["data"]["login"]["token"]
            .as_str()
            .expect("a session token")
            .to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Idle RSS and cold start

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn idle_and_cold_start(data_dir: &Path, size: usize) {
    println!(
        "\n### idle RSS and cold start with {size} events ({COLD_STARTS} starts back to back; each start pages its start-up code out)"
    );
    let http = reqwest::Client::new();
    let mut starts = Vec::new();
    let mut listening = Vec::new();
    let mut rss = Vec::new();
    let mut rss_settled = Vec::new();
    let mut rss_used = Vec::new();
    println!(
        "| start | spawn → listening | spawn → /readyz 200 | VmRSS {} s after ready | {} s after ready | {} s after a login and a page | VmHWM |",
        IDLE_WAIT.as_secs(),
        SETTLED_WAIT.as_secs(),
        SETTLED_WAIT.as_secs()
    );
    println!("|---|---|---|---|---|---|---|");
    for run in 1..=COLD_STARTS {
        let (server, spawned) = Server::spawn(data_dir, &[]).await;
        let to_listening = spawned.elapsed();
        server.wait_ready(&http).await;
        let to_ready = spawned.elapsed();
        let ready = Instant::now();
        tokio::time::sleep(IDLE_WAIT).await;
        let (idle, _) = server.rss_kib();
        tokio::time::sleep_until((ready + SETTLED_WAIT).into()).await;
        let (settled, _) = server.rss_kib();
        // What a server someone has looked at holds: the query engine's code is in.
        let token = server.login(&http).await;
        server
            .graphql(&http, Some(&token), PAGE_QUERY, json!({ "first": PAGE }))
            .await;
        tokio::time::sleep(SETTLED_WAIT).await;
        let (used, peak) = server.rss_kib();
        let mib = |kib: u64| kib as f64 / 1024.0;
        println!(
            "| {run} | {:.1} ms | {:.1} ms | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.1} MiB |",
            ms(to_listening),
            ms(to_ready),
            mib(idle),
            mib(settled),
            mib(used),
            mib(peak)
        );
        starts.push(ms(to_ready));
        listening.push(ms(to_listening));
        rss.push(mib(idle));
        rss_settled.push(mib(settled));
        rss_used.push(mib(used));
        server.stop().await;
    }
    println!(
        "**cold start (median) {:.1} ms** (goal ≤ 300 ms) | spawn → listening {:.1} ms | **idle RSS (median) {:.1} MiB after {} s, {:.1} MiB after {} s** (goal ≤ 40 MB) | {:.1} MiB after a login and a page",
        median(starts),
        median(listening),
        median(rss),
        IDLE_WAIT.as_secs(),
        median(rss_settled),
        SETTLED_WAIT.as_secs(),
        median(rss_used)
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------
// Load

struct Shape {
    name: &'static str,
    query: &'static str,
    variables: Value,
}

#[derive(Clone)]
struct ShapeResult {
    name: &'static str,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

async fn shapes(
    server: &Server,
    http: &reqwest::Client,
    token: &str,
    meta: &Meta,
    size: usize,
) -> Vec<Shape> {
    // The deep page: follow endCursor as a client scrolling the log does.
    let mut after = Value::Null;
    for _ in 0..DEEP_PAGES {
        let body = server
            .graphql(
                http,
                Some(token),
                PAGE_QUERY,
                json!({ "first": PAGE, "after": after }),
            )
            .await;
        after = body["data"]["auditEvents"]["pageInfo"]["endCursor"].clone();
    }
    let (from, until) = meta.time_range(size, 0.40, 0.45);
    vec![
        Shape {
            name: "{ __typename } (baseline)",
            query: "{ __typename }",
            variables: json!({}),
        },
        Shape {
            name: "newest first, no filter",
            query: PAGE_QUERY,
            variables: json!({ "first": PAGE }),
        },
        Shape {
            name: "deep page (after 10 pages)",
            query: PAGE_QUERY,
            variables: json!({ "first": PAGE, "after": after }),
        },
        Shape {
            name: "kinds: [LOGIN_FAILED] (10%)",
            query: PAGE_QUERY,
            variables: json!({ "first": PAGE, "filter": { "kinds": ["LOGIN_FAILED"] } }),
        },
        Shape {
            name: "kinds: [USER_DELETED] (2%)",
            query: PAGE_QUERY,
            variables: json!({ "first": PAGE, "filter": { "kinds": ["USER_DELETED"] } }),
        },
        Shape {
            name: "stackId: stack-07 (0.75%)",
            query: PAGE_QUERY,
            variables: json!({ "first": PAGE, "filter": { "stackId": "stack-07" } }),
        },
        Shape {
            name: "orderBy: KIND DESC",
            query: PAGE_QUERY,
            variables: json!({ "first": PAGE, "orderBy": { "field": "KIND", "direction": "DESC" } }),
        },
        Shape {
            name: "time range (5% of events, mid-log)",
            query: PAGE_QUERY,
            variables: json!({ "first": PAGE, "filter": { "occurredAfter": from, "occurredBefore": until } }),
        },
    ]
}

async fn load(data_dir: &Path, meta: &Meta, size: usize, config: &Config) -> Vec<ShapeResult> {
    let (server, _) = Server::spawn(data_dir, &[]).await;
    let http = reqwest::Client::new();
    server.wait_ready(&http).await;
    let token = server.login(&http).await;
    let shapes = shapes(&server, &http, &token, meta, size).await;
    // Every shape answers without errors, once, before it is timed.
    for shape in &shapes {
        server
            .graphql(&http, Some(&token), shape.query, shape.variables.clone())
            .await;
    }
    println!(
        "\n### auditEvents(first: {PAGE}) with {size} events: {} clients, {} s per shape, over HTTP to the release binary",
        config.concurrency, config.seconds
    );
    println!("| shape | requests | req/s | ratio to baseline | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    let mut results: Vec<ShapeResult> = Vec::new();
    for shape in &shapes {
        let (count, per_second, mut latencies) = load::drive(
            &server.address,
            &token,
            shape.query,
            &shape.variables,
            config.concurrency,
            Duration::from_secs_f64(config.seconds),
        )
        .await;
        latencies.sort_by(f64::total_cmp);
        let pct = |p: f64| load::percentile(&latencies, p);
        let baseline = results.first().map_or(per_second, |b| b.per_second);
        let result = ShapeResult {
            name: shape.name,
            per_second,
            p50_ms: pct(0.50),
            p99_ms: pct(0.99),
        };
        println!(
            "| {} | {count} | {:.0} | {:.3} | {:.2} ms | {:.2} ms | {:.2} ms |",
            shape.name,
            per_second,
            per_second / baseline,
            result.p50_ms,
            result.p99_ms,
            latencies[latencies.len() - 1]
        );
        results.push(result);
    }
    let (now, peak) = server.rss_kib();
    println!(
        "server VmRSS after the load {:.1} MiB (peak {:.1} MiB)",
        now as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    server.stop().await;
    results
}

// ---------------------------------------------------------------------------------------
// In-process: the store's share of a page, and what the planner does

/// A page shape as the library sees it, plus the SurrealQL and bindings
/// `audit::store::page` sends for it (kept in step with src/audit/store.rs by hand), for
/// EXPLAIN.
struct StoreShape {
    name: &'static str,
    filter: AuditEventFilter,
    order: AuditEventOrder,
    after: Option<(String, String)>,
}

async fn store_shapes(audit: &AuditLog, meta: &Meta, size: usize) -> Vec<StoreShape> {
    let newest = AuditEventOrder::default();
    let mut after: Option<(String, String)> = None;
    for _ in 0..DEEP_PAGES {
        let page = PageRequest {
            first: PAGE,
            after: after.clone(),
        };
        let events = audit
            .page(&AuditEventFilter::default(), newest, &page)
            .await
            .expect("a page");
        let last = &events[PAGE - 1];
        after = Some((String::new(), last.id.to_string()));
    }
    let (from, until) = meta.time_range(size, 0.40, 0.45);
    let parse = |at: &str| {
        chrono::DateTime::parse_from_rfc3339(at)
            .expect("time")
            .to_utc()
    };
    let (from_at, until_at) = (parse(&from), parse(&until));
    let kinds = |kinds: Vec<AuditKind>| AuditEventFilter {
        kinds: Some(kinds),
        ..AuditEventFilter::default()
    };
    let by_kind = |kind: AuditKind| StoreShape {
        name: "",
        filter: kinds(vec![kind]),
        order: newest,
        after: None,
    };
    vec![
        StoreShape {
            name: "newest first, no filter",
            filter: AuditEventFilter::default(),
            order: newest,
            after: None,
        },
        StoreShape {
            name: "deep page (after 10 pages)",
            filter: AuditEventFilter::default(),
            order: newest,
            after: after.clone(),
        },
        StoreShape {
            name: "kinds: [LOGIN_FAILED] (10%)",
            ..by_kind(AuditKind::LoginFailed)
        },
        StoreShape {
            name: "kinds: [USER_DELETED] (2%)",
            ..by_kind(AuditKind::UserDeleted)
        },
        StoreShape {
            name: "stackId: stack-07 (0.75%)",
            filter: AuditEventFilter {
                stack_id: Some(ID("stack-07".into())),
                ..AuditEventFilter::default()
            },
            order: newest,
            after: None,
        },
        StoreShape {
            name: "orderBy: KIND DESC",
            filter: AuditEventFilter::default(),
            order: AuditEventOrder {
                field: AuditEventOrderField::Kind,
                direction: OrderDirection::Desc,
            },
            after: None,
        },
        StoreShape {
            name: "time range (5% of events, mid-log)",
            filter: AuditEventFilter {
                occurred_after: Some(from_at),
                occurred_before: Some(until_at),
                ..AuditEventFilter::default()
            },
            order: newest,
            after: None,
        },
    ]
}

async fn in_process(data_dir: &Path, meta: &Meta, size: usize, explain: bool) {
    // An embedded store opened in this process keeps its directory lock until the
    // process exits, which would stop the next seeding round and the next server: read
    // a copy instead.
    let copy = data_dir.join(format!("in-process-{size}"));
    std::fs::create_dir_all(&copy).expect("a directory for the copy");
    assert!(
        std::process::Command::new("cp")
            .arg("-a")
            .arg(data_dir.join("store"))
            .arg(copy.join("store"))
            .status()
            .is_ok_and(|status| status.success()),
        "the store copies"
    );
    let store = open_store(&copy).await;
    let audit = AuditLog::new(store.clone(), monitor::bus::Bus::new());
    let shapes = store_shapes(&audit, meta, size).await;
    println!(
        "\n### the same pages in-process through AuditLog::page (store time, no HTTP), {size} events, one at a time"
    );
    println!("| shape | runs | median | p99 (max) |");
    println!("|---|---|---|---|");
    for shape in &shapes {
        let page = PageRequest {
            first: PAGE,
            after: shape.after.clone(),
        };
        let mut times = Vec::new();
        let budget = Instant::now() + Duration::from_secs(3);
        while times.len() < 5 || (Instant::now() < budget && times.len() < 200) {
            let started = Instant::now();
            let events = audit
                .page(&shape.filter, shape.order, &page)
                .await
                .expect("a page");
            times.push(ms(started.elapsed()));
            assert!(events.len() <= PAGE + 1);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {} | {} | {:.2} ms | {:.2} ms |",
            shape.name,
            times.len(),
            times[times.len() / 2],
            times[((times.len() as f64 * 0.99).ceil() as usize).clamp(1, times.len()) - 1]
        );
    }
    if explain {
        println!("\n### EXPLAIN FULL, {size} events (the statements the planner runs)");
        for shape in &shapes {
            let page = PageRequest {
                first: PAGE,
                after: shape.after.clone(),
            };
            let (statements, vars) = audit.statements_for(&shape.filter, shape.order, &page);
            for statement in statements {
                let statement = format!("{statement} EXPLAIN FULL");
                let started = Instant::now();
                let mut response = store
                    .db()
                    .query(statement.as_str())
                    .bind(vars.clone())
                    .await
                    .expect("EXPLAIN runs");
                let took = started.elapsed();
                let plan: surrealdb::types::Value = response.take(0).expect("a plan");
                println!(
                    "\n{}\n  {statement}\n  ({:.1} ms)\n  {}",
                    shape.name,
                    ms(took),
                    surrealdb::types::ToSql::to_sql(&plan)
                );
            }
        }
    }
    drop(audit);
    drop(store);
    let _ = std::fs::remove_dir_all(&copy);
}

// ---------------------------------------------------------------------------------------
// Summary

fn compare(summaries: &BTreeMap<usize, Vec<ShapeResult>>) {
    let (Some((small, small_results)), Some((large, large_results))) =
        (summaries.first_key_value(), summaries.last_key_value())
    else {
        return;
    };
    if small == large {
        return;
    }
    println!(
        "\n### {large} vs {small} events (goal: p99 ≤ 10 ms at {large}; ratio-to-baseline at {large} ≥ 1/1.5 of that at {small})"
    );
    println!(
        "| shape | ratio at {small} | ratio at {large} | slowdown (req/s ratio {small}/{large}, normalised) | p99 at {large} | goals |"
    );
    println!("|---|---|---|---|---|---|");
    let small_base = small_results[0].per_second;
    let large_base = large_results[0].per_second;
    for (s, l) in small_results.iter().zip(large_results).skip(1) {
        let (rs, rl) = (s.per_second / small_base, l.per_second / large_base);
        let slowdown = rs / rl;
        let ok = l.p99_ms <= 10.0 && slowdown <= 1.5;
        println!(
            "| {} | {rs:.3} | {rl:.3} | {slowdown:.2}× | {:.2} ms | {} |",
            s.name,
            l.p99_ms,
            if ok { "met" } else { "MISSED" }
        );
    }
}

// ---------------------------------------------------------------------------------------
// Acknowledged writes per engine

/// The embedded engines this build of the server has.
fn write_engines() -> Vec<&'static str> {
    let mut engines = vec!["surrealkv"];
    if cfg!(feature = "rocksdb") {
        engines.push("rocksdb");
    }
    engines
}

/// `createApiToken` (a token row and its audit event in one transaction, fsynced before
/// the answer) from `concurrency` writers on a fresh store of `engine`.
async fn writes(temp: &Path, engine: &str, config: &Config) {
    let data_dir = temp.join(format!("writes-{engine}"));
    let url = format!("{engine}://{}", data_dir.join("store").display());
    let (server, _) = Server::spawn(&data_dir, &[("MONITOR_DB", url)]).await;
    let http = reqwest::Client::new();
    server.wait_ready(&http).await;
    let token = server.login(&http).await;
    let url = Arc::new(format!("{}/graphql", server.address));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(config.seconds);
    let mut writers = Vec::new();
    for writer in 0..config.concurrency {
        let (url, token) = (url.clone(), token.clone());
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut latencies = Vec::new();
            for i in 0.. {
                let query = format!(
                    "mutation {{ createApiToken(input: {{name: \"w{writer}-{i}\"}}) {{ apiToken {{ id }} }} }}"
                );
                let sent = Instant::now();
                let body: Value = http
                    .post(url.as_str())
                    .bearer_auth(&token)
                    .json(&json!({ "query": query }))
                    .send()
                    .await
                    .expect("the server answers")
                    .json()
                    .await
                    .expect("a JSON body");
                latencies.push(ms(sent.elapsed()));
                assert!(
                    body["data"]["createApiToken"]["apiToken"]["id"].is_string(),
                    "a failed write: {body}"
                );
                if Instant::now() >= deadline {
                    break;
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for writer in writers {
        latencies.extend(writer.await.expect("a writer finishes"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    println!(
        "\n### acknowledged writes on {engine}: {} createApiToken in {elapsed:.1} s from {} writers = **{:.0} writes/s**, p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        config.concurrency,
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
    server.stop().await;
}

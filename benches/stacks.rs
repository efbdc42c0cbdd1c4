//! The stacks benchmark: what building and shipping through monitor costs, against the
//! engine doing the same work directly.
//!
//! - Build wall time: the same checkout built `BENCH_RUNS` times by `docker build`
//!   (classic builder, as monitor uses; its output read and discarded, as monitor reads
//!   it) and by `buildStack`, alternating, each with a fresh build argument so no step
//!   is cached. Medians and their ratio.
//! - Build output latency: for every line of those builds produced after the subscriber
//!   joined, the time from monitor receiving it from the daemon (the line's
//!   `timestamp`; the daemon is across a local unix socket) to a websocket subscriber
//!   of `operationOutput` receiving it.
//! - Push to running: a GitHub-signed push webhook to the stack's container running
//!   again (the daemon's `StartedAt`), through PULL, BUILD, PUSH and DEPLOY.
//!
//! Real parts only: a private dockerd, Debian's `docker-registry`, a git repository, the
//! real `monitor` binary. Run: `cargo bench --bench stacks`.

#[allow(dead_code)]
#[path = "../tests/api/dockerd.rs"]
mod dockerd;
#[allow(dead_code)]
#[path = "../tests/api/gitrepo.rs"]
mod gitrepo;
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "support/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "../tests/api/registry.rs"]
mod registry;
#[allow(dead_code)]
#[path = "../tests/api/ws.rs"]
mod ws;

use std::time::Instant;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use hmac::Mac;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use dockerd::{Dockerd, IMAGE};
use gitrepo::GitRepo;
use helpers::TestApp;
use load::number;
use registry::Registry;

const OUTPUT: &str =
    "subscription($id: ID!) { operationOutput(operationId: $id) { text timestamp } }";

#[tokio::main]
async fn main() {
    let runs = number("BENCH_RUNS", 5);
    let lines = number("BENCH_BUILD_LINES", 2000);
    let engine = Dockerd::start().await;
    let registry = Registry::start().await;
    let app = TestApp::spawn_with_env(vec![
        ("MONITOR_SERVER_CHECK_SECONDS".into(), "1".into()),
        ("MONITOR_REGISTRY__URL".into(), registry.url.clone()),
        // Catch-ups of subscribers that fell behind are logged at debug level.
        (
            "RUST_LOG".into(),
            "info,surrealdb=warn,surrealkv=warn,monitor::operations=debug".into(),
        ),
    ])
    .await;
    let admin = app.admin_token().await;
    let server = app
        .graphql(
            Some(&admin),
            "mutation($e: String!) { createServer(input: { name: \"bench\", endpoint: $e }) { id } }",
            json!({ "e": engine.host }),
        )
        .await["data"]["createServer"]["id"]
        .as_str()
        .expect("a server")
        .to_string();
    let dockerfile = format!(
        "FROM {IMAGE}\nARG NONCE\nCOPY data /data\nRUN echo nonce $NONCE && for i in $(seq 1 {lines}); do echo build-line $i; done\nCMD [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"]\n"
    );
    let blob = "x".repeat(8 * 1024);
    let mut files: Vec<(String, String)> = (0..100)
        .map(|i| (format!("data/file-{i}"), blob.clone()))
        .collect();
    files.push(("Dockerfile".into(), dockerfile));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, content)| (path.as_str(), content.as_str()))
        .collect();
    let repo = GitRepo::create(&files);
    let stack = app
        .graphql(
            Some(&admin),
            "mutation($input: CreateStackInput!) { createStack(input: $input) { id webhookPath webhookSecret } }",
            json!({ "input": {
                "name": "bench",
                "serverId": server,
                "repo": { "url": repo.url, "branch": "main" },
                "build": { "networkMode": "none", "args": [{ "key": "NONCE", "value": "0" }] },
                "deploy": { "network": "host" },
                "pipeline": [{ "kind": "PULL" }, { "kind": "BUILD" }, { "kind": "PUSH" }, { "kind": "DEPLOY" }],
            } }),
        )
        .await["data"]["createStack"]
        .clone();
    let id = stack["id"].as_str().expect("a stack").to_string();
    let clone = act(&app, &admin, "cloneStackRepo", &id).await;
    follow(&app, &admin, &clone).await;
    let checkout = app.data_dir.join("stacks").join(&id);

    println!(
        "## Build: `docker build` vs `buildStack`, {runs} runs each, {lines} lines of RUN output, 100 × 8 KiB of context\n"
    );
    let (mut direct, mut through, mut delays) = (Vec::new(), Vec::new(), Vec::new());
    let mut breakdown = Vec::new();
    for run in 0..runs {
        let started = Instant::now();
        let status = tokio::process::Command::new("docker")
            .env("DOCKER_HOST", &engine.host)
            .env("DOCKER_BUILDKIT", "0")
            .args(["build", "--network", "none", "--build-arg"])
            .arg(format!("NONCE=direct-{run}"))
            .args(["-t", &format!("bench/direct:{run}")])
            .arg(&checkout)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .await
            .expect("docker build runs");
        assert!(status.success(), "docker build failed");
        direct.push(started.elapsed().as_secs_f64());

        let nonce = json!([{ "key": "NONCE", "value": format!("monitor-{run}") }]);
        let body = app
            .graphql(
                Some(&admin),
                "mutation($id: ID!, $args: [KeyValueInput!]!) { updateStack(input: { id: $id, build: { networkMode: \"none\", args: $args } }) { id } }",
                json!({ "id": id, "args": nonce }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let (started, sent) = (Instant::now(), Utc::now());
        let build = act(&app, &admin, "buildStack", &id).await;
        let mut followed = follow(&app, &admin, &build).await;
        through.push(started.elapsed().as_secs_f64());
        assert!(
            followed.count >= lines,
            "every line arrived ({})",
            followed.count
        );
        breakdown.push(phases(&app, &admin, &build, sent, &followed).await);
        delays.append(&mut followed.delays);
    }
    let (direct_median, through_median) = (median(&mut direct), median(&mut through));
    println!("| path | median wall time |\n|---|---|");
    println!("| `docker build` (classic builder, CLI) | {direct_median:.2} s |");
    println!("| `buildStack`, output followed over websocket | {through_median:.2} s |");
    println!(
        "\n**ratio {:.3}** (goal ≤ 1.05)\n",
        through_median / direct_median
    );
    println!("Where `buildStack`'s time went (median of each phase):\n");
    println!(
        "| request → stored | → context sent | daemon build and tags | → ending recorded | → stream complete |\n|---|---|---|---|---|"
    );
    let medians: Vec<String> = (0..5)
        .map(|phase| {
            let mut values: Vec<f64> = breakdown
                .iter()
                .map(|phases: &[f64; 5]| phases[phase])
                .collect();
            format!("{:.3} s", median(&mut values))
        })
        .collect();
    println!("| {} |\n", medians.join(" | "));
    delays.sort_by(f64::total_cmp);
    let catch_ups = app
        .logs
        .lock()
        .expect("log lock")
        .iter()
        .filter(|line| line.contains("fell behind and caught up"))
        .count();
    println!(
        "The subscriber fell behind the live feed and caught up from the store {catch_ups} times.\n"
    );
    println!(
        "Output line, daemon → monitor → subscriber, {} lines: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (goal ≤ 50 ms)\n",
        delays.len(),
        percentile(&delays, 0.50),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or_default()
    );

    println!(
        "## Signed push webhook → container running (PULL, BUILD, PUSH, DEPLOY), {runs} runs\n"
    );
    let path = stack["webhookPath"].as_str().expect("a path");
    let secret = stack["webhookSecret"].as_str().expect("a secret");
    let mut to_running = Vec::new();
    for run in 0..runs {
        let head = repo.commit(&[("data/changed", &format!("{run}"))], "a change");
        let body = json!({ "ref": "refs/heads/main", "after": head }).to_string();
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
        mac.update(body.as_bytes());
        let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        let sent = Utc::now();
        let answer: Value = app
            .http
            .post(format!("{}{path}", app.address))
            .header("content-type", "application/json")
            .header("x-github-event", "push")
            .header("x-github-delivery", format!("bench-{run}"))
            .header("x-hub-signature-256", signature)
            .body(body)
            .send()
            .await
            .expect("monitor answers")
            .json()
            .await
            .expect("JSON");
        let operation = answer["operationId"].as_str().expect("a run").to_string();
        follow(&app, &admin, &operation).await;
        let (ok, started) = engine
            .docker(&["inspect", "--format", "{{.State.StartedAt}}", "bench"])
            .await;
        assert!(ok, "the container exists");
        let started: DateTime<Utc> = started.parse().expect("a time");
        to_running.push((started - sent).num_milliseconds() as f64 / 1000.0);
    }
    let to_running_median = median(&mut to_running);
    println!(
        "median {to_running_median:.2} s, max {:.2} s\n",
        to_running.last().copied().unwrap_or_default()
    );
}

async fn act(app: &TestApp, admin: &str, mutation: &str, id: &str) -> String {
    let body = app
        .graphql(
            Some(admin),
            &format!("mutation($id: ID!) {{ {mutation}(stackId: $id) {{ id }} }}"),
            json!({ "id": id }),
        )
        .await;
    body["data"][mutation]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{mutation} started: {body}"))
        .to_string()
}

/// What following an operation's output to its end saw.
struct Followed {
    count: usize,
    /// For each line produced after the subscription: milliseconds from its timestamp
    /// to its arrival here.
    delays: Vec<f64>,
    /// Each line's text and timestamp, in order.
    lines: Vec<(String, DateTime<Utc>)>,
    /// When the stream completed.
    completed: DateTime<Utc>,
}

async fn follow(app: &TestApp, admin: &str, operation: &str) -> Followed {
    let mut socket = ws::subscribe(
        &app.ws_url(),
        ws::TRANSPORT_WS,
        admin,
        OUTPUT,
        json!({ "id": operation }),
    )
    .await;
    // Lines written before the subscription existed arrive as a replay; only lines
    // the daemon produced after it are timed.
    let subscribed_at = Utc::now();
    let (mut count, mut delays, mut stamped) = (0, Vec::new(), Vec::new());
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let arrived = Utc::now();
        let value: Value = serde_json::from_str(&text).expect("JSON");
        match value["type"].as_str() {
            Some("complete") => break,
            Some("next") => {
                let lines = value["payload"]["data"]["operationOutput"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                count += lines.len();
                for line in lines {
                    let Some(stamp) = line["timestamp"]
                        .as_str()
                        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
                    else {
                        continue;
                    };
                    if stamp > subscribed_at {
                        delays.push(
                            (arrived - stamp).num_microseconds().unwrap_or(0) as f64 / 1000.0,
                        );
                    }
                    stamped.push((line["text"].as_str().unwrap_or_default().to_string(), stamp));
                }
            }
            _ => {}
        }
    }
    Followed {
        count,
        delays,
        lines: stamped,
        completed: Utc::now(),
    }
}

/// Where a build's time went, in seconds: the request until the operation is stored,
/// until monitor hands the context to the daemon (its "building" line), the daemon's
/// build and tags (until its "built" line), recording the image and the ending (the
/// stored `finishedAt`), and storing the ending until the stream completes.
async fn phases(
    app: &TestApp,
    admin: &str,
    id: &str,
    sent: DateTime<Utc>,
    followed: &Followed,
) -> [f64; 5] {
    let body = app
        .graphql(
            Some(admin),
            "query($id: ID!) { operation(id: $id) { createdAt finishedAt } }",
            json!({ "id": id }),
        )
        .await;
    let at = |field: &str| {
        body["data"]["operation"][field]
            .as_str()
            .and_then(|t| t.parse::<DateTime<Utc>>().ok())
            .unwrap_or_else(|| panic!("the operation's {field}: {body}"))
    };
    let note = |prefix: &str| {
        followed
            .lines
            .iter()
            .find(|(text, _)| text.starts_with(prefix))
            .map(|(_, stamp)| *stamp)
            .unwrap_or_else(|| panic!("a `{prefix}` line"))
    };
    let marks = [
        sent,
        at("createdAt"),
        note("building "),
        note("built "),
        at("finishedAt"),
        followed.completed,
    ];
    std::array::from_fn(|phase| {
        (marks[phase + 1] - marks[phase])
            .num_microseconds()
            .unwrap_or(0) as f64
            / 1e6
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn percentile(sorted: &[f64], share: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

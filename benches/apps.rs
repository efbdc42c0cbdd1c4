//! The apps benchmarks, in one run against one fake API server (the only Kubernetes
//! API that runs here; see `tests/api/fake_kube/`) and the real `monitor` binary:
//!
//! 1. Sync at start: `BENCH_APPS` resources (default 1,000) are in the cluster, deployed
//!    by the fake controller, before monitor starts; the figures are the time monitor
//!    takes to be ready, then until its sync has taken in the whole list
//!    (`monitor_apps_sync_relists_total` reaches 1), checked by reading every app back.
//! 2. The apps list: each app gets `BENCH_VERSIONS` versions (default 20) and the newest
//!    is deployed; then `apps(first: 50)` with each app's active version, version count
//!    and status: store round trips for 10 and for 50 apps on the page (they must not
//!    grow with the page), and req/s of `BENCH_CLIENTS` clients for `BENCH_SECONDS`
//!    against `{ __typename }` in the same run.
//! 3. Status latency: `BENCH_EDITS` (default 200) out-of-band edits of one resource's
//!    spec, one after the other, each timed from the moment the fake API server wrote
//!    the event to monitor's watch until `appStatusChanged` delivered it to a websocket
//!    subscriber; p50, p99 and max.
//!
//! Run: `cargo bench --profile dev --bench apps`.

#[allow(dead_code)]
#[path = "../tests/api/dockerd.rs"]
mod dockerd;
#[allow(dead_code, unused_imports)]
#[path = "../tests/api/fake_kube/mod.rs"]
mod fake_kube;
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "support/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "../tests/api/restartable.rs"]
mod restartable;
#[allow(dead_code)]
#[path = "../tests/api/ws.rs"]
mod ws;

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};
use tempfile::TempDir;

use fake_kube::{ControllerConfig, FakeKube};
use helpers::TestApp;
use load::{compare, number, percentile};

/// How long the set-up may take at each step before the benchmark gives up.
const SETUP: Duration = Duration::from_secs(1800);
/// How many requests the set-up keeps in flight.
const IN_FLIGHT: usize = 8;
const LIST: &str = "query($first: Int) { apps(first: $first) { nodes { id namespace name \
     versionCount activeVersion { number hash } status { phase observedGeneration generation } } } }";

/// App `n`'s graph at chart version `chart`.
fn graph(chart: usize) -> Value {
    json!({
        "components": {"api": {
            "chart": {"repo": "rampart-repo", "name": "api", "version": chart.to_string()},
            "outputs": {"out": {"flow": "events"}}
        }},
        "flows": {"events": {"type": "pulsar"}}
    })
}

fn name(n: usize) -> String {
    format!("app-{n:04}")
}

#[tokio::main]
async fn main() {
    let apps = number("BENCH_APPS", 1000);
    let versions = number("BENCH_VERSIONS", 20);
    let edits = number("BENCH_EDITS", 200);
    let clients = number("BENCH_CLIENTS", 8);
    let seconds = number("BENCH_SECONDS", 10) as u64;

    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig::default());
    for n in 0..apps {
        fake.apply_as(
            "ml",
            &name(n),
            &json!({"graph": graph(1), "deploy": true}),
            "kubectl",
        );
    }
    dockerd::eventually("the controller to deploy every resource", SETUP, || async {
        let deployed = (0..apps)
            .filter(|n| {
                fake.object("ml", &name(*n))
                    .is_some_and(|object| object["status"]["phase"] == "Deployed")
            })
            .count();
        (deployed == apps).then_some(())
    })
    .await;
    let dir = tempfile::tempdir().expect("temporary directory");

    let (app, synced) = sync_at_start(&fake, &dir).await;
    let admin = app.admin_token().await;
    let found = every_app(&app, &admin).await;
    assert_eq!(found.len(), apps, "every resource is an app");
    assert!(found.iter().all(|app| settled(app, 1)), "{found:?}");
    let ids: Vec<String> = found
        .iter()
        .map(|app| app["id"].as_str().expect("an id").to_string())
        .collect();
    println!("## Apps: sync at start\n");
    println!("| resources in the cluster | monitor start to ready | ready to every app in sync |");
    println!("|---|---|---|");
    println!(
        "| {apps} | {:.2} s | {:.2} s |",
        synced.ready.as_secs_f64(),
        synced.synced.as_secs_f64()
    );
    println!();

    populate(&app, &admin, &ids, versions).await;
    list(&app, &admin, apps, versions, clients, seconds).await;
    status_latency(&fake, &app, &admin, &ids[0], edits).await;
}

/// How long monitor took to be ready, and then to take the whole list in.
struct SyncTimes {
    ready: Duration,
    synced: Duration,
}

/// Starts monitor against `fake` and waits until its sync has taken in the whole list.
async fn sync_at_start(fake: &FakeKube, dir: &TempDir) -> (TestApp, SyncTimes) {
    let kubeconfig = fake.write_kubeconfig(dir.path());
    let started = Instant::now();
    let app = TestApp::spawn_with_env(vec![
        (
            "MONITOR_KUBERNETES__KUBECONFIG".into(),
            kubeconfig.display().to_string(),
        ),
        (
            "MONITOR_KUBERNETES__DEPLOY_TIMEOUT_SECONDS".into(),
            "600".into(),
        ),
    ])
    .await;
    let ready = Instant::now();
    let http = reqwest::Client::new();
    let metrics = format!("{}/metrics", app.address);
    dockerd::eventually("the sync to take in the list", SETUP, || async {
        let text = http.get(&metrics).send().await.ok()?.text().await.ok()?;
        let relists: f64 = text
            .lines()
            .find_map(|line| line.strip_prefix("monitor_apps_sync_relists_total "))?
            .trim()
            .parse()
            .ok()?;
        (relists >= 1.0).then_some(())
    })
    .await;
    let times = SyncTimes {
        ready: ready - started,
        synced: ready.elapsed(),
    };
    (app, times)
}

/// Every app, each with its id, live version and status.
async fn every_app(app: &TestApp, token: &str) -> Vec<Value> {
    let mut apps = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = app
            .graphql(
                Some(token),
                "query($after: String) { apps(first: 100, after: $after) { \
                 pageInfo { hasNextPage endCursor } \
                 nodes { id liveVersion { number } status { phase observedGeneration generation } } } }",
                json!({"after": after}),
            )
            .await;
        let page = &body["data"]["apps"];
        apps.extend(page["nodes"].as_array().expect("apps").iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            return apps;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
}

/// Whether monitor shows `app` deployed, at live version `version`, with nothing left
/// for the controller to do: then no more events about it are on their way.
fn settled(app: &Value, version: usize) -> bool {
    let status = &app["status"];
    app["liveVersion"]["number"] == version
        && status["phase"] == "DEPLOYED"
        && status["observedGeneration"] == status["generation"]
}

/// Saves versions 2 to `versions` of every app, then deploys each app's newest.
async fn populate(app: &TestApp, token: &str, ids: &[String], versions: usize) {
    // One app's versions one after the other: saves of one app at the same time race
    // for its next number.
    futures::stream::iter(ids)
        .for_each_concurrent(IN_FLIGHT, |id| async move {
            for chart in 2..=versions {
                let body = app
                    .graphql(
                        Some(token),
                        "mutation($input: SaveAppGraphInput!) { saveAppGraph(input: $input) { number } }",
                        json!({"input": {"appId": id, "graph": graph(chart), "message": "bench"}}),
                    )
                    .await;
                assert!(body["errors"].is_null(), "{body}");
            }
        })
        .await;
    futures::stream::iter(ids)
        .for_each_concurrent(IN_FLIGHT, |id| async move {
            let body = app
                .graphql(
                    Some(token),
                    "mutation($input: DeployAppInput!) { deployApp(input: $input) { id } }",
                    json!({"input": {"appId": id, "reason": "bench"}}),
                )
                .await;
            assert!(body["errors"].is_null(), "{body}");
        })
        .await;
    app.every_operation_ended(token, SETUP).await;
    // The sync still takes in the controller's status writes after the deploys ended;
    // measuring before it is done would count its work too.
    dockerd::eventually("every app to be deployed and in sync", SETUP, || async {
        let apps = every_app(app, token).await;
        apps.iter().all(|app| settled(app, versions)).then_some(())
    })
    .await;
}

/// The store round trips and throughput of the apps list.
async fn list(
    app: &TestApp,
    admin: &str,
    apps: usize,
    versions: usize,
    clients: usize,
    seconds: u64,
) {
    let token = app.quiet_token(admin, "apps-list").await;
    let body = app.graphql(Some(&token), LIST, json!({"first": 50})).await;
    let nodes = body["data"]["apps"]["nodes"].as_array().expect("apps");
    assert_eq!(nodes.len(), 50.min(apps), "{body}");
    for node in nodes {
        assert_eq!(node["versionCount"], versions, "{node}");
        assert_eq!(node["activeVersion"]["number"], versions, "{node}");
        assert_eq!(node["status"]["phase"], "DEPLOYED", "{node}");
    }

    println!("## Apps: `apps(first: 50)` over {apps} apps × {versions} versions\n");
    println!("| apps on the page | store round trips (3 tries) |");
    println!("|---|---|");
    quiet(app).await;
    for first in [10, 50] {
        let mut counts = Vec::new();
        for _ in 0..3 {
            let before = app.store_round_trips().await;
            let body = app
                .graphql(Some(&token), LIST, json!({"first": first}))
                .await;
            counts.push(app.store_round_trips().await - before);
            assert!(body["errors"].is_null(), "{body}");
        }
        println!("| {first} | {counts:?} |");
    }
    println!();
    let shapes = [
        ("`{ __typename }` (baseline)", "{ __typename }", json!({})),
        ("`apps(first: 50)`", LIST, json!({"first": 50})),
    ];
    compare(&app.address, &token, &shapes, clients, seconds).await;
    println!();
}

/// Waits until monitor makes no store round trip for half a second: the deploys' last
/// writes and the sync's last events are done, and a count is the query's alone.
async fn quiet(app: &TestApp) {
    dockerd::eventually("monitor to be quiet", SETUP, || async {
        let before = app.store_round_trips().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        (app.store_round_trips().await == before).then_some(())
    })
    .await;
}

/// Edits app `id`'s resource `edits` times behind monitor's back, each once the
/// previous edit reached the subscriber, and prints the latencies.
async fn status_latency(fake: &FakeKube, app: &TestApp, admin: &str, id: &str, edits: usize) {
    let token = app.quiet_token(admin, "apps-status").await;
    let current = app
        .graphql(
            Some(&token),
            "query($id: ID!) { app(id: $id) { name versionCount } }",
            json!({"id": id}),
        )
        .await;
    let app_name = current["data"]["app"]["name"]
        .as_str()
        .expect("a name")
        .to_string();
    let base = current["data"]["app"]["versionCount"]
        .as_u64()
        .expect("a count") as usize;
    let mut socket = ws::subscribe(
        &app.ws_url(),
        ws::TRANSPORT_WS,
        &token,
        "subscription($id: ID) { appStatusChanged(appId: $id) { versionCount drifted liveVersion { number source } } }",
        json!({"id": id}),
    )
    .await;
    let mut latencies = Vec::new();
    for edit in 1..=edits {
        let chart = 1000 + edit;
        let object = fake.edit(
            "ml",
            &app_name,
            &json!({"spec": {"graph": graph(chart)}}),
            "kubectl-edit",
        );
        let revision: u64 = object["metadata"]["resourceVersion"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .expect("a resourceVersion");
        loop {
            let payload = ws::next_payload(&mut socket).await;
            let received = Instant::now();
            let change = &payload["data"]["appStatusChanged"];
            assert!(payload["errors"].is_null(), "{payload}");
            if change["versionCount"] == base + edit {
                assert_eq!(change["liveVersion"]["source"], "CLUSTER", "{change}");
                assert_eq!(change["drifted"], true, "{change}");
                let emitted = fake
                    .emitted_at(revision)
                    .expect("the fake sent the event to a watch");
                latencies.push((received - emitted).as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    println!("## Apps: an out-of-band edit to `appStatusChanged`\n");
    println!("| edits | p50 | p99 | max |");
    println!("|---|---|---|---|");
    println!(
        "| {edits} | {:.1} ms | {:.1} ms | {:.1} ms |",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
}

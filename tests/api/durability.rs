//! Nothing lost: acknowledged writes survive `kill -9`, and an incompatible store is
//! refused at start with a way out.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::mpsc;

use crate::helpers::TestApp;

/// Writers running at once, and acknowledged writes to wait for before the kill.
const WRITERS: usize = 8;
const ACKNOWLEDGED_BEFORE_KILL: usize = 150;

pub async fn token_names(app: &TestApp, token: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut after = serde_json::Value::Null;
    loop {
        let body = app
            .graphql(
                Some(token),
                "query($after: String) { apiTokens(first: 100, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }",
                json!({ "after": after }),
            )
            .await;
        let connection = &body["data"]["apiTokens"];
        for node in connection["nodes"].as_array().expect("tokens") {
            names.insert(node["name"].as_str().expect("name").to_string());
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            return names;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_during_concurrent_writes() {
    kill_during_writes(TestApp::spawn_on_engine("surrealkv").await).await;
}

/// The same crash on RocksDB, for the engine comparison in docs/storage.md.
#[cfg(feature = "rocksdb")]
#[tokio::test]
async fn acknowledged_writes_survive_kill_9_on_rocksdb_too() {
    kill_during_writes(TestApp::spawn_on_engine("rocksdb").await).await;
}

async fn kill_during_writes(mut app: TestApp) {
    let admin = app.admin_token().await;
    let (acknowledged, mut acks) = mpsc::unbounded_channel::<String>();
    let endpoint = Arc::new(format!("{}/graphql", app.address));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (acknowledged, endpoint, admin) =
            (acknowledged.clone(), endpoint.clone(), admin.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0.. {
                let name = format!("w{writer}-{i}");
                let query = format!("mutation {{ createApiToken(input: {{name: \"{name}\"}}) {{ apiToken {{ id }} }} }}");
                let Ok(response) = client.post(endpoint.as_str()).bearer_auth(&admin).json(&json!({ "query": query })).send().await else {
                    return;
                };
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    return;
                };
                if body["data"]["createApiToken"]["apiToken"]["id"].is_string() && acknowledged.send(name).is_err() {
                    return;
                }
            }
        }));
    }
    drop(acknowledged);
    let mut acked = Vec::new();
    while acked.len() < ACKNOWLEDGED_BEFORE_KILL {
        acked.push(acks.recv().await.expect("writers keep acknowledging"));
    }

    app.kill().await;
    for writer in writers {
        let _ = writer.await;
    }
    while let Ok(name) = acks.try_recv() {
        acked.push(name);
    }
    app.restart().await;

    let stored = token_names(&app, &admin).await;
    let lost: Vec<&String> = acked
        .iter()
        .filter(|name| !stored.contains(*name))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes were lost: {lost:?}",
        lost.len(),
        acked.len()
    );
}

#[tokio::test]
async fn a_store_in_another_format_is_refused_with_the_way_out() {
    let mut app = TestApp::spawn().await;
    app.kill().await;
    let settings = monitor::config::Settings {
        data_dir: app.data_dir.clone(),
        ..monitor::config::Settings::default()
    };
    let address = monitor::store::StoreAddress::from_settings(&settings);
    let store = monitor::store::Store::connect(&address)
        .await
        .expect("the store opens");
    store
        .db()
        .query("UPDATE meta:store SET format = 99")
        .await
        .expect("stamp a future format");

    // The embedded engine keeps its directory lock for as long as this test process
    // lives, so the server is started on a copy of the edited store.
    let copy = app.data_dir.with_file_name("edited-copy");
    copy_dir(&app.data_dir, &copy);
    let log = TestApp::start(&copy, Vec::new())
        .await
        .err()
        .expect("the server refuses to start");
    assert!(log.contains("format 99"), "{log}");
    assert!(
        log.contains("monitor db nuke") && log.contains("monitor restore"),
        "{log}"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the store") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a store file");
        }
    }
}

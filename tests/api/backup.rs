//! Backups: download at any time, restore into an empty store, nuke.

use serde_json::{Value, json};

use crate::dockerd::eventually;
use crate::helpers::{TestApp, error_code, run_cli};

async fn snapshot(app: &TestApp, token: &str) -> (Value, Vec<Value>) {
    let users = app
        .graphql(
            Some(token),
            "{ users(first: 100) { nodes { id username role createdAt updatedAt } } }",
            json!({}),
        )
        .await["data"]["users"]["nodes"]
        .clone();
    let mut events = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .graphql(
                Some(token),
                "query($after: String) { auditEvents(first: 100, after: $after) { nodes { id kind occurredAt summary actor { name userId } subject { type id name } diff { before after } } pageInfo { hasNextPage endCursor } } }",
                json!({ "after": after }),
            )
            .await;
        let connection = &page["data"]["auditEvents"];
        events.extend(
            connection["nodes"]
                .as_array()
                .expect("events")
                .iter()
                .cloned(),
        );
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    (users, events)
}

async fn download(app: &TestApp, token: &str) -> String {
    let response = app
        .http
        .get(format!("{}/backup", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("backup answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    response.text().await.expect("backup body")
}

async fn populate(app: &TestApp, admin: &str) {
    for name in ["hana", "ivan", "jules"] {
        app.graphql(
            Some(admin),
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": { "username": name, "password": "password-123", "role": "OPERATOR" } }),
        )
        .await;
    }
    app.graphql(Some(admin), "mutation { createApiToken(input: {name: \"deploy\", expiresAt: \"2099-01-01T00:00:00Z\"}) { token } }", json!({})).await;
}

#[tokio::test]
async fn backup_nuke_restore_gives_back_identical_data() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    populate(&app, &admin).await;
    let backup = download(&app, &admin).await;
    let (users_before, events_before) = snapshot(&app, &admin).await;
    let file = app.data_dir.with_file_name("backup.ndjson");
    std::fs::write(&file, &backup).expect("write the backup");
    app.kill().await;
    let data_dir = app.data_dir.to_str().expect("utf-8 path").to_string();

    let (nuked, _, nuke_log) =
        run_cli(&["db", "nuke", "--data-dir", &data_dir, "--yes"], None).await;
    let (restored, _, restore_log) = run_cli(
        &[
            "restore",
            "--data-dir",
            &data_dir,
            file.to_str().expect("path"),
        ],
        None,
    )
    .await;
    app.restart().await;

    assert!(nuked, "{nuke_log}");
    assert!(restored, "{restore_log}");
    let (users_after, events_after) = snapshot(&app, &admin).await;
    assert_eq!(users_after, users_before);
    assert_eq!(
        events_after, events_before,
        "the session token from before the backup still works, and the log is the same"
    );
}

#[tokio::test]
async fn restore_refuses_a_store_that_holds_data_unless_forced() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let backup = download(&app, &admin).await;
    let file = app.data_dir.with_file_name("backup.ndjson");
    std::fs::write(&file, &backup).expect("write the backup");
    app.kill().await;
    let data_dir = app.data_dir.to_str().expect("utf-8 path").to_string();
    let file = file.to_str().expect("path").to_string();

    let (refused, _, log) = run_cli(&["restore", "--data-dir", &data_dir, &file], None).await;
    let (forced, _, forced_log) = run_cli(
        &["restore", "--force", "--data-dir", &data_dir, &file],
        None,
    )
    .await;

    assert!(!refused);
    assert!(log.contains("--force"), "{log}");
    assert!(forced, "{forced_log}");
}

#[tokio::test]
async fn a_truncated_backup_is_refused_before_anything_is_written() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    populate(&app, &admin).await;
    let backup = download(&app, &admin).await;
    let truncated: String = backup
        .lines()
        .take(3)
        .map(|line| format!("{line}\n"))
        .collect();
    let file = app.data_dir.with_file_name("truncated.ndjson");
    std::fs::write(&file, truncated).expect("write");
    app.kill().await;
    let empty = app.data_dir.with_file_name("empty-data");

    let (ok, _, log) = run_cli(
        &[
            "restore",
            "--data-dir",
            empty.to_str().expect("path"),
            file.to_str().expect("path"),
        ],
        None,
    )
    .await;

    assert!(!ok);
    assert!(log.contains("truncated"), "{log}");
}

#[tokio::test]
async fn the_backup_command_downloads_a_whole_backup_with_an_admin_token() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let out = app.data_dir.with_file_name("cli-backup.ndjson");

    let (ok, _, log) = run_cli(
        &[
            "backup",
            "--server",
            &app.address,
            "--token",
            &admin,
            "--out",
            out.to_str().expect("path"),
        ],
        None,
    )
    .await;

    assert!(ok, "{log}");
    let written = std::fs::read_to_string(&out).expect("the backup file");
    assert!(written.starts_with("{\"monitor_backup\":1"));
    assert!(written.trim_end().ends_with("}}"));
}

#[tokio::test]
async fn only_admins_may_download_a_backup() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let operator = app.user_with_role(&admin, "olga", "OPERATOR").await;

    let anonymous = app
        .http
        .get(format!("{}/backup", app.address))
        .send()
        .await
        .expect("answer");
    let refused = app
        .http
        .get(format!("{}/backup", app.address))
        .bearer_auth(&operator)
        .send()
        .await
        .expect("answer");

    assert_eq!(anonymous.status(), 401);
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn a_download_link_works_once_without_a_header() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let body = app
        .graphql(
            Some(&admin),
            "mutation { createBackupDownload { url expiresAt } }",
            json!({}),
        )
        .await;
    let url = format!(
        "{}{}",
        app.address,
        body["data"]["createBackupDownload"]["url"]
            .as_str()
            .expect("url")
    );

    let first = app.http.get(&url).send().await.expect("answer");
    let second = app.http.get(&url).send().await.expect("answer");

    assert_eq!(first.status(), 200);
    assert!(first.text().await.expect("body").contains("\"end\""));
    assert_eq!(second.status(), 401);
    let events = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 1) { nodes { kind actor { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        events["data"]["auditEvents"]["nodes"][0]["kind"],
        "BACKUP_DOWNLOADED"
    );
}

#[tokio::test]
async fn nuke_asks_first_and_does_nothing_without_the_answer() {
    let mut app = TestApp::spawn().await;
    app.kill().await;
    let data_dir = app.data_dir.to_str().expect("path").to_string();

    let (ok, _, log) = run_cli(&["db", "nuke", "--data-dir", &data_dir], Some("no\n")).await;

    assert!(!ok, "{log}");
    assert!(app.data_dir.join("store").exists());
}

const SCHEDULED: &str =
    "{ scheduledBackups { directory every keep backups { name path createdAt sizeBytes } } }";

#[tokio::test]
async fn scheduled_backups_are_written_whole_into_their_directory_and_the_oldest_pruned() {
    let elsewhere = tempfile::tempdir().expect("a backup directory");
    let app = TestApp::spawn_with_env(vec![
        ("MONITOR_BACKUP__EVERY".into(), "1s".into()),
        ("MONITOR_BACKUP__KEEP".into(), "2".into()),
        (
            "MONITOR_BACKUP__DIR".into(),
            elsewhere.path().display().to_string(),
        ),
    ])
    .await;
    let admin = app.admin_token().await;

    let listing = || async { app.graphql(Some(&admin), SCHEDULED, json!({})).await };
    let wait = std::time::Duration::from_secs(30);
    let first = eventually("the first scheduled backup", wait, || async {
        let body = listing().await;
        body["data"]["scheduledBackups"]["backups"][0]["name"]
            .as_str()
            .map(str::to_string)
    })
    .await;
    let listed = eventually("the first backup to be pruned", wait, || async {
        let body = listing().await;
        let backups = body["data"]["scheduledBackups"]["backups"].as_array()?;
        let pruned = backups.len() == 2 && backups.iter().all(|b| b["name"] != first.as_str());
        pruned.then_some(body.clone())
    })
    .await;

    let scheduled = &listed["data"]["scheduledBackups"];
    assert_eq!(
        scheduled["directory"],
        elsewhere.path().display().to_string()
    );
    assert_eq!(scheduled["every"], "1s");
    assert_eq!(scheduled["keep"], 2);
    let backups = scheduled["backups"].as_array().expect("backups");
    assert_eq!(backups.len(), 2, "{listed}");
    assert!(
        backups[0]["createdAt"].as_str() > backups[1]["createdAt"].as_str(),
        "newest first"
    );
    let newest = std::fs::read_to_string(backups[0]["path"].as_str().expect("path")).expect("read");
    let lines: Vec<&str> = newest.lines().collect();
    let header: serde_json::Value = serde_json::from_str(lines[0]).expect("a header");
    assert_eq!(header["monitor_backup"], 1);
    let trailer: serde_json::Value =
        serde_json::from_str(lines[lines.len() - 1]).expect("a trailer");
    assert_eq!(
        trailer["end"]["records"].as_u64(),
        Some(lines.len() as u64 - 2)
    );
    assert_eq!(backups[0]["sizeBytes"].as_u64(), Some(newest.len() as u64));

    let viewer = app.user_with_role(&admin, "peeker", "VIEWER").await;
    let refused = app.graphql(Some(&viewer), SCHEDULED, json!({})).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
}

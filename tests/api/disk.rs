//! A full disk: writes are refused with UNAVAILABLE while it lasts, health says why,
//! monitor reopens the store once there is space, and no acknowledged write is lost
//! across restarts. Runs on a small tmpfs of its own (tests run as root).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use crate::dockerd::eventually;
use crate::durability::token_names;
use crate::helpers::{TestApp, error_code};

/// A tmpfs mounted on a temporary directory, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().expect("a mount point");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(mounted.success(), "mount a tmpfs (tests run as root)");
        Tmpfs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the file system to the last byte; returns the file that holds the space.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).expect("create the filler");
        for chunk in [1 << 20, 4096, 1] {
            let block = vec![0u8; chunk];
            while file.write_all(&block).is_ok() {}
        }
        let _ = file.sync_all();
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

async fn create_token(app: &TestApp, admin: &str, name: &str) -> Value {
    app.graphql(
        Some(admin),
        "mutation($name: String!) { createApiToken(input: {name: $name}) { apiToken { id } } }",
        json!({ "name": name }),
    )
    .await
}

async fn store_health(app: &TestApp) -> Value {
    let body = app
        .graphql(
            None,
            "{ health { components { name status message } } }",
            json!({}),
        )
        .await;
    body["data"]["health"]["components"]
        .as_array()
        .and_then(|components| components.iter().find(|c| c["name"] == "store").cloned())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_full_disk_refuses_writes_and_loses_no_acknowledged_write_across_restarts() {
    let disk = Tmpfs::mount("16m");
    let data_dir = disk.path().join("data");
    let env = vec![("MONITOR_BACKUP__EVERY".to_string(), String::new())];
    let mut app = TestApp::start(&data_dir, env.clone())
        .await
        .expect("starts");
    let admin = app.admin_token().await;
    let mut acknowledged: Vec<String> = Vec::new();

    for cycle in 0..3 {
        for before in 0..20 {
            let name = format!("c{cycle}-before-{before}");
            let body = create_token(&app, &admin, &name).await;
            assert!(
                body["data"]["createApiToken"]["apiToken"]["id"].is_string(),
                "{body}"
            );
            acknowledged.push(name);
        }
        let filler = disk.fill();
        let mut refused = None;
        for attempt in 0..1000 {
            let name = format!("c{cycle}-full-{attempt}");
            let body = create_token(&app, &admin, &name).await;
            if body["data"]["createApiToken"]["apiToken"]["id"].is_string() {
                acknowledged.push(name);
                continue;
            }
            assert_eq!(error_code(&body), "UNAVAILABLE", "cycle {cycle}: {body}");
            refused = Some(body);
            break;
        }
        assert!(
            refused.is_some(),
            "cycle {cycle}: a write was refused on the full disk"
        );
        let store = store_health(&app).await;
        assert_eq!(store["status"], "DOWN", "{store}");
        assert!(
            store["message"]
                .as_str()
                .unwrap_or_default()
                .contains("disk full"),
            "{store}"
        );
        let again = create_token(&app, &admin, &format!("c{cycle}-refused")).await;
        assert_eq!(error_code(&again), "UNAVAILABLE", "{again}");

        std::fs::remove_file(&filler).expect("free the disk");
        eventually(
            "the store to be reopened",
            Duration::from_secs(60),
            || async { (store_health(&app).await["status"] == "UP").then_some(()) },
        )
        .await;
        for after in 0..5 {
            let name = format!("c{cycle}-after-{after}");
            let body = create_token(&app, &admin, &name).await;
            assert!(
                body["data"]["createApiToken"]["apiToken"]["id"].is_string(),
                "cycle {cycle}: a write after recovery: {body}"
            );
            acknowledged.push(name);
        }

        assert!(app.terminate().await, "a clean stop");
        app = TestApp::start(&data_dir, env.clone())
            .await
            .expect("restarts");
        let stored = token_names(&app, &admin).await;
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|name| !stored.contains(*name))
            .collect();
        assert!(
            lost.is_empty(),
            "cycle {cycle}: {} of {} acknowledged writes were lost: {lost:?}",
            lost.len(),
            acknowledged.len()
        );
    }
}

//! A damaged store is never served silently: a store file that changed while monitor
//! was stopped makes it refuse to start, naming the newest backup and the way out; a
//! cleanly stopped or killed store that is whole starts as before. A clean stop leaves
//! the data in the engine's tables (its log is flushed into them and removed), so the
//! tables are what is damaged there; after `kill -9` the last writes are only in the
//! log, which is damaged here too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use crate::dockerd::eventually;
use crate::helpers::TestApp;

/// The store's files in `folder` (of the store in `data_dir`) ending in `.<extension>`,
/// oldest first.
fn store_files(data_dir: &Path, folder: &str, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir.join("store").join(folder))
        .unwrap_or_else(|error| panic!("the store has {folder}: {error}"))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    files
}

/// The tables (`.sst` files) of the store in `data_dir`.
fn tables(data_dir: &Path) -> Vec<PathBuf> {
    store_files(data_dir, "sstables", "sst")
}

/// Something done to a store file while monitor is stopped.
type Damage = fn(&Path);

fn cut_to_half(file: &Path) {
    let bytes = std::fs::read(file).expect("read");
    std::fs::write(file, &bytes[..bytes.len() / 2]).expect("cut");
}

fn empty(file: &Path) {
    std::fs::write(file, b"").expect("empty");
}

fn flip_64_bytes(file: &Path) {
    let mut bytes = std::fs::read(file).expect("read");
    let start = bytes.len() / 3;
    for byte in &mut bytes[start..start + 64] {
        *byte ^= 0x5a;
    }
    std::fs::write(file, &bytes).expect("flip");
}

/// A server that wrote some users and a scheduled backup, then stopped cleanly.
async fn stopped_with_data(backups: &[(String, String)]) -> TestApp {
    let mut app = TestApp::spawn_with_env(backups.to_vec()).await;
    let admin = app.admin_token().await;
    for name in ["ann", "ben", "cat"] {
        app.user_with_role(&admin, name, "VIEWER").await;
    }
    if !backups.is_empty() {
        let dir = app.data_dir.join("backups");
        eventually("a scheduled backup", Duration::from_secs(30), || async {
            std::fs::read_dir(&dir)
                .ok()?
                .flatten()
                .find(|e| e.file_name().to_string_lossy().starts_with("monitor-"))
        })
        .await;
    }
    assert!(app.terminate().await, "a clean stop");
    app
}

#[tokio::test]
async fn a_table_damaged_while_monitor_was_stopped_is_refused_with_the_way_out() {
    let every = vec![("MONITOR_BACKUP__EVERY".to_string(), "1s".to_string())];
    let damages: [(&str, Damage); 3] = [
        ("cut to half", cut_to_half),
        ("emptied", empty),
        ("64 bytes flipped", flip_64_bytes),
    ];
    for (what, damage) in damages {
        let app = stopped_with_data(&every).await;
        let newest = tables(&app.data_dir).pop().expect("a table");
        damage(&newest);

        let refusal = TestApp::start(&app.data_dir, every.clone())
            .await
            .err()
            .unwrap_or_else(|| panic!("a store whose table was {what} was served"));

        assert!(refusal.contains("is damaged"), "{what}: {refusal}");
        assert!(refusal.contains("sstables/"), "names the file: {refusal}");
        assert!(refusal.contains("monitor restore --data-dir"), "{refusal}");
        assert!(
            refusal.contains(&format!(
                "{}",
                app.data_dir.join("backups/monitor-").display()
            )),
            "names the newest backup: {refusal}"
        );
        assert!(refusal.contains("monitor db nuke --data-dir"), "{refusal}");
    }
}

/// The newest segment of the store's write-ahead log.
fn newest_log(data_dir: &Path) -> PathBuf {
    store_files(data_dir, "wal", "wal")
        .pop()
        .expect("a log segment")
}

#[tokio::test]
async fn a_log_damaged_after_a_crash_is_refused_and_a_write_the_crash_cut_short_is_not_damage() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for name in ["ann", "ben", "cat"] {
        app.user_with_role(&admin, name, "VIEWER").await;
    }
    app.kill().await;

    // A record the crash cut short: a header announcing more bytes than follow.
    let log = newest_log(&app.data_dir);
    let mut bytes = std::fs::read(&log).expect("read");
    bytes.extend_from_slice(&[0x12, 0x34, 0x56, 0x78, 0x00, 0x40, 0x01, 1, 2, 3]);
    std::fs::write(&log, &bytes).expect("a torn write");
    let mut again = TestApp::start(&app.data_dir, Vec::new())
        .await
        .expect("a log whose last write was cut short starts");
    let admin = again.admin_token().await;
    again.user_with_role(&admin, "dan", "VIEWER").await;
    again.kill().await;
    let mut after = TestApp::start(&app.data_dir, Vec::new())
        .await
        .expect("the writes after the torn one are whole");
    assert_eq!(
        user_count(&after, &admin).await,
        Some(5),
        "nothing acknowledged is lost"
    );
    after.kill().await;

    flip_64_bytes(&newest_log(&app.data_dir));
    let refusal = TestApp::start(&app.data_dir, Vec::new())
        .await
        .err()
        .expect("a log with a damaged record is not served");
    assert!(refusal.contains("is damaged: wal/"), "{refusal}");
    // Where the flipped bytes land decides which check finds them first: a record's
    // type or length in its header, or its checksum. The unit tests of
    // `src/store/wal.rs` pin each reason on a record made for it.
    let found_by = [
        "(checksum mismatch)",
        "(unknown record type)",
        "(length past",
    ];
    assert!(
        found_by.iter().any(|reason| refusal.contains(reason)),
        "{refusal}"
    );
    assert!(refusal.contains("monitor restore --data-dir"), "{refusal}");
    assert!(refusal.contains("monitor db nuke --data-dir"), "{refusal}");
}

/// How many users the server knows, as its admin sees them.
async fn user_count(app: &TestApp, admin: &str) -> Option<usize> {
    let users = app
        .graphql(
            Some(admin),
            "{ users(first: 10) { nodes { username } } }",
            json!({}),
        )
        .await;
    users["data"]["users"]["nodes"].as_array().map(Vec::len)
}

#[tokio::test]
async fn a_whole_store_starts_after_a_clean_stop_and_after_kill_9() {
    let app = stopped_with_data(&[]).await;
    let mut again = TestApp::start(&app.data_dir, Vec::new())
        .await
        .expect("a cleanly stopped store starts");
    let admin = again.admin_token().await;
    assert_eq!(user_count(&again, &admin).await, Some(4));

    again.kill().await;
    let after_kill = TestApp::start(&app.data_dir, Vec::new())
        .await
        .expect("a killed but whole store starts");
    assert_eq!(user_count(&after_kill, &admin).await, Some(4));
}

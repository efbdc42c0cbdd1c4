//! What `monitor` says before it serves: help that promises only what exists and names
//! each flag's default and variable, a start-up line with a link to open, and a data
//! directory that a second monitor is refused.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, run_cli};

#[tokio::test]
async fn help_promises_nothing_monitor_does_not_do_yet() {
    let (ok, help, _) = run_cli(&["--help"], None).await;
    assert!(ok);
    assert!(
        !help.contains("Kubernetes"),
        "--help promises Kubernetes:\n{help}"
    );
    // `monitor probe` is listed now that the server takes probes and their results.
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("probe Run network measurements") && !flat.contains("does not accept"),
        "--help on probes:\n{help}"
    );
}

#[tokio::test]
async fn serve_help_shows_each_flags_default_and_environment_variable() {
    let (ok, help, _) = run_cli(&["serve", "--help"], None).await;
    assert!(ok);
    for (flag, variable) in [
        ("--listen", "MONITOR_LISTEN"),
        ("--data-dir", "MONITOR_DATA_DIR"),
        ("--db", "MONITOR_DB"),
        ("--config", "MONITOR_CONFIG"),
        ("--log-format", "MONITOR_LOG_FORMAT"),
    ] {
        let line = help
            .lines()
            .find(|line| line.trim_start().starts_with(&format!("{flag} ")))
            .unwrap_or_else(|| panic!("no {flag} in:\n{help}"));
        assert!(line.contains("[default: "), "{line}");
        assert!(line.contains(&format!("[env: {variable}=")), "{line}");
    }
}

#[tokio::test]
async fn the_start_up_log_gives_the_address_as_a_link() {
    let app = TestApp::spawn().await;

    let logs = app.logs.lock().expect("log lock").clone();
    let listening = logs
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|entry| entry["fields"]["message"] == "listening")
        .expect("a listening line");
    assert_eq!(
        listening["fields"]["url"].as_str(),
        Some(format!("{}/", app.address).as_str())
    );
}

#[tokio::test]
async fn a_second_monitor_on_the_same_data_directory_is_told_which_monitor_holds_it() {
    let app = TestApp::spawn().await;
    let data_dir = app.data_dir.to_str().expect("a UTF-8 path");

    let args = ["serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir];
    let second = run_cli(&args, None);
    let (ok, _, stderr) = tokio::time::timeout(Duration::from_secs(30), second)
        .await
        .expect("the second monitor gives up instead of serving");

    assert!(!ok);
    let holder = format!(
        "another monitor (pid {}) holds the data directory",
        app.pid()
    );
    assert!(stderr.contains(&holder), "{stderr}");
    let health = app.graphql(None, "{ health { status } }", json!({})).await;
    assert!(health["data"]["health"]["status"].is_string(), "{health}");
}

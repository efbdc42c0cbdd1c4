//! The fake Kubernetes API server of the API tests (`tests/api/fake_kube`), with its fake
//! Rampart controller, as a program: the web client's browser tests run it next to a real
//! monitor, since no real API server can run on the machines that test monitor.
//!
//! `fake_kube <dir> [delay-ms]` writes `<dir>/kubeconfig` (bearer token, plain HTTP on a
//! free loopback port), prints `{"url": …, "kubeconfig": …}` on one line once it serves,
//! and runs until its standard input closes or it gets SIGTERM. The controller takes
//! `delay-ms` (default 500) to deploy or undeploy a graph, so progress can be watched.

#[allow(dead_code)]
#[path = "../tests/api/fake_kube/mod.rs"]
mod fake_kube;
#[allow(dead_code)]
#[path = "../tests/api/restartable.rs"]
mod restartable;

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::signal::unix::{SignalKind, signal};

use fake_kube::{ControllerConfig, FakeKube, Outcome};

const USAGE: &str = "usage: fake_kube <kubeconfig dir> [controller delay in ms]";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or(USAGE)?);
    let delay = match args.next() {
        Some(ms) => ms.parse().map_err(|_| USAGE)?,
        None => 500,
    };
    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig {
        delay: Duration::from_millis(delay),
        outcome: Outcome::Deployed,
    });
    let kubeconfig = fake.write_kubeconfig(&dir);
    let ready = serde_json::json!({"url": fake.url(), "kubeconfig": kubeconfig});
    println!("{ready}");

    let mut terminate = signal(SignalKind::terminate()).map_err(|error| error.to_string())?;
    let mut stdin = tokio::io::stdin();
    let mut sink = Vec::new();
    tokio::select! {
        _ = terminate.recv() => {}
        _ = stdin.read_to_end(&mut sink) => {}
    }
    Ok(())
}

//! The fakes of the API tests as one program: the Kubernetes API server
//! (`tests/api/fake_kube`) with its fake Rampart controller, and Grafana's dashboard API
//! (`tests/api/fake_grafana.rs`). The web client's browser tests run it next to a real
//! monitor, since neither can run on the machines that test monitor.
//!
//! `fakes <dir> [delay-ms]` writes `<dir>/kubeconfig` (bearer token, plain HTTP on a free
//! loopback port), prints `{"kubeconfig": …, "grafanaUrl": …, "grafanaToken": …}` on one
//! line once both serve, and runs until its standard input closes or it gets SIGTERM.
//! The controller takes `delay-ms` (default 500) to deploy or undeploy a graph, so
//! progress can be watched.
//!
//! Each line on its standard input is a change made behind monitor's back, as `kubectl
//! edit` makes it: `{"namespace": …, "name": …, "patch": <JSON merge patch>, "manager":
//! …}`; the fake answers `{"generation": …}` once it is committed, or `{"error": …}`.

#[allow(dead_code)]
#[path = "../tests/api/fake_grafana.rs"]
mod fake_grafana;
#[allow(dead_code)]
#[path = "../tests/api/fake_kube/mod.rs"]
mod fake_kube;
#[allow(dead_code)]
#[path = "../tests/api/restartable.rs"]
mod restartable;

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::signal::unix::{SignalKind, signal};

use fake_grafana::FakeGrafana;
use fake_kube::{ControllerConfig, FakeKube, Outcome};

const USAGE: &str = "usage: fakes <kubeconfig dir> [controller delay in ms]";

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
    let grafana = FakeGrafana::start().await;
    let ready = json!({"kubeconfig": kubeconfig, "grafanaUrl": grafana.url(), "grafanaToken": grafana.token});
    println!("{ready}");

    let mut terminate = signal(SignalKind::terminate()).map_err(|error| error.to_string())?;
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        tokio::select! {
            _ = terminate.recv() => return Ok(()),
            line = lines.next_line() => match line {
                Ok(Some(line)) => println!("{}", edit(&fake, &line)),
                Ok(None) | Err(_) => return Ok(()),
            },
        }
    }
}

/// An out-of-band edit, as one line of standard input asks for it.
#[derive(Deserialize)]
struct Edit {
    namespace: String,
    name: String,
    patch: Value,
    manager: String,
}

fn edit(fake: &FakeKube, line: &str) -> Value {
    let edit: Edit = match serde_json::from_str(line) {
        Ok(edit) => edit,
        Err(error) => return json!({"error": error.to_string()}),
    };
    if fake.object(&edit.namespace, &edit.name).is_none() {
        return json!({"error": format!("no resource {}/{}", edit.namespace, edit.name)});
    }
    let object = fake.edit(&edit.namespace, &edit.name, &edit.patch, &edit.manager);
    json!({"generation": object["metadata"]["generation"]})
}

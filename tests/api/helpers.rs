//! The test harness: starts the real `monitor` binary on a free port with its own data
//! directory, and talks to it as clients do.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// How long the server may take to say it is listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct TestApp {
    pub address: String,
    pub data_dir: PathBuf,
    /// Keeps the temporary directory alive (and removes it at the end).
    _temp: Option<tempfile::TempDir>,
    child: Child,
    pub logs: Arc<Mutex<Vec<String>>>,
    pub http: reqwest::Client,
    extra_env: Vec<(String, String)>,
}

/// Runs `monitor` with arguments and returns (success, stdout, stderr).
pub async fn run_cli(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_monitor"));
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("the monitor binary starts");
    if let Some(input) = stdin {
        use tokio::io::AsyncWriteExt;
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input.as_bytes()).await.expect("write stdin");
    }
    drop(child.stdin.take());
    let output = child
        .wait_with_output()
        .await
        .expect("the command finishes");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

impl TestApp {
    /// A fresh server with an empty embedded store.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with_env(Vec::new()).await
    }

    pub async fn spawn_with_env(extra_env: Vec<(String, String)>) -> TestApp {
        let temp = tempfile::tempdir().expect("temporary directory");
        let data_dir = temp.path().join("data");
        let mut app = TestApp::start(&data_dir, extra_env)
            .await
            .expect("the server starts");
        app._temp = Some(temp);
        app
    }

    /// A fresh server whose embedded store uses the given engine (`surrealkv`, `rocksdb`).
    pub async fn spawn_on_engine(scheme: &str) -> TestApp {
        let temp = tempfile::tempdir().expect("temporary directory");
        let data_dir = temp.path().join("data");
        let url = format!("{scheme}://{}", data_dir.join("store").display());
        let mut app = TestApp::start(&data_dir, vec![("MONITOR_DB".into(), url)])
            .await
            .expect("the server starts");
        app._temp = Some(temp);
        app
    }

    /// Starts a server on an existing data directory; `Err` with its log if it exits.
    pub async fn start(
        data_dir: &Path,
        extra_env: Vec<(String, String)>,
    ) -> Result<TestApp, String> {
        TestApp::start_listening(data_dir, "127.0.0.1:0", extra_env).await
    }

    /// Starts a server on an existing data directory and the given address.
    async fn start_listening(
        data_dir: &Path,
        listen: &str,
        extra_env: Vec<(String, String)>,
    ) -> Result<TestApp, String> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_monitor"));
        command
            .args([
                "serve",
                "--listen",
                listen,
                "--log-format",
                "json",
                "--data-dir",
            ])
            .arg(data_dir)
            .env("MONITOR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "info,surrealdb=warn,surrealkv=warn")
            .envs(extra_env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the monitor binary starts");
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
                sink.lock().expect("log lock").push(line);
            }
        });
        let address = match tokio::time::timeout(START_TIMEOUT, address_rx).await {
            Ok(Ok(address)) => address,
            _ => {
                let _ = child.kill().await;
                let log = logs.lock().expect("log lock").join("\n");
                return Err(log);
            }
        };
        Ok(TestApp {
            address: format!("http://{address}"),
            data_dir: data_dir.to_path_buf(),
            _temp: None,
            child,
            logs,
            http: reqwest::Client::new(),
            extra_env,
        })
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// The server's resident memory in KiB, from `/proc` (0 if it cannot be read).
    #[allow(dead_code, reason = "the benchmarks read it, the tests do not")]
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    }

    /// Kills the server with SIGKILL: no shutdown code runs.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill the server");
    }

    /// Sends SIGTERM and waits for the server to exit; returns whether it exited cleanly.
    pub async fn terminate(&mut self) -> bool {
        let pid = self.pid().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill runs");
        assert!(sent.success());
        let status = tokio::time::timeout(START_TIMEOUT, self.child.wait())
            .await
            .expect("the server exits after SIGTERM")
            .expect("exit status");
        status.success()
    }

    /// Starts the server again on the same data directory.
    pub async fn restart(&mut self) {
        self.restart_listening("127.0.0.1:0").await;
    }

    /// Kills the server and starts it again on the same data directory and the same
    /// port, as clients that reconnect by address (probes, agents) expect.
    pub async fn restart_on_same_port(&mut self) {
        let listen = self.address.trim_start_matches("http://").to_string();
        self.restart_listening(&listen).await;
    }

    async fn restart_listening(&mut self, listen: &str) {
        let _ = self.child.kill().await;
        let next = TestApp::start_listening(&self.data_dir, listen, self.extra_env.clone())
            .await
            .expect("the server restarts");
        self.address = next.address.clone();
        self.logs = next.logs.clone();
        let old = std::mem::replace(&mut self.child, next.child);
        drop(old);
    }

    pub fn ws_url(&self) -> String {
        format!("{}/graphql", self.address.replacen("http", "ws", 1))
    }

    /// POSTs a GraphQL request and returns the parsed JSON body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        response.json().await.expect("a JSON body")
    }

    /// Logs in and returns the session token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let body = self
            .graphql(
                None,
                "mutation($input: LoginInput!) { login(input: $input) { token } }",
                json!({ "input": { "username": username, "password": password } }),
            )
            .await;
        body["data"]["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login as {username} failed: {body}"))
            .to_string()
    }

    pub async fn admin_token(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// The store round trips monitor has made so far
    /// (`monitor_store_round_trips_total` on `/metrics`).
    pub async fn store_round_trips(&self) -> u64 {
        self.metric("monitor_store_round_trips_total").await as u64
    }

    /// The value of one sample on `/metrics`, named with its labels as written there.
    pub async fn metric(&self, name: &str) -> f64 {
        let metrics = self
            .http
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics body");
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in:\n{metrics}"))
    }

    /// Creates a stack named `name` on `server` with this `deploy` part and starts its
    /// deploy, which must be accepted.
    pub async fn create_and_deploy_stack(
        &self,
        token: &str,
        server: &str,
        name: &str,
        deploy: Value,
    ) {
        let body = self
            .graphql(
                Some(token),
                "mutation($input: CreateStackInput!) { createStack(input: $input) { id } }",
                json!({ "input": { "name": name, "serverId": server, "deploy": deploy } }),
            )
            .await;
        let id = body["data"]["createStack"]["id"].clone();
        let deploy = self
            .graphql(
                Some(token),
                "mutation($id: ID!) { deployStack(stackId: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert!(deploy["errors"].is_null(), "{deploy}");
    }

    /// Waits until no operation is queued or running.
    pub async fn every_operation_ended(&self, token: &str, within: Duration) {
        crate::dockerd::eventually("every operation to end", within, || async {
            let body = self
                .graphql(
                    Some(token),
                    "{ operations(first: 1, filter: { statuses: [QUEUED, RUNNING] }) { nodes { id } } }",
                    json!({}),
                )
                .await;
            (body["data"]["operations"]["nodes"].as_array().map(Vec::len) == Some(0))
                .then_some(())
        })
        .await;
    }

    /// A new API token named `name` whose first use is already recorded. A token
    /// records its last use at most once a minute, in the background; this one's record
    /// is written before it is returned, so counting round trips with it counts none.
    pub async fn quiet_token(&self, admin: &str, name: &str) -> String {
        let created = self
            .graphql(
                Some(admin),
                "mutation($name: String!) { createApiToken(input: { name: $name }) { token } }",
                json!({ "name": name }),
            )
            .await;
        let token = created["data"]["createApiToken"]["token"]
            .as_str()
            .expect("a token")
            .to_string();
        self.graphql(
            Some(&token),
            "{ stacks(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
        crate::dockerd::eventually(
            "the token's first use to be recorded",
            Duration::from_secs(10),
            || async {
                let body = self
                    .graphql(
                        Some(admin),
                        "{ apiTokens(first: 100) { nodes { name lastUsedAt } } }",
                        json!({}),
                    )
                    .await;
                body["data"]["apiTokens"]["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|node| node["name"] == name && !node["lastUsedAt"].is_null())
                    .then_some(())
            },
        )
        .await;
        token
    }

    pub async fn user_with_role(&self, admin: &str, username: &str, role: &str) -> String {
        let body = self
            .graphql(
                Some(admin),
                "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
                json!({ "input": { "username": username, "password": "password-123", "role": role } }),
            )
            .await;
        assert!(body["errors"].is_null(), "createUser failed: {body}");
        self.login(username, "password-123").await
    }
}

impl TestApp {
    /// The id of the user with this name.
    pub async fn user_id(&self, admin: &str, username: &str) -> Value {
        let users = self
            .graphql(
                Some(admin),
                "{ users(first: 100) { nodes { id username } } }",
                json!({}),
            )
            .await;
        users["data"]["users"]["nodes"]
            .as_array()
            .expect("users")
            .iter()
            .find(|user| user["username"] == username)
            .unwrap_or_else(|| panic!("no user {username}: {users}"))["id"]
            .clone()
    }
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<no error code>")
}

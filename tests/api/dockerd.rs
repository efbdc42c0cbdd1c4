//! Real Docker engines for the tests: a private `dockerd` per test (own socket, data
//! root, exec root and pidfile; no bridge, no iptables), with a `FROM scratch` image
//! holding the static busybox imported into it, since nothing can be pulled here.
//! Also `monitor agent` processes in front of such an engine.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The image every test container runs.
pub const IMAGE: &str = "monitor-test/busybox:latest";
const READY_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Dockerd {
    /// `unix:///…/docker.sock`, as a server's endpoint.
    pub host: String,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Dockerd {
    /// Starts a private engine and imports the test image into it.
    pub async fn start() -> Dockerd {
        let dir = tempfile::Builder::new()
            .prefix("dk")
            .tempdir_in("/tmp")
            .expect("a directory for dockerd");
        let mut dockerd = Dockerd {
            host: format!("unix://{}", dir.path().join("docker.sock").display()),
            dir,
            child: None,
        };
        dockerd.resume().await;
        dockerd.import_image().await;
        dockerd
    }

    /// Starts the engine again on the same socket and data after [`Dockerd::stop`].
    pub async fn resume(&mut self) {
        let root = self.dir.path();
        let log = std::fs::File::create(root.join("dockerd.log")).expect("a log file");
        let child = Command::new("dockerd")
            .arg("--host")
            .arg(&self.host)
            .arg("--data-root")
            .arg(root.join("data"))
            .arg("--exec-root")
            .arg(root.join("exec"))
            .arg("--pidfile")
            .arg(root.join("docker.pid"))
            .args([
                "--bridge=none",
                "--iptables=false",
                "--ip6tables=false",
                "--shutdown-timeout=1",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("dockerd starts (install docker.io)");
        self.child = Some(child);
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let (ok, _) = self
                .docker(&["version", "--format", "{{.Server.Version}}"])
                .await;
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "dockerd did not start: {}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the engine (SIGTERM) and waits for it to exit.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child).await;
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dockerd.log")).unwrap_or_default()
    }

    /// Runs the docker CLI against this engine; returns (success, stdout).
    pub async fn docker(&self, args: &[&str]) -> (bool, String) {
        let output = Command::new("docker")
            .args(args)
            .env("DOCKER_HOST", &self.host)
            .stdin(Stdio::null())
            .output()
            .await
            .expect("the docker CLI runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).trim().to_string(),
        )
    }

    /// Runs a container with the docker CLI, e.g. to set up what monitor should find.
    pub async fn run(&self, args: &[&str]) -> String {
        let mut all = vec!["run", "-d", "--network", "host"];
        all.extend_from_slice(args);
        let (ok, id) = self.docker(&all).await;
        assert!(ok, "docker run {args:?} failed: {}", self.log());
        id
    }

    async fn import_image(&self) {
        let rootfs = self.dir.path().join("rootfs");
        let bin = rootfs.join("bin");
        std::fs::create_dir_all(&bin).expect("rootfs");
        std::fs::copy(busybox(), bin.join("busybox")).expect("copy busybox");
        for tool in [
            "sh", "echo", "cat", "sleep", "seq", "yes", "true", "false", "printf", "ls", "date",
            "head",
        ] {
            std::os::unix::fs::symlink("busybox", bin.join(tool)).expect("a busybox link");
        }
        let tar = Command::new("tar")
            .arg("-C")
            .arg(&rootfs)
            .args(["-c", "."])
            .stdout(Stdio::piped())
            .spawn()
            .expect("tar runs");
        let archive: Stdio = tar.stdout.expect("tar output").try_into().expect("a pipe");
        let status = Command::new("docker")
            .args([
                "import",
                "-c",
                "CMD [\"/bin/sh\"]",
                "-c",
                "ENV PATH=/bin",
                "-",
                IMAGE,
            ])
            .env("DOCKER_HOST", &self.host)
            .stdin(archive)
            .stdout(Stdio::null())
            .status()
            .await
            .expect("docker import runs");
        assert!(status.success(), "the test image imports");
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        if let Some(child) = &self.child
            && let Some(pid) = child.id()
        {
            // Drop cannot await: signal, then wait for the process to go.
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(15);
            while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
                if let Some(child) = self.child.as_mut() {
                    let _ = child.try_wait();
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // dockerd leaves its default network namespace mounted in the exec root when it
        // exits, which would keep the temporary directory (and its data) from being removed.
        // A stopped and resumed engine mounts it again on top, hence the loop.
        let netns = self.dir.path().join("exec/netns/default");
        while netns.exists()
            && std::process::Command::new("umount")
                .arg(&netns)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        {}
    }
}

fn busybox() -> PathBuf {
    ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
        .expect("a static busybox (install busybox-static)")
}

async fn terminate(child: &mut Child) {
    if let Some(pid) = child.id() {
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
}

/// A `monitor agent` process in front of an engine.
pub struct Agent {
    /// `agent+http://127.0.0.1:PORT`
    pub endpoint: String,
    pub token: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Agent {
    pub async fn start(docker_host: &str) -> Agent {
        Agent::start_with(docker_host, None).await
    }

    /// An agent speaking HTTPS with a fresh self-signed certificate for `localhost`;
    /// returns it and the certificate's path (to trust it as a CA).
    pub async fn start_tls(docker_host: &str) -> (Agent, PathBuf) {
        let certs = tempfile::tempdir().expect("a directory for the certificate");
        let (cert, key) = (certs.path().join("cert.pem"), certs.path().join("key.pem"));
        let made = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
            ])
            .args([
                "-addext",
                "subjectAltName=DNS:localhost",
                "-addext",
                "basicConstraints=critical,CA:FALSE",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .expect("openssl runs");
        assert!(made.success(), "a self-signed certificate");
        let mut agent = Agent::start_with(docker_host, Some((&cert, &key))).await;
        let kept = agent._dir.path().join("cert.pem");
        std::fs::copy(&cert, &kept).expect("keep the certificate");
        agent.endpoint = agent
            .endpoint
            .replace("agent+http://127.0.0.1", "agent+https://localhost");
        (agent, kept)
    }

    async fn start_with(docker_host: &str, tls: Option<(&Path, &Path)>) -> Agent {
        let dir = tempfile::tempdir().expect("a directory for the agent");
        let token = format!("agent-token-{}", uuid::Uuid::new_v4().simple());
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, &token).expect("write the token");
        let mut command = Command::new(env!("CARGO_BIN_EXE_monitor"));
        command
            .args([
                "agent",
                "--listen",
                "127.0.0.1:0",
                "--log-format",
                "json",
                "--docker-host",
                docker_host,
                "--token-file",
            ])
            .arg(&token_file);
        if let Some((cert, key)) = tls {
            command
                .arg("--tls-cert")
                .arg(cert)
                .arg("--tls-key")
                .arg(key);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("monitor agent starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let address = tokio::time::timeout(READY_TIMEOUT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(entry) = serde_json::from_str::<Value>(&line)
                    && entry["fields"]["message"] == "listening"
                {
                    return entry["fields"]["address"].as_str().map(str::to_string);
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .expect("the agent says where it listens");
        // Keep draining its log so the agent never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Agent {
            endpoint: format!("agent+http://{address}"),
            token,
            child,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> String {
        self.child.id().expect("the agent runs").to_string()
    }

    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }

    /// Sends a signal by name (`STOP` freezes the agent: a hung host; `CONT` thaws it).
    pub async fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid()])
            .status()
            .await
            .expect("kill runs");
        assert!(status.success());
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        // Thaw a frozen agent so that kill_on_drop's SIGKILL is not left pending.
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-CONT", &pid.to_string()])
                .status();
        }
    }
}

/// Polls `check` until it returns `Some`, for state the server refreshes in the
/// background (there is no event to await for a periodic check).
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

//! A real image registry for the tests: Debian's `docker-registry` (the CNCF
//! distribution registry) serving on a free 127.0.0.1 port, storing in a temporary
//! directory. Engines treat 127.0.0.0/8 registries as insecure, so plain HTTP works.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::dockerd::eventually;

pub struct Registry {
    /// `http://127.0.0.1:PORT`, for monitor's `registry.url`.
    pub url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Registry {
    pub async fn start() -> Registry {
        let dir = tempfile::tempdir().expect("a directory for the registry");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("data").display()
            ),
        )
        .expect("the registry's config");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("docker-registry starts (install docker-registry)");
        let url = format!("http://127.0.0.1:{port}");
        let probe = format!("{url}/v2/");
        eventually("the registry to answer", Duration::from_secs(20), || {
            let probe = probe.clone();
            async move {
                reqwest::get(&probe)
                    .await
                    .ok()
                    .filter(|response| response.status().is_success())
                    .map(|_| ())
            }
        })
        .await;
        Registry {
            url,
            child,
            _dir: dir,
        }
    }

    /// Stops the registry, to see what monitor does when it is gone.
    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// Builds, inside a test engine, an image of Debian's registry binary (with the C
/// library it links) tagged as the official image is, for monitor's managed registry.
pub async fn build_image(engine_host: &str, tag: &str) {
    let context = tempfile::tempdir().expect("a build context");
    let root = context.path();
    for (from, to) in [
        ("/usr/bin/docker-registry", "bin/registry"),
        (
            "/lib/x86_64-linux-gnu/libc.so.6",
            "lib/x86_64-linux-gnu/libc.so.6",
        ),
        ("/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2"),
    ] {
        let target = root.join(to);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("directories");
        std::fs::copy(from, &target).unwrap_or_else(|e| panic!("copy {from}: {e}"));
    }
    std::fs::create_dir_all(root.join("etc/docker/registry")).expect("directories");
    std::fs::write(
        root.join("etc/docker/registry/config.yml"),
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\nhttp:\n  addr: :5000\n",
    )
    .expect("the registry's config");
    std::fs::write(
        root.join("Dockerfile"),
        "FROM scratch\nCOPY . /\nENTRYPOINT [\"/bin/registry\", \"serve\", \"/etc/docker/registry/config.yml\"]\n",
    )
    .expect("a Dockerfile");
    let status = Command::new("docker")
        .env("DOCKER_HOST", engine_host)
        .env("DOCKER_BUILDKIT", "0")
        .args(["build", "--quiet", "-t", tag])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .expect("docker build runs");
    assert!(status.success(), "the registry image builds");
}

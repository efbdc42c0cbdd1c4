//! Ending a session's process. Closing the exec's connection is not enough: the engine
//! (Engine 20.10 at least) keeps an exec running after its client is gone, and its API
//! has no call to signal one. So the process is signalled by whoever runs on the
//! engine's host: monitor for a `unix://` server, the agent for a server behind one
//! (when the session's stream closes). The process id the engine reports is first
//! checked to carry this session's marker in its environment, so a process of another
//! pid namespace (monitor or the agent in a container with the engine's socket) is
//! never touched; it then gets SIGHUP, as a closed terminal gives, and SIGKILL if it
//! is still there after `GRACE`. For a `tcp://` engine nobody can, and the log says so.

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::docker::Endpoint;
use crate::servers::ServerConnection;

/// The environment variable that names a session in its process.
pub const MARKER: &str = "MONITOR_SHELL_SESSION";
/// How long a hung-up process gets before SIGKILL.
const GRACE: Duration = Duration::from_secs(2);
/// How long an exec that has not started yet is waited for.
const START_WAIT: Duration = Duration::from_secs(10);

/// Ends the exec's process if it still runs and monitor is the one to do it.
pub async fn hang_up(server: &ServerConnection, exec_id: &str, session_id: &str) {
    match server.endpoint {
        Endpoint::Unix(_) => {}
        // The agent hangs up the process itself when the session's stream closes.
        Endpoint::Agent { .. } => return,
        Endpoint::Tcp { .. } => {
            tracing::warn!(
                server = %server.name,
                exec = exec_id,
                "a closed shell's process may still run: nobody on a tcp:// engine's host can signal it"
            );
            return;
        }
    }
    let docker = &server.engine.docker;
    let pid = running_pid(|| async {
        let inspect = docker.inspect_exec(exec_id).await.ok()?;
        Some(ExecState {
            running: inspect.running.unwrap_or(false),
            pid: inspect.pid,
            exit_code: inspect.exit_code,
        })
    })
    .await;
    if let Some(pid) = pid {
        end_marked(pid, session_id).await;
    }
}

/// What the engine says of an exec.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecState {
    pub running: bool,
    pub pid: Option<i64>,
    pub exit_code: Option<i64>,
}

/// The host pid of an exec's process while it runs. An exec the engine has attached
/// but not yet started (neither running nor exited: a loaded host) is asked about
/// again for up to [`START_WAIT`], or its process would start after the hang-up.
pub async fn running_pid<F, Fut>(mut inspect: F) -> Option<i64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<ExecState>>,
{
    let deadline = tokio::time::Instant::now() + START_WAIT;
    loop {
        let state = inspect().await?;
        if state.running {
            return state.pid;
        }
        if state.exit_code.is_some() || tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signals process `pid`, as this host sees it, if it carries session `session_id`'s
/// marker: SIGHUP, then SIGKILL after `GRACE`.
pub async fn end_marked(pid: i64, session_id: &str) {
    let Some(pid) = i32::try_from(pid).ok().filter(|pid| *pid > 1) else {
        return;
    };
    if !carries_marker(pid, session_id) {
        tracing::warn!(
            pid,
            "a closed shell's process is not visible from here; left running"
        );
        return;
    }
    for signal in [Signal::SIGHUP, Signal::SIGKILL] {
        if kill(Pid::from_raw(pid), signal).is_err() {
            return;
        }
        let deadline = tokio::time::Instant::now() + GRACE;
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if !carries_marker(pid, session_id) {
                return;
            }
        }
    }
}

/// Whether process `pid`, as this host sees it, is the one this session started.
fn carries_marker(pid: i32, session_id: &str) -> bool {
    let wanted = format!("{MARKER}={session_id}");
    std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
        environ
            .split(|byte| *byte == 0)
            .any(|entry| entry == wanted.as_bytes())
    })
}

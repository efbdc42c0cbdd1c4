//! Ending a session's process. Closing the exec's connection is not enough: the engine
//! (Engine 20.10 at least) keeps an exec running after its client is gone, and its API
//! has no call to signal one. So monitor signals it itself, where it can do so safely:
//! for an engine on monitor's own host (a `unix://` server), the exec's process id
//! from the engine is checked to carry this session's marker in its environment
//! (so a process of another pid namespace, when monitor runs in a container with the
//! engine's socket, is never touched), then gets SIGHUP, as a closed terminal gives,
//! and SIGKILL if it is still there after [`GRACE`]. Elsewhere the process is left
//! and the log says so.

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::docker::Endpoint;
use crate::servers::ServerConnection;

/// The environment variable that names a session in its process.
pub const MARKER: &str = "MONITOR_SHELL_SESSION";
/// How long a hung-up process gets before SIGKILL.
const GRACE: Duration = Duration::from_secs(2);

/// Ends the exec's process if it still runs.
pub async fn hang_up(server: &ServerConnection, exec_id: &str, session_id: &str) {
    let docker = &server.engine.docker;
    let running = |inspect: bollard::models::ExecInspectResponse| {
        inspect
            .running
            .unwrap_or(false)
            .then_some(inspect.pid)
            .flatten()
            .and_then(|pid| i32::try_from(pid).ok())
            .filter(|pid| *pid > 1)
    };
    let Some(pid) = docker.inspect_exec(exec_id).await.ok().and_then(running) else {
        return;
    };
    if !matches!(server.endpoint, Endpoint::Unix(_)) || !carries_marker(pid, session_id) {
        tracing::warn!(
            server = %server.name,
            exec = exec_id,
            "a closed shell's process still runs and monitor cannot signal it on this server"
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

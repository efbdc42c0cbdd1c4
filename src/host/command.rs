//! Running a shell command and streaming what it writes, line by line.
//!
//! Used on the agent's host for remote servers and in-process for the local server, so
//! a command behaves the same wherever it runs. The command gets its own process group:
//! cancelling (dropping the stream) kills it and everything it started. It also dies
//! with the process that started it (a parent-death signal), and carries its
//! operation's id in its environment, so what it started itself can be found and
//! killed by the next start ([`super::leftovers`]).

use std::process::Stdio;

use async_stream::stream;
use futures::{Stream, StreamExt};
use nix::sys::prctl;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::{Pid, getpid, getppid};
use tokio::process::Command;
use tokio_util::io::ReaderStream;

use super::protocol::{CommandFrame, CommandRequest, OPERATION_ENV, lines};

/// Starts `sh -c <command>` and yields its output, then its exit. `docker_host` is the
/// engine of the server the command runs for, given to it as `DOCKER_HOST` so that
/// `docker` (and anything else that reads it) talks to that engine.
pub fn run(
    request: CommandRequest,
    docker_host: Option<String>,
) -> impl Stream<Item = CommandFrame> + Send + 'static {
    stream! {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(&request.command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        if let Some(directory) = &request.working_directory {
            command.current_dir(directory);
        }
        if let Some(docker_host) = &docker_host {
            command.env("DOCKER_HOST", docker_host);
        }
        if let Some(operation) = &request.operation_id {
            command.env(OPERATION_ENV, operation);
        }
        // SAFETY: the closure runs between fork and exec and makes only
        // async-signal-safe calls (prctl, getppid), allocating nothing.
        unsafe { command.pre_exec(die_with(getpid())) };
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                let place = request.working_directory.as_deref().unwrap_or(".");
                yield CommandFrame::Error { message: format!("cannot start the command in {place}: {error}") };
                return;
            }
        };
        let mut group = ProcessGroup(child.id());
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            yield CommandFrame::Error { message: "the command's output could not be captured".into() };
            return;
        };
        let stdout = Box::pin(lines(ReaderStream::new(stdout))).map(|line| (true, line));
        let stderr = Box::pin(lines(ReaderStream::new(stderr))).map(|line| (false, line));
        let mut output = futures::stream::select(stdout, stderr);
        while let Some((is_stdout, line)) = output.next().await {
            let text = match line {
                Ok(line) => String::from_utf8_lossy(&line).into_owned(),
                Err(error) => {
                    yield CommandFrame::Error { message: format!("reading the command's output failed: {error}") };
                    return;
                }
            };
            yield if is_stdout { CommandFrame::Stdout { text } } else { CommandFrame::Stderr { text } };
        }
        let status = child.wait().await;
        // A command that ended on its own may leave background processes running on
        // purpose (a daemon it started); only a cancelled one has its group killed.
        group.0 = None;
        match status {
            Ok(status) => yield CommandFrame::Exit { code: status.code() },
            Err(error) => yield CommandFrame::Error { message: format!("waiting for the command failed: {error}") },
        }
    }
}

/// Asks the kernel to kill the command when `parent` (this process) dies, even by
/// SIGKILL. The signal comes when the thread that forked ends: commands are started
/// on tokio's worker threads, which live as long as the process.
fn die_with(parent: Pid) -> impl FnMut() -> std::io::Result<()> + Send + Sync + 'static {
    move || {
        prctl::set_pdeathsig(Signal::SIGKILL)?;
        // The parent may have died between the fork and the prctl: then nobody is
        // left to signal it, and the command must not start.
        if getppid() != parent {
            return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
        }
        Ok(())
    }
}

/// Kills the command's whole process group when dropped before the command ended.
struct ProcessGroup(Option<u32>);

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        if let Some(id) = self.0.and_then(|id| i32::try_from(id).ok()) {
            // The group may already be gone; there is nothing to do about a failure.
            let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(command: &str) -> CommandRequest {
        CommandRequest {
            command: command.into(),
            working_directory: None,
            operation_id: None,
        }
    }

    #[tokio::test]
    async fn output_of_both_streams_arrives_then_the_exit_code() {
        let frames: Vec<CommandFrame> = run(request("echo out; echo err >&2; exit 7"), None)
            .collect()
            .await;
        assert!(frames.contains(&CommandFrame::Stdout { text: "out".into() }));
        assert!(frames.contains(&CommandFrame::Stderr { text: "err".into() }));
        assert_eq!(frames.last(), Some(&CommandFrame::Exit { code: Some(7) }));
    }

    #[tokio::test]
    async fn the_command_and_what_it_starts_see_their_operation() {
        let frames: Vec<CommandFrame> = run(
            CommandRequest {
                command: format!("sh -c 'echo ${OPERATION_ENV}'"),
                working_directory: None,
                operation_id: Some("01OPERATION".into()),
            },
            None,
        )
        .collect()
        .await;
        assert_eq!(
            frames.first(),
            Some(&CommandFrame::Stdout {
                text: "01OPERATION".into()
            })
        );
    }

    #[tokio::test]
    async fn a_missing_working_directory_is_an_error_frame() {
        let frames: Vec<CommandFrame> = run(
            CommandRequest {
                command: "true".into(),
                working_directory: Some("/nonexistent/place".into()),
                operation_id: None,
            },
            None,
        )
        .collect()
        .await;
        assert!(matches!(frames.as_slice(), [CommandFrame::Error { .. }]));
    }

    #[tokio::test]
    async fn the_servers_engine_reaches_the_command_as_docker_host() {
        let frames: Vec<CommandFrame> = run(
            request("echo \"$DOCKER_HOST\""),
            Some("unix:///run/engine-a.sock".into()),
        )
        .collect()
        .await;
        assert_eq!(
            frames.first(),
            Some(&CommandFrame::Stdout {
                text: "unix:///run/engine-a.sock".into()
            })
        );
    }
}

//! One shell session: the engine exec, the task that reads its terminal, and its input.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::{ID, SimpleObject};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bollard::exec::CreateExecOptions;
use bollard::query_parameters::ResizeExecOptions;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::attach::{Input, Output, attach};
use super::input::TerminalSize;
use super::{ATTACH_TIMEOUT, IDLE_TIMEOUT, Shells};
use crate::audit::Actor;
use crate::docker::call_error;
use crate::error::{Error, Result};
use crate::servers::ServerConnection;

/// Terminal output chunks held for a subscriber that is slower than the command; a
/// full buffer holds the command back (its terminal blocks), nothing is dropped.
const OUTPUT_BUFFER: usize = 256;
/// How often the session checks for idleness and a missing subscriber.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A shell session as GraphQL shows it.
#[derive(Debug, Clone, SimpleObject)]
pub struct ShellSession {
    pub id: ID,
    pub server_id: ID,
    pub container_id: ID,
    pub container_name: String,
    pub command: Vec<String>,
    pub cols: i32,
    pub rows: i32,
    pub started_at: DateTime<Utc>,
}

/// What the terminal wrote, or, last, that the session ended.
#[derive(Debug, Clone, SimpleObject)]
pub struct ShellOutput {
    /// The bytes the terminal wrote, base64-encoded (a chunk may end inside a UTF-8
    /// character, so bytes, not text); empty on the last message.
    pub data: String,
    /// True on the last message of the stream.
    pub ended: bool,
    /// On the last message: why the session ended.
    pub reason: Option<String>,
    /// On the last message, when the command exited by itself: its exit code.
    pub exit_code: Option<i64>,
}

impl ShellOutput {
    fn bytes(data: &[u8]) -> ShellOutput {
        ShellOutput {
            data: STANDARD.encode(data),
            ended: false,
            reason: None,
            exit_code: None,
        }
    }

    fn end(reason: &str, exit_code: Option<i64>) -> ShellOutput {
        ShellOutput {
            data: String::new(),
            ended: true,
            reason: Some(reason.to_string()),
            exit_code,
        }
    }
}

pub(super) struct Session {
    pub id: String,
    pub owner: Actor,
    pub server: Arc<ServerConnection>,
    pub container_id: String,
    pub container_name: String,
    pub command: Vec<String>,
    exec_id: String,
    started: Instant,
    started_at: DateTime<Utc>,
    size: Mutex<TerminalSize>,
    last_active: Mutex<Instant>,
    input: tokio::sync::Mutex<Option<Input>>,
    /// Taken by the one `shellOutput` subscriber.
    output: Mutex<Option<mpsc::Receiver<ShellOutput>>>,
    /// Set by whoever ends the session first; the reader sends it as the last message.
    ending: Mutex<Option<String>>,
    stopped: CancellationToken,
}

impl Session {
    /// Creates and starts the exec; the session is not yet registered.
    pub async fn start(
        shells: &Shells,
        owner: Actor,
        server: Arc<ServerConnection>,
        container: &str,
        command: Vec<String>,
        size: TerminalSize,
    ) -> Result<Arc<Session>> {
        server.ensure_reachable()?;
        let docker = &server.engine.docker;
        let engine = |error| call_error(&server.name, "container", container, error);
        let inspect = docker
            .inspect_container(container, None)
            .await
            .map_err(engine)?;
        if !inspect.state.and_then(|s| s.running).unwrap_or(false) {
            return Err(Error::Conflict(format!(
                "container {container} on {} is not running",
                server.name
            )));
        }
        let container_id = inspect.id.unwrap_or_else(|| container.to_string());
        let container_name = inspect
            .name
            .map(|name| name.trim_start_matches('/').to_string())
            .unwrap_or_else(|| container.to_string());
        let id = ulid::Ulid::new().to_string();
        let options = CreateExecOptions {
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(true),
            cmd: Some(command.clone()),
            env: Some(vec![
                "TERM=xterm-256color".to_string(),
                format!("{}={id}", super::hangup::MARKER),
            ]),
            ..Default::default()
        };
        let exec_id = docker
            .create_exec(&container_id, options)
            .await
            .map_err(engine)?
            .id;
        let (output, input) = attach(&server, &exec_id, &id).await?;
        let (sender, receiver) = mpsc::channel(OUTPUT_BUFFER);
        let session = Arc::new(Session {
            id,
            owner,
            server,
            container_id,
            container_name,
            command,
            exec_id,
            started: Instant::now(),
            started_at: Utc::now(),
            size: Mutex::new(size),
            last_active: Mutex::new(Instant::now()),
            input: tokio::sync::Mutex::new(Some(input)),
            output: Mutex::new(Some(receiver)),
            ending: Mutex::new(None),
            stopped: CancellationToken::new(),
        });
        // Sized before the reader runs, so the first prompt fits the terminal.
        session.resize(size).await?;
        tokio::spawn(read_terminal(
            shells.clone(),
            session.clone(),
            output,
            sender,
        ));
        Ok(session)
    }

    pub fn view(&self) -> ShellSession {
        let size = *self.size.lock().unwrap_or_else(|e| e.into_inner());
        ShellSession {
            id: ID(self.id.clone()),
            server_id: ID(self.server.id.clone()),
            container_id: ID(self.container_id.clone()),
            container_name: self.container_name.clone(),
            command: self.command.clone(),
            cols: size.cols.into(),
            rows: size.rows.into(),
            started_at: self.started_at,
        }
    }

    /// How long the session has been open, e.g. `2m 5s`.
    pub fn age(&self) -> String {
        let seconds = self.started.elapsed().as_secs();
        match seconds {
            0..60 => format!("{seconds}s"),
            _ => format!("{}m {}s", seconds / 60, seconds % 60),
        }
    }

    fn touch(&self) {
        *self.last_active.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    fn idle_for(&self) -> std::time::Duration {
        self.last_active
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }

    /// The subscriber's end of the output, once.
    pub fn take_output(&self) -> Option<mpsc::Receiver<ShellOutput>> {
        self.output.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn attached(&self) -> bool {
        self.output
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    pub async fn write(&self, data: &[u8]) -> Result<()> {
        let mut input = self.input.lock().await;
        let Some(input) = input.as_mut() else {
            return Err(Error::Conflict("the shell has ended".into()));
        };
        match tokio::time::timeout(std::time::Duration::from_secs(10), input.write(data)).await {
            Ok(Ok(())) => {
                self.touch();
                Ok(())
            }
            Ok(Err(error)) => Err(Error::Conflict(format!("the shell has ended: {error}"))),
            Err(_) => Err(Error::Unavailable {
                component: "docker",
                message: "the shell took no input for 10 s".into(),
            }),
        }
    }

    pub async fn resize(&self, size: TerminalSize) -> Result<()> {
        let options = ResizeExecOptions {
            h: size.rows.into(),
            w: size.cols.into(),
        };
        self.server
            .engine
            .docker
            .resize_exec(&self.exec_id, options)
            .await
            .map_err(|error| call_error(&self.server.name, "shell", &self.exec_id, error))?;
        *self.size.lock().unwrap_or_else(|e| e.into_inner()) = size;
        Ok(())
    }

    /// Stops the reader, which closes the exec's connection and ends its process.
    pub fn stop(&self, reason: &str) {
        self.ending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(|| reason.to_string());
        self.stopped.cancel();
    }

    fn ending(&self) -> Option<String> {
        self.ending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Copies the terminal's output to the subscriber until the command exits or the
/// session is stopped, watching for idleness and a subscriber that never came; then
/// closes the exec's connection and sends the last message.
async fn read_terminal(
    shells: Shells,
    session: Arc<Session>,
    mut output: Output,
    sender: mpsc::Sender<ShellOutput>,
) {
    let mut watch = tokio::time::interval(WATCH_EVERY);
    let exited = loop {
        tokio::select! {
            chunk = output.next() => match chunk {
                Some(Ok(bytes)) => {
                    session.touch();
                    let sent = tokio::select! {
                        sent = sender.send(ShellOutput::bytes(&bytes)) => sent.is_ok(),
                        _ = session.stopped.cancelled() => false,
                    };
                    if !sent {
                        break false;
                    }
                }
                Some(Err(_)) | None => break true,
            },
            _ = watch.tick() => {
                if !session.attached() && session.started.elapsed() > ATTACH_TIMEOUT {
                    shells.end(&session.id, format!("nobody read its output within {} s", ATTACH_TIMEOUT.as_secs()));
                } else if session.idle_for() > IDLE_TIMEOUT {
                    shells.end(&session.id, format!("idle for {} min", IDLE_TIMEOUT.as_secs() / 60));
                }
            }
            _ = session.stopped.cancelled() => break false,
        }
    };
    drop(output);
    session.input.lock().await.take();
    if !exited {
        super::hangup::hang_up(&session.server, &session.exec_id, &session.id).await;
    }
    let exit_code = if exited {
        session
            .server
            .engine
            .docker
            .inspect_exec(&session.exec_id)
            .await
            .ok()
            .and_then(|exec| exec.exit_code)
    } else {
        None
    };
    if exited {
        let reason = match exit_code {
            Some(code) => format!("the command exited with code {code}"),
            None => "the command ended".to_string(),
        };
        shells.end(&session.id, reason);
    }
    let reason = session.ending().unwrap_or_else(|| "ended".into());
    let _ = sender.try_send(ShellOutput::end(&reason, exit_code));
}

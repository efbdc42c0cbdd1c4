//! Attaching to an exec's terminal: through the engine's own hijacked connection for
//! an engine monitor reaches directly, or through the agent's `/v1/exec` stream for a
//! server behind `monitor agent` (see `crate::agent::exec` for why). Either way the
//! session sees a stream of output bytes and an input to write to.

use std::pin::Pin;

use bollard::exec::{StartExecOptions, StartExecResults};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::docker::call_error;
use crate::error::{Error, Result};
use crate::servers::ServerConnection;

/// What the terminal writes; an `Err` ends it.
pub type Output = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, String>> + Send>>;

/// Where keystrokes go.
pub enum Input {
    Engine(Pin<Box<dyn AsyncWrite + Send>>),
    Agent(mpsc::Sender<Bytes>),
}

impl Input {
    pub async fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Input::Engine(writer) => {
                writer.write_all(data).await?;
                writer.flush().await
            }
            Input::Agent(sender) => sender
                .send(Bytes::copy_from_slice(data))
                .await
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe)),
        }
    }
}

/// Keystroke chunks held for the agent's stream while HTTP/2 flow control holds it.
const AGENT_INPUT_BUFFER: usize = 64;

/// Starts the exec attached, with a terminal.
pub async fn attach(
    server: &ServerConnection,
    exec_id: &str,
    session_id: &str,
) -> Result<(Output, Input)> {
    if let Some(agent) = server
        .engine
        .agent
        .as_ref()
        .filter(|_| server.endpoint.is_agent())
    {
        let (sender, receiver) = mpsc::channel(AGENT_INPUT_BUFFER);
        let output = agent
            .exec(exec_id, session_id, receiver)
            .await
            .map_err(|error| {
                crate::docker::unreachable_engine(&server.name, &format!("{error:#}"))
            })?;
        let output = output.map(|chunk| chunk.map_err(|error| format!("{error:#}")));
        return Ok((Box::pin(output), Input::Agent(sender)));
    }
    let options = StartExecOptions {
        detach: false,
        tty: true,
        output_capacity: None,
    };
    let started = server
        .engine
        .docker
        .start_exec(exec_id, Some(options))
        .await
        .map_err(|error| call_error(&server.name, "shell", exec_id, error))?;
    let StartExecResults::Attached { output, input } = started else {
        return Err(Error::Internal(anyhow::anyhow!(
            "the engine started a shell detached"
        )));
    };
    let output = output.map(|chunk| {
        chunk
            .map(|chunk| chunk.into_bytes())
            .map_err(|error| error.to_string())
    });
    Ok((Box::pin(output), Input::Engine(input)))
}

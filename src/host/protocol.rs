//! The wire format between monitor and its agents, shared by both ends.
//!
//! Every request carries `Authorization: Bearer <token>`. Routes:
//!
//! - `GET  /v1/ping` → `{"version": "…"}`
//! - `GET  /v1/host` → a [`HostSample`]
//! - `POST /v1/commands` with a [`CommandRequest`] → newline-delimited [`CommandFrame`]s,
//!   streamed as the command writes, ending with an `exit` (or `error`) frame
//! - `POST /v1/exec/<exec id>?session=<session id>` → a shell's exec attached: the
//!   request body is its terminal's input, the response body its output (see
//!   `agent::exec` for why this is not forwarded under `/docker`)
//! - `ANY  /docker/<Docker Engine API path>` → forwarded verbatim to the host's engine,
//!   except a build whose `remote` is [`DIRECTORY_CONTEXT`]: see there

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

/// The `remote` of a Docker build whose context is a directory on the agent's host
/// (a checkout made there): `POST /docker/build?remote=agent-directory:///srv/stacks/web`.
/// The agent tars that directory, honouring `.dockerignore` exactly as monitor does for
/// a checkout of its own, and sends it to its engine as the build's context.
///
/// Why a `remote`: it is the Docker API's own parameter for "the context comes from
/// elsewhere", so such a build stays an ordinary Docker call that bollard sends and
/// reads like any other, and the context never crosses the network.
pub const DIRECTORY_CONTEXT: &str = "agent-directory://";

/// CPU and memory counters of a host; CPU use is the change between two samples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct HostSample {
    pub cpus: u32,
    /// Jiffies spent in any state, and idle (including I/O wait), since boot.
    pub cpu_total: u64,
    pub cpu_idle: u64,
    pub memory_total_bytes: u64,
    pub memory_available_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandRequest {
    /// Run by `sh -c`.
    pub command: String,
    pub working_directory: Option<String>,
    /// The operation the command is part of: the command sees it as
    /// [`OPERATION_ENV`], which is how a start after a crash finds what it left running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
}

/// The environment variable that names a command's operation, inherited by every
/// process the command starts.
pub const OPERATION_ENV: &str = "MONITOR_OPERATION_ID";

/// One event of a running command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum CommandFrame {
    Stdout {
        text: String,
    },
    Stderr {
        text: String,
    },
    /// The command ended; `code` is absent when a signal killed it.
    Exit {
        code: Option<i32>,
    },
    /// The command could not be started.
    Error {
        message: String,
    },
}

impl CommandFrame {
    /// The frame as one line of the response body.
    pub fn to_line(&self) -> Bytes {
        let mut line = serde_json::to_vec(self).unwrap_or_default();
        line.push(b'\n');
        Bytes::from(line)
    }
}

/// Parses a response body of newline-delimited frames as its chunks arrive.
pub fn frames<S, E>(chunks: S) -> impl Stream<Item = anyhow::Result<CommandFrame>> + Send
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    lines(chunks).map(|line| {
        let line = line?;
        Ok(serde_json::from_slice(&line)?)
    })
}

/// Splits a stream of byte chunks into lines (without their `\n`).
pub fn lines<S, E>(chunks: S) -> impl Stream<Item = anyhow::Result<Bytes>> + Send
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    futures::stream::unfold(
        (Box::pin(chunks), BytesMut::new(), false),
        |(mut chunks, mut buffer, done)| async move {
            loop {
                if let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                    let line = buffer.split_to(end + 1).freeze().slice(..end);
                    return Some((Ok(line), (chunks, buffer, done)));
                }
                if done {
                    return None;
                }
                match chunks.next().await {
                    Some(Ok(chunk)) => buffer.extend_from_slice(&chunk),
                    Some(Err(error)) => {
                        return Some((Err(anyhow::Error::new(error)), (chunks, buffer, true)));
                    }
                    None if buffer.is_empty() => return None,
                    None => {
                        let rest = buffer.split().freeze();
                        return Some((Ok(rest), (chunks, buffer, true)));
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_split_across_chunks_are_reassembled() {
        let exit = CommandFrame::Exit { code: Some(3) };
        let out = CommandFrame::Stdout {
            text: "héllo".into(),
        };
        let mut body = out.to_line().to_vec();
        body.extend_from_slice(&exit.to_line());
        let chunks: Vec<Result<Bytes, std::io::Error>> = body
            .chunks(3)
            .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
            .collect();
        let parsed: Vec<CommandFrame> = frames(futures::stream::iter(chunks))
            .map(|frame| frame.expect("a frame"))
            .collect()
            .await;
        assert_eq!(parsed, [out, exit]);
    }
}

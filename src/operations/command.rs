//! Shell commands as operations: run in-process for the local engine's host, through
//! the agent for a remote one, with each output line streamed as it is written.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};

use super::{
    Ending, OperationKind, OperationSpec, OperationSubject, OperationTrigger, Operations, Progress,
    RunCommandInput,
};
use crate::audit::{Actor, AuditKind};
use crate::error::Result;
use crate::host::protocol::{CommandFrame, CommandRequest};
use crate::servers::ServerConnection;

impl Operations {
    /// Starts `sh -c <command>` on a server, as `runCommand` asks.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, server = %server.name))]
    pub async fn run_command(
        &self,
        actor: &Actor,
        server: Arc<ServerConnection>,
        input: RunCommandInput,
    ) -> Result<super::Operation> {
        let request = input.parse(&server)?;
        // A command for a server whose engine is down would run on whatever host is at
        // hand and report a success that says nothing about that server.
        server.ensure_reachable()?;
        let spec = OperationSpec {
            kind: OperationKind::Command,
            trigger: OperationTrigger::Manual,
            subject: OperationSubject::Server {
                server_id: server.id.clone(),
            },
            parent_id: None,
            target: request.command.clone(),
            working_directory: request.working_directory.clone(),
            queued: false,
        };
        let event = self
            .audit
            .event(
                AuditKind::CommandStarted,
                actor,
                format!("ran `{}` on {}", request.command, server.name),
            )
            .on_server(&server.id, Some(&server.name));
        let launched = self
            .launch(actor, spec, Some(event), move |progress| async move {
                run_on(Host::Server(&server), request, &progress).await
            })
            .await?;
        Ok(launched.operation)
    }
}

/// Where a command runs.
#[derive(Clone, Copy)]
pub enum Host<'a> {
    /// The host monitor runs on.
    Monitor,
    /// A server's host: in-process for the local engine, through its agent otherwise.
    Server(&'a ServerConnection),
}

type Frames = Pin<Box<dyn Stream<Item = CommandFrame> + Send>>;

/// Runs a command, writing its output to `progress`; the process group is killed if
/// this future is dropped. The command's processes carry the operation's id, so a
/// start after a crash can find them.
pub async fn run_on(host: Host<'_>, mut request: CommandRequest, progress: &Progress) -> Ending {
    request.operation_id = Some(progress.operation_id().to_string());
    let mut frames = match start(host, request).await {
        Ok(frames) => frames,
        Err(message) => return Ending::failed(None, message),
    };
    while let Some(frame) = frames.next().await {
        match frame {
            CommandFrame::Stdout { text } => progress.stdout(text),
            CommandFrame::Stderr { text } => progress.stderr(text),
            CommandFrame::Exit { code } => return exit_ending(code),
            CommandFrame::Error { message } => return Ending::failed(None, message),
        }
    }
    Ending::failed(None, "the command's output ended without an exit status")
}

/// Runs a short command and returns its standard output, e.g. the commit a checkout is
/// at; a failure gives its standard error.
pub async fn capture(host: Host<'_>, request: CommandRequest) -> Result<String, String> {
    let mut frames = start(host, request).await?;
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    while let Some(frame) = frames.next().await {
        match frame {
            CommandFrame::Stdout { text } => stdout.push(text),
            CommandFrame::Stderr { text } => stderr.push(text),
            CommandFrame::Exit { code: Some(0) } => return Ok(stdout.join("\n")),
            CommandFrame::Exit { code } => {
                let ending = exit_ending(code);
                return Err(match stderr.last() {
                    Some(line) => line.clone(),
                    None => ending.error().unwrap_or_default().to_string(),
                });
            }
            CommandFrame::Error { message } => return Err(message),
        }
    }
    Err("the command's output ended without an exit status".into())
}

async fn start(host: Host<'_>, request: CommandRequest) -> Result<Frames, String> {
    let agent = match host {
        Host::Server(server) => server.engine.agent.as_ref(),
        Host::Monitor => None,
    };
    match agent {
        Some(agent) => match agent.run_command(&request).await {
            Ok(frames) => Ok(Box::pin(frames.map(|frame| {
                frame.unwrap_or_else(|error| CommandFrame::Error {
                    message: format!("lost the agent: {error}"),
                })
            }))),
            Err(error) => Err(format!("the agent could not run the command: {error:#}")),
        },
        None => Ok(Box::pin(crate::host::command::run(
            request,
            docker_host(host),
        ))),
    }
}

/// The engine a command on this host is for: a server's local socket. (An agent names
/// its own engine; a command on the monitor host is for no server's engine.)
fn docker_host(host: Host<'_>) -> Option<String> {
    match host {
        Host::Server(server) if !server.endpoint.is_agent() => Some(server.endpoint.to_string()),
        Host::Server(_) | Host::Monitor => None,
    }
}

fn exit_ending(code: Option<i32>) -> Ending {
    match code {
        Some(0) => Ending::succeeded(),
        Some(code) => Ending::failed(
            Some(code.into()),
            format!("the command exited with code {code}"),
        ),
        None => Ending::failed(None, "the command was killed by a signal"),
    }
}

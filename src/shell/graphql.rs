//! Shell sessions in GraphQL (see the module docs for why and the rules).

use async_graphql::{Context, ID, Object, Subscription};
use futures::Stream;

use super::input::{
    CloseShellInput, ResizeShellInput, SendShellInputInput, StartContainerShellInput, TerminalSize,
    input_data,
};
use super::session::Session;
use super::{ShellOutput, ShellSession, Shells};
use crate::error::{Error, Result};
use crate::graphql::context::ContextExt;
use crate::users::Role;

#[derive(Default)]
pub struct ShellMutation;

#[Object]
impl ShellMutation {
    /// Opens a shell (an exec with a terminal) into a running container; read it with
    /// `shellOutput` within 30 s. OPERATOR and up; at most 4 open per user.
    #[tracing::instrument(skip_all, fields(actor, server = input.server_id.as_str(), container = input.container_id.as_str()))]
    async fn start_container_shell(
        &self,
        ctx: &Context<'_>,
        input: StartContainerShellInput,
    ) -> Result<ShellSession> {
        let principal = ctx.require(Role::Operator)?;
        tracing::Span::current().record("actor", principal.username.as_str());
        let (command, size) = input.parse()?;
        let state = ctx.state();
        let server = state.servers.connection(&input.server_id)?;
        let shells = &state.shells;
        let actor = principal.actor();
        shells.check_room(&actor)?;
        let session = Session::start(
            shells,
            actor.clone(),
            server,
            &input.container_id,
            command,
            size,
        )
        .await?;
        if let Err(refused) = shells.admit(&session) {
            session.stop("refused: too many shells");
            return Err(refused);
        }
        if let Err(error) = shells.record_open(&actor, &session).await {
            shells.end(&session.id, "its opening could not be recorded".into());
            return Err(error);
        }
        Ok(session.view())
    }

    /// Types into a shell: keystrokes or pasted text, up to 64 KiB.
    async fn send_shell_input(
        &self,
        ctx: &Context<'_>,
        input: SendShellInputInput,
    ) -> Result<ShellSession> {
        let principal = ctx.require(Role::Operator)?;
        let data = input_data(&input.data)?;
        let session = ctx.state().shells.owned(principal, &input.session_id)?;
        session.write(data).await?;
        Ok(session.view())
    }

    /// Tells the shell its terminal's new size.
    async fn resize_shell(
        &self,
        ctx: &Context<'_>,
        input: ResizeShellInput,
    ) -> Result<ShellSession> {
        let principal = ctx.require(Role::Operator)?;
        let size = TerminalSize::parse(input.cols, input.rows)?;
        let session = ctx.state().shells.owned(principal, &input.session_id)?;
        session.resize(size).await?;
        Ok(session.view())
    }

    /// Ends a shell: its terminal hangs up and the command gets SIGHUP.
    #[tracing::instrument(skip_all, fields(actor, session = input.session_id.as_str()))]
    async fn close_shell(&self, ctx: &Context<'_>, input: CloseShellInput) -> Result<ShellSession> {
        let principal = ctx.require(Role::Operator)?;
        tracing::Span::current().record("actor", principal.username.as_str());
        let shells = &ctx.state().shells;
        let session = shells.owned(principal, &input.session_id)?;
        shells.end(&session.id, format!("closed by {}", principal.username));
        Ok(session.view())
    }
}

#[derive(Default)]
pub struct ShellSubscription;

/// Ends the session when its output stream is dropped: the websocket closed, or the
/// client completed the subscription.
struct EndOnDrop {
    shells: Shells,
    id: String,
}

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        self.shells.end(
            &self.id,
            "its viewer left (subscription or websocket closed)".into(),
        );
    }
}

#[Subscription]
impl ShellSubscription {
    /// What a shell's terminal writes, as it writes it; the last message has `ended`
    /// and says why. One subscriber per session; ending the subscription ends the
    /// session.
    async fn shell_output(
        &self,
        ctx: &Context<'_>,
        session_id: ID,
    ) -> Result<impl Stream<Item = async_graphql::Result<ShellOutput>> + use<>> {
        let principal = ctx.require(Role::Operator)?;
        let shells = ctx.state().shells.clone();
        let session = shells.owned(principal, &session_id)?;
        let mut output = session
            .take_output()
            .ok_or_else(|| Error::Conflict("this shell's output is already being read".into()))?;
        let guard = EndOnDrop {
            shells,
            id: session.id.clone(),
        };
        Ok(async_stream::stream! {
            let _guard = guard;
            while let Some(message) = output.recv().await {
                let last = message.ended;
                yield Ok(message);
                if last {
                    break;
                }
            }
        })
    }
}

//! Repo actions: clone, pull and scripts, run by `git` and `sh` where the checkout
//! lives (the monitor host, or the stack's server through its agent), so the output is
//! git's own and credentials come from that host's git and ssh configuration.

use std::path::PathBuf;
use std::sync::Arc;

use surrealdb::types::SurrealValue;

use crate::error::{Error, Result};
use crate::host::protocol::CommandRequest;
use crate::operations::{Ending, Host, Progress, capture, run_on};
use crate::servers::ServerConnection;
use crate::stacks::Stacks;
use crate::stacks::model::{CloneLocation, StackRepo, StackRow};

impl Stacks {
    /// Where a stack's repository is checked out, as a path on the host that holds it:
    /// `<data dir>/stacks/<id>` on the monitor host, `<root>/stacks/<name>` on a server.
    pub(in crate::stacks) fn checkout_dir(
        &self,
        key: &str,
        name: &str,
        repo: &StackRepo,
        server: &ServerConnection,
    ) -> Result<String> {
        match repo.clone_on {
            CloneLocation::Monitor => Ok(self.checkouts.join(key).display().to_string()),
            CloneLocation::Server => {
                let root = server.root_directory.as_deref().ok_or_else(|| {
                    Error::Conflict(format!(
                        "server {} has no root directory to hold the checkout",
                        server.name
                    ))
                })?;
                Ok(format!("{}/stacks/{name}", root.trim_end_matches('/')))
            }
        }
    }

    /// The checkout as a path monitor itself can read, when it is on this host.
    pub(in crate::stacks) fn local_checkout(
        &self,
        key: &str,
        name: &str,
        repo: &StackRepo,
        server: &ServerConnection,
    ) -> Option<PathBuf> {
        if repo.clone_on == CloneLocation::Server && server.endpoint.is_agent() {
            return None;
        }
        self.checkout_dir(key, name, repo, server)
            .ok()
            .map(PathBuf::from)
    }
}

/// Clones the branch afresh, replacing any earlier checkout.
pub async fn clone(
    stacks: &Stacks,
    row: &StackRow,
    server: &Arc<ServerConnection>,
    progress: &Progress,
) -> Result<(), Ending> {
    let (repo, dir, host) = checkout(stacks, row, server)?;
    progress.note(format!("cloning {} ({}) into {dir}", repo.url, repo.branch));
    let command = format!(
        "rm -rf {dir} && mkdir -p {dir} && git clone --branch {branch} --single-branch -- {url} {dir}",
        dir = quote(&dir)?,
        branch = quote(&repo.branch)?,
        url = quote(&repo.url)?,
    );
    run(host, command, None, progress).await?;
    remember_commit(stacks, row, host, &dir, progress).await
}

/// Brings the checkout to the tip of the branch (a force-pushed branch included);
/// clones when nothing is checked out yet.
pub async fn pull(
    stacks: &Stacks,
    row: &StackRow,
    server: &Arc<ServerConnection>,
    progress: &Progress,
) -> Result<(), Ending> {
    let (repo, dir, host) = checkout(stacks, row, server)?;
    if !is_checked_out(host, &dir).await {
        progress.note("nothing is checked out yet: cloning");
        return clone(stacks, row, server, progress).await;
    }
    progress.note(format!("pulling {} ({}) in {dir}", repo.url, repo.branch));
    let command = format!(
        "git remote set-url origin {url} && git fetch --prune origin -- {branch} && git checkout -B {branch} FETCH_HEAD",
        url = quote(&repo.url)?,
        branch = quote(&repo.branch)?,
    );
    run(host, command, Some(dir.clone()), progress).await?;
    remember_commit(stacks, row, host, &dir, progress).await
}

/// Runs one of the repo's scripts in the checkout's root.
pub async fn script(
    stacks: &Stacks,
    row: &StackRow,
    server: &Arc<ServerConnection>,
    name: &str,
    progress: &Progress,
) -> Result<(), Ending> {
    let (repo, dir, host) = checkout(stacks, row, server)?;
    let Some(script) = repo.scripts.iter().find(|s| s.name == name) else {
        return Err(Ending::failed(
            None,
            format!("the repo has no script named {name:?}"),
        ));
    };
    ensure_checked_out(host, &dir).await?;
    progress.note(format!("running script {name}: {}", script.command));
    run(host, script.command.clone(), Some(dir), progress).await
}

/// The checkout's directory and the host it is on, once something is checked out.
pub async fn checked_out<'a>(
    stacks: &Stacks,
    row: &'a StackRow,
    server: &'a ServerConnection,
) -> Result<(String, Host<'a>), Ending> {
    let (_, dir, host) = checkout(stacks, row, server)?;
    ensure_checked_out(host, &dir).await?;
    Ok((dir, host))
}

async fn ensure_checked_out(host: Host<'_>, dir: &str) -> Result<(), Ending> {
    if is_checked_out(host, dir).await {
        Ok(())
    } else {
        Err(Ending::failed(
            None,
            "the repo is not checked out yet: clone it first",
        ))
    }
}

/// The repo, its checkout directory and the host it is on.
fn checkout<'a>(
    stacks: &Stacks,
    row: &'a StackRow,
    server: &'a ServerConnection,
) -> Result<(&'a StackRepo, String, Host<'a>), Ending> {
    let repo = row
        .repo
        .as_ref()
        .ok_or_else(|| Ending::failed(None, "the stack has no repo"))?;
    let dir = stacks
        .checkout_dir(&row.key(), &row.name, repo, server)
        .map_err(|error| Ending::failed(None, error.to_string()))?;
    let host = match repo.clone_on {
        CloneLocation::Monitor => Host::Monitor,
        CloneLocation::Server => Host::Server(server),
    };
    Ok((repo, dir, host))
}

async fn run(
    host: Host<'_>,
    command: String,
    working_directory: Option<String>,
    progress: &Progress,
) -> Result<(), Ending> {
    // git must fail, not wait for a password nobody will type.
    let request = CommandRequest {
        command: format!("export GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=true; {command}"),
        working_directory,
        operation_id: None,
    };
    let ending = run_on(host, request, progress).await;
    if ending.is_success() {
        Ok(())
    } else {
        Err(ending)
    }
}

async fn is_checked_out(host: Host<'_>, dir: &str) -> bool {
    let Ok(dir) = quote(dir) else {
        return false;
    };
    let request = CommandRequest {
        command: format!("test -d {dir}/.git"),
        working_directory: None,
        operation_id: None,
    };
    capture(host, request).await.is_ok()
}

/// Stores the commit the checkout is at, for the stack and for image tags.
async fn remember_commit(
    stacks: &Stacks,
    row: &StackRow,
    host: Host<'_>,
    dir: &str,
    progress: &Progress,
) -> Result<(), Ending> {
    #[derive(Clone, SurrealValue)]
    struct Checkout {
        commit: String,
    }
    let request = CommandRequest {
        command: "git rev-parse HEAD".into(),
        working_directory: Some(dir.to_string()),
        operation_id: None,
    };
    let commit = capture(host, request)
        .await
        .map_err(|error| Ending::failed(None, format!("cannot read the commit: {error}")))?
        .trim()
        .to_string();
    progress.note(format!("checked out {commit}"));
    stacks
        .remember(&row.key(), Checkout { commit })
        .await
        .map_err(|error| Ending::failed(None, format!("cannot record the commit: {error}")))
}

fn quote(value: &str) -> Result<String, Ending> {
    shlex::try_quote(value)
        .map(|quoted| quoted.into_owned())
        .map_err(|_| Ending::failed(None, format!("{value:?} cannot be passed to a shell")))
}

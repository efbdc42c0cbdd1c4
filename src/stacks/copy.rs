//! Copying a server's stacks to another server (`cloneServer`): the same configuration
//! and images under a new webhook secret, each copy then deployed.

use super::actions::Step;
use super::input::StackConfig;
use super::model::{Stack, StackRow};
use super::{Stacks, new_row, store};
use crate::audit::{Actor, AuditKind, AuditSubjectType};
use crate::error::{Error, Result};

impl Stacks {
    /// Copies every stack of `source` to `target` (same configuration, same images, a
    /// new webhook secret), then deploys each copy that has something to deploy. A
    /// name the target already uses stops the copy before anything is written.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, source = %source, target = %target))]
    pub async fn clone_server(
        &self,
        actor: &Actor,
        source: &str,
        target: &str,
    ) -> Result<(Vec<Stack>, Vec<crate::operations::Operation>)> {
        let server_of = |id: &str, field: &str| {
            self.servers
                .connection(id)
                .map_err(|_| Error::bad_input(&[field], format!("there is no server {id}")))
        };
        let source_server = server_of(source, "sourceServerId")?;
        let target_server = server_of(target, "targetServerId")?;
        let originals = store::list(&self.store, Some(source), None, usize::MAX >> 1).await?;
        let existing = store::list(&self.store, Some(target), None, usize::MAX >> 1).await?;
        if let Some(clash) = originals
            .iter()
            .find(|row| existing.iter().any(|other| other.name == row.name))
        {
            return Err(Error::Conflict(format!(
                "server {} already has a stack named {}",
                target_server.name, clash.name
            )));
        }
        let mut copies = Vec::with_capacity(originals.len());
        for original in &originals {
            let key = ulid::Ulid::new().to_string();
            let config = StackConfig {
                name: original.name.clone(),
                server_id: target.to_string(),
                repo: original.repo.clone(),
                build: original.build.clone(),
                deploy: original.deploy.clone(),
                pipeline: original.pipeline.clone(),
            };
            self.check_placement(&key, &config)
                .map_err(|error| error.under(&["targetServerId"]))?;
            // The copy deploys what the original built, without building again.
            copies.push(StackRow {
                commit: original.commit.clone(),
                built_image: original.built_image.clone(),
                ..new_row(&key, config, actor)
            });
        }
        let mut stacks = Vec::with_capacity(copies.len());
        let mut deploys = Vec::new();
        for row in copies {
            let event = self
                .event(
                    AuditKind::StackCreated,
                    actor,
                    &row,
                    format!(
                        "copied stack {} from {} to {}",
                        row.name, source_server.name, target_server.name
                    ),
                )
                .with_diff(None, Some(row.audit_view()));
            self.save(store::CREATE, &row, event).await?;
            let deployable = row
                .deploy
                .as_ref()
                .is_some_and(|deploy| deploy.image.is_some() || row.built_image.is_some());
            if deployable {
                let step = Step::Deploy {
                    image: None,
                    rollback: false,
                };
                deploys.push(self.start_action(actor, &row.key(), step).await?.operation);
            }
            stacks.push(Stack::from(&row));
        }
        let event = self
            .audit
            .event(
                AuditKind::ServerCloned,
                actor,
                format!(
                    "copied {} stacks from {} to {}",
                    stacks.len(),
                    source_server.name,
                    target_server.name
                ),
            )
            .about(
                AuditSubjectType::Server,
                Some(target),
                Some(&target_server.name),
            )
            .on_server(target, Some(&target_server.name));
        self.audit.append(event).await?;
        Ok((stacks, deploys))
    }
}

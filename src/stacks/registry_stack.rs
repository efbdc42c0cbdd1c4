//! The registry stack: with no `registry.url`, monitor runs its own registry (see
//! [`crate::registry::managed`]) as a stack it owns, deployed like any other stack.
//! A later start adopts the stack instead of creating another.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::actions::Step;
use super::input::StackConfig;
use super::model::StackDeploy;
use super::{Stacks, new_row, store};
use crate::audit::{Actor, AuditKind};
use crate::config::RegistrySettings;
use crate::docker::Endpoint;
use crate::error::Result;
use crate::registry::Registry;
use crate::registry::managed::{STACK_NAME, VOLUME};

impl Stacks {
    /// Checks every `every` until monitor has its managed registry (`registry`): the
    /// stack a previous start set up adopted, or set up where the image is. Runs on the
    /// runner until then, or until `stop`.
    pub async fn manage_registry(
        self,
        registry: Registry,
        settings: RegistrySettings,
        every: Duration,
        stop: CancellationToken,
    ) -> anyhow::Result<()> {
        // Only monitor creates the managed stack, and only here: once the store has said
        // it holds none, asking again at every check would only keep the store's query
        // engine (and its code) busy on an idle server.
        let mut store_has_none = false;
        loop {
            match self
                .adopt_or_set_up(&settings, &registry, &mut store_has_none)
                .await
            {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "cannot set up the managed registry yet"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.cancelled() => return Ok(()),
            }
        }
    }

    /// Uses the managed stack a previous start set up, unless the store has already said
    /// it holds none; otherwise sets the registry up.
    async fn adopt_or_set_up(
        &self,
        settings: &RegistrySettings,
        registry: &Registry,
        store_has_none: &mut bool,
    ) -> Result<bool> {
        if !*store_has_none {
            if let Some(row) = store::find_managed(&self.store, STACK_NAME).await? {
                tracing::info!(server = %row.server_id, "using the managed registry");
                self.use_registry(registry.clone());
                return Ok(true);
            }
            *store_has_none = true;
        }
        self.set_up(settings, registry).await
    }

    /// Sets the registry up on the first local server whose engine has the image.
    async fn set_up(&self, settings: &RegistrySettings, registry: &Registry) -> Result<bool> {
        for server in self.servers.connections() {
            let local = matches!(server.endpoint, Endpoint::Unix(_));
            if !local || server.ensure_reachable().is_err() {
                continue;
            }
            let docker = &server.engine.docker;
            if docker.inspect_image(&settings.managed_image).await.is_err() {
                continue;
            }
            let actor = Actor::system();
            let key = ulid::Ulid::new().to_string();
            let config = StackConfig {
                name: STACK_NAME.into(),
                server_id: server.id.clone(),
                repo: None,
                build: None,
                deploy: Some(StackDeploy {
                    image: Some(settings.managed_image.clone()),
                    ports: Vec::new(),
                    volumes: vec![VOLUME.into()],
                    network: Some("host".into()),
                    restart_policy: Some("always".into()),
                    env: vec![format!("REGISTRY_HTTP_ADDR={}", settings.managed_listen)],
                    command: Vec::new(),
                    log_tail: 100,
                }),
                pipeline: Vec::new(),
            };
            let row = new_row(&key, config, &actor);
            let event = self
                .event(
                    AuditKind::StackCreated,
                    &actor,
                    &row,
                    format!("set up monitor's registry on {}", server.name),
                )
                .with_diff(None, Some(row.audit_view()));
            self.save(store::CREATE, &row, event).await?;
            let step = Step::Deploy {
                image: None,
                rollback: false,
            };
            self.start_action(&actor, &key, step).await?;
            tracing::info!(server = %server.name, listen = %settings.managed_listen, "set up the managed registry");
            self.use_registry(registry.clone());
            return Ok(true);
        }
        Ok(false)
    }

    fn use_registry(&self, registry: Registry) {
        *self.registry.write().unwrap_or_else(|e| e.into_inner()) = Some(registry);
    }
}

//! The probe registry: probes are registered by users (who get the probe's token once),
//! listed with their live state, revoked (which cuts a connected probe off at once)
//! and deleted. A probe's token is checked here when it connects.

pub mod graphql;
mod input;
mod model;
mod store;

use std::collections::HashMap;

use chrono::Utc;

pub use input::{MAX_TAGS, parse_location, parse_tags};
pub use model::{
    DeleteProbeInput, Location, Probe, ProbeChange, ProbeFilter, ProbeRow, RegisterProbeInput,
    RegisteredProbe, RevokeProbeInput,
};
pub use store::Hello;

use super::live::LiveProbes;
use crate::audit::{Actor, AuditEvent, AuditKind, AuditLog, AuditSubjectType};
use crate::bus::{Bus, Topic};
use crate::error::{Error, Result};
use crate::secret::random_secret;
use crate::store::Store;
use crate::users::Role;

/// Every probe token starts with this, so a leaked one is easy to recognise.
const TOKEN_PREFIX: &str = "mprobe_";

/// Probe changes (registered, connected, disconnected, load, revoked, deleted).
impl Topic for ProbeChange {
    const NAME: &'static str = "probe changes";
}

/// Registers, lists, revokes and deletes probes; knows which are connected.
#[derive(Clone)]
pub struct Probes {
    store: Store,
    audit: AuditLog,
    bus: Bus,
    live: LiveProbes,
}

/// Who asks to change a probe or a measurement: its owner or an admin may.
pub struct Requester {
    pub actor: Actor,
    pub user_id: String,
    pub role: Role,
}

impl Requester {
    pub fn of(principal: &crate::auth::Principal) -> Requester {
        Requester {
            actor: principal.actor(),
            user_id: principal.user_id.clone(),
            role: principal.role,
        }
    }

    /// Whether it may change what `owner_id` owns.
    pub fn may_change(&self, owner_id: &str) -> bool {
        owner_id == self.user_id || self.role >= Role::Admin
    }
}

impl Probes {
    pub fn new(store: Store, audit: AuditLog, bus: Bus) -> Probes {
        Probes {
            store,
            audit,
            bus,
            live: LiveProbes::default(),
        }
    }

    pub fn live(&self) -> &LiveProbes {
        &self.live
    }

    pub async fn get(&self, id: &str) -> Result<Option<Probe>> {
        Ok(store::find(&self.store, id)
            .await?
            .map(|row| row.to_probe()))
    }

    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<Probe>> {
        let rows = store::find_many(&self.store, ids).await?;
        Ok(rows.iter().map(ProbeRow::to_probe).collect())
    }

    /// Results each of these probes delivered, by probe id; a probe with none is absent.
    pub async fn results_delivered(&self, ids: &[String]) -> Result<HashMap<String, i64>> {
        store::results_delivered(&self.store, ids).await
    }

    /// Every probe that is not revoked, for choosing a measurement's probes.
    pub async fn active(&self) -> Result<Vec<Probe>> {
        let rows = store::active(&self.store).await?;
        Ok(rows.iter().map(ProbeRow::to_probe).collect())
    }

    pub async fn list(
        &self,
        filter: &ProbeFilter,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<Probe>> {
        let tags = parse_tags(
            filter.tags.as_deref().unwrap_or_default(),
            &["filter", "tags"],
        )?;
        let rows = store::list(
            &self.store,
            store::ListQuery {
                after,
                limit,
                tags,
                owner_id: filter.owner_id.as_ref().map(|id| id.to_string()),
                include_revoked: filter.include_revoked,
                connected: filter.connected.map(|wanted| (wanted, self.live.ids())),
            },
        )
        .await?;
        Ok(rows.iter().map(ProbeRow::to_probe).collect())
    }

    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.name))]
    pub async fn register(
        &self,
        actor: &Actor,
        owner_id: &str,
        input: RegisterProbeInput,
    ) -> Result<RegisteredProbe> {
        let registration = input.parse()?;
        let token = format!("{TOKEN_PREFIX}{}", random_secret(32));
        let key = ulid::Ulid::new().to_string();
        let row = ProbeRow {
            id: store::record_id(&key),
            name: registration.name,
            owner_id: owner_id.to_string(),
            latitude: registration.location.latitude,
            longitude: registration.location.longitude,
            tags: registration.tags,
            token_hash: crate::auth::hash_token(&token),
            created_at: Utc::now(),
            revoked_at: None,
            last_seen_at: None,
            software_version: None,
            capacity: None,
            clock_offset_micros: None,
        };
        let probe = row.to_probe();
        let event = self
            .event(
                AuditKind::ProbeRegistered,
                actor,
                &probe,
                format!("registered probe {}", probe.name),
            )
            .with_diff(None, Some(probe.audit_view()));
        let _: Option<ProbeRow> = self
            .audit
            .write(
                store::CREATE,
                ("probe_id", row.id.clone(), "probe_row", row),
                event,
            )
            .await
            .map_err(|error| match error {
                Error::Conflict(_) => {
                    Error::Conflict(format!("a probe named {} already exists", probe.name))
                }
                other => other,
            })?;
        self.changed(&key);
        Ok(RegisteredProbe { token, probe })
    }

    /// Revokes a probe's token and ends its session now.
    #[tracing::instrument(skip_all, fields(actor = %requester.actor.name, target = %id))]
    pub async fn revoke(&self, requester: &Requester, id: &str) -> Result<Probe> {
        let before = self.owned(requester, id).await?;
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        let now = Utc::now();
        let mut after = before.clone();
        after.revoked_at = Some(now);
        let event = self
            .event(
                AuditKind::ProbeRevoked,
                &requester.actor,
                &before,
                format!("revoked probe {}", before.name),
            )
            .with_diff(Some(before.audit_view()), Some(after.audit_view()));
        let _: Option<ProbeRow> = self
            .audit
            .write(
                store::REVOKE,
                ("probe_id", store::record_id(id), "revoked_at", now),
                event,
            )
            .await?;
        self.live.cut(id);
        self.changed(id);
        Ok(after)
    }

    /// Forgets a probe (its results stay with their measurements); returns it as it was.
    #[tracing::instrument(skip_all, fields(actor = %requester.actor.name, target = %id))]
    pub async fn delete(&self, requester: &Requester, id: &str) -> Result<Probe> {
        let probe = self.owned(requester, id).await?;
        let event = self
            .event(
                AuditKind::ProbeDeleted,
                &requester.actor,
                &probe,
                format!("deleted probe {}", probe.name),
            )
            .with_diff(Some(probe.audit_view()), None);
        let _: Option<ProbeRow> = self
            .audit
            .write(store::DELETE, ("probe_id", store::record_id(id)), event)
            .await?;
        self.live.cut(id);
        self.changed(id);
        Ok(probe)
    }

    /// The probe a token belongs to, unless it is revoked.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Probe>> {
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
            return Ok(None);
        }
        let row = store::find_by_hash(&self.store, &crate::auth::hash_token(token)).await?;
        Ok(row
            .filter(|row| row.revoked_at.is_none())
            .map(|row| row.to_probe()))
    }

    /// Records what a probe said when it connected.
    pub async fn hello(&self, id: &str, hello: Hello) -> Result<()> {
        store::record_hello(&self.store, id, hello).await?;
        self.changed(id);
        Ok(())
    }

    pub async fn clock(&self, id: &str, offset_micros: i64) -> Result<()> {
        store::record_clock(&self.store, id, offset_micros).await?;
        self.changed(id);
        Ok(())
    }

    /// Records that a probe's session ended now.
    pub async fn gone(&self, id: &str) {
        if let Err(error) = store::record_seen(&self.store, id, Utc::now()).await {
            tracing::warn!(probe = %id, %error, "cannot record when a probe was last seen");
        }
        self.changed(id);
    }

    /// Tells `probeUpdated` subscribers that a probe changed.
    pub fn changed(&self, id: &str) {
        self.bus.publish(ProbeChange {
            probe_id: id.to_string(),
        });
    }

    async fn owned(&self, requester: &Requester, id: &str) -> Result<Probe> {
        let probe = self.get(id).await?.ok_or_else(|| not_found(id))?;
        if !requester.may_change(&probe.owner_id) {
            return Err(Error::Forbidden(format!(
                "probe {} belongs to another user; only its owner or an admin may change it",
                probe.name
            )));
        }
        Ok(probe)
    }

    fn event(&self, kind: AuditKind, actor: &Actor, probe: &Probe, summary: String) -> AuditEvent {
        self.audit.event(kind, actor, summary).about(
            AuditSubjectType::Probe,
            Some(&probe.id),
            Some(&probe.name),
        )
    }
}

pub fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "probe",
        id: id.to_string(),
    }
}

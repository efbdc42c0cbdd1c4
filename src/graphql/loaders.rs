//! DataLoaders: every relation field (a stack's server, an operation's stack, a
//! token's owner…) asks its loader, which gathers the keys of every field resolved at
//! the same time and reads them in one store round trip (see [`super::batches`] for
//! when). A list costs the same number of round trips whatever its length.
//!
//! Each request (and each subscription) has its own loaders, and they cache nothing,
//! so a loader never serves a record as it was before a change. The services they ask
//! may answer from memory, where that copy is as true as the store: stacks and servers
//! are kept current by their own writes ([`crate::store::kept`]), and an operation that
//! has ended never changes again.
//!
//! Containers are not stored and need no loader: each server's list is kept current
//! from the engine's events its supervisor follows ([`crate::containers::KeptLists`]),
//! so a page of stacks reads it without an engine call, however many stacks ask.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};

use super::batches::Batches;
use crate::apps::dashboards::{AppDashboards, DashboardRow};
use crate::apps::{App, AppVersion, Apps};
use crate::error::{Error, Result};
use crate::operations::{Operation, Operations};
use crate::probes::registry::{Probe, Probes};
use crate::servers::{Server, Servers};
use crate::stacks::{Stack, Stacks};
use crate::state::AppState;
use crate::users::{User, Users};

/// A service that reads many of its records by id in one store round trip.
pub trait ReadMany: Send + Sync + 'static {
    type Record: Clone + Send + Sync + 'static;

    fn read_many(&self, ids: &[String]) -> impl Future<Output = Result<Vec<Self::Record>>> + Send;

    fn id_of(record: &Self::Record) -> String;
}

/// The loader of one service's records, by id.
pub struct ById<S>(pub S);

impl<S: ReadMany> Loader<String> for ById<S> {
    type Value = S::Record;
    type Error = Arc<Error>;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, S::Record>, Arc<Error>> {
        let records = self.0.read_many(ids).await.map_err(Arc::new)?;
        Ok(records
            .into_iter()
            .map(|record| (S::id_of(&record), record))
            .collect())
    }
}

/// One loader per kind of related record, for one request.
pub struct Loaders {
    pub users: DataLoader<ById<Users>>,
    pub servers: DataLoader<ById<Servers>>,
    pub stacks: DataLoader<ById<Stacks>>,
    pub operations: DataLoader<ById<Operations>>,
    pub apps: DataLoader<ById<Apps>>,
    pub app_versions: DataLoader<ById<AppVersions>>,
    pub app_dashboards: DataLoader<ById<AppDashboards>>,
    pub probes: DataLoader<ById<Probes>>,
    pub probe_deliveries: DataLoader<ProbeDeliveries>,
}

/// Results each probe delivered, by probe id (see [`Probes::results_delivered`]).
pub struct ProbeDeliveries(Probes);

impl Loader<String> for ProbeDeliveries {
    type Value = i64;
    type Error = Arc<Error>;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, i64>, Arc<Error>> {
        self.0.results_delivered(ids).await.map_err(Arc::new)
    }
}

/// An app's versions, by their key `<app id>-<number>`.
pub struct AppVersions(Apps);

impl Loaders {
    /// A request's loaders, whose reads wait in `batches` until the request waits.
    pub fn new(state: &AppState, batches: &Batches) -> Loaders {
        Loaders {
            users: loader(state.users.clone(), batches),
            servers: loader(state.servers.clone(), batches),
            stacks: loader(state.stacks.clone(), batches),
            operations: loader(state.operations.clone(), batches),
            apps: loader(state.apps.clone(), batches),
            app_versions: loader(AppVersions(state.apps.clone()), batches),
            app_dashboards: loader(state.dashboards.clone(), batches),
            probes: loader(state.probes.clone(), batches),
            probe_deliveries: driven(ProbeDeliveries(state.probes.clone()), batches),
        }
    }
}

fn loader<S: ReadMany>(service: S, batches: &Batches) -> DataLoader<ById<S>> {
    driven(ById(service), batches)
}

fn driven<L: Loader<String>>(loader: L, batches: &Batches) -> DataLoader<L> {
    // No delay: `Batches` starts the read once every field has asked.
    DataLoader::new(loader, batches.spawner()).delay(Duration::ZERO)
}

/// Loads the record a relation field names, if it names one; `None` when there is none
/// or it no longer exists.
pub async fn related<S: ReadMany>(
    loader: &DataLoader<ById<S>>,
    id: Option<&str>,
) -> Result<Option<S::Record>> {
    match id {
        // Boxed, so that a relation field's future stays small whether or not it is
        // asked for: GraphQL moves every field's future of an object into an allocation
        // as large as the largest of them.
        Some(id) => Ok(Box::pin(loader.load_one(id.to_string())).await?),
        None => Ok(None),
    }
}

/// Each service reads its records with `get_many`; `id` says which id a record has.
macro_rules! read_many {
    ($service:ty, $record:ty, $id:expr) => {
        impl ReadMany for $service {
            type Record = $record;

            async fn read_many(&self, ids: &[String]) -> Result<Vec<$record>> {
                self.get_many(ids).await
            }

            fn id_of(record: &$record) -> String {
                $id(record)
            }
        }
    };
}

read_many!(Users, User, |user: &User| user.id.to_string());
read_many!(Servers, Arc<Server>, |server: &Arc<Server>| server
    .id
    .to_string());
read_many!(Stacks, Arc<Stack>, |stack: &Arc<Stack>| stack
    .id
    .to_string());
read_many!(Operations, Operation, Operation::key);
read_many!(Apps, App, |app: &App| app.id.to_string());

impl ReadMany for AppVersions {
    type Record = AppVersion;

    async fn read_many(&self, keys: &[String]) -> Result<Vec<AppVersion>> {
        self.0.versions_by_key(keys).await
    }

    fn id_of(version: &AppVersion) -> String {
        version.id.to_string()
    }
}
read_many!(Probes, Probe, |probe: &Probe| probe.id.to_string());

impl ReadMany for AppDashboards {
    type Record = DashboardRow;

    async fn read_many(&self, apps: &[String]) -> Result<Vec<DashboardRow>> {
        self.records(apps).await
    }

    fn id_of(row: &DashboardRow) -> String {
        row.app.clone()
    }
}

//! The GraphQL schema: each domain's queries, mutations and subscriptions merged into
//! one [`AppSchema`] with its limits, served behind the gate in [`guard`].

pub mod at_hand;
pub mod batches;
pub mod bounds;
pub mod context;
pub mod guard;
pub mod loaders;
pub mod pagination;
pub mod validated;

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder, ValidationMode};

use crate::apps::catalog::graphql::{CatalogMutation, CatalogQuery};
use crate::apps::graphql::{AppsMutation, AppsQuery, AppsSubscription};
use crate::audit::graphql::{AuditQuery, AuditSubscription};
use crate::auth::graphql::{AuthMutation, AuthQuery};
use crate::backup::graphql::{BackupMutation, BackupQuery};
use crate::config::Limits;
use crate::containers::graphql::{ContainersMutation, ContainersQuery, ContainersSubscription};
use crate::credits::graphql::{CreditsMutation, CreditsQuery, CreditsSubscription};
use crate::engine_resources::{EngineResourcesMutation, EngineResourcesQuery};
use crate::health::graphql::HealthQuery;
use crate::operations::graphql::{OperationsMutation, OperationsQuery, OperationsSubscription};
use crate::probes::measurements::graphql::{
    MeasurementsMutation, MeasurementsQuery, MeasurementsSubscription,
};
use crate::probes::registry::graphql::{ProbesMutation, ProbesQuery, ProbesSubscription};
use crate::servers::graphql::{ServersMutation, ServersQuery};
use crate::shell::{ShellMutation, ShellSubscription};
use crate::stacks::graphql::{StacksMutation, StacksQuery};
use crate::state::AppState;
use crate::users::graphql::{UsersMutation, UsersQuery};

#[derive(MergedObject, Default)]
pub struct Query(
    HealthQuery,
    UsersQuery,
    AuthQuery,
    AuditQuery,
    ServersQuery,
    ContainersQuery,
    OperationsQuery,
    StacksQuery,
    BackupQuery,
    EngineResourcesQuery,
    AppsQuery,
    CatalogQuery,
    ProbesQuery,
    MeasurementsQuery,
    CreditsQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    UsersMutation,
    BackupMutation,
    ServersMutation,
    ContainersMutation,
    OperationsMutation,
    StacksMutation,
    EngineResourcesMutation,
    ShellMutation,
    AppsMutation,
    CatalogMutation,
    ProbesMutation,
    MeasurementsMutation,
    CreditsMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(
    AuditSubscription,
    ContainersSubscription,
    OperationsSubscription,
    ShellSubscription,
    ProbesSubscription,
    MeasurementsSubscription,
    CreditsSubscription,
    AppsSubscription,
);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

fn builder(limits: &Limits) -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(limits.max_query_depth)
    .limit_complexity(limits.max_query_complexity)
    .limit_recursive_depth(64)
}

/// The schema the server executes, carrying the app state, behind its gate.
pub fn build(state: AppState) -> guard::GuardedSchema {
    let bounds = bounds::DocumentBounds::from_limits(&state.settings.limits);
    let schema = builder(&state.settings.limits).data(state.clone()).finish();
    guard::GuardedSchema::new(schema, state, bounds)
}

/// The schema for queries that passed validation before: the same, but it checks only
/// the limits (see [`validated`]).
fn revalidating(state: AppState) -> AppSchema {
    builder(&state.settings.limits)
        .validation_mode(ValidationMode::Fast)
        .data(state)
        .finish()
}

/// The schema's SDL, as `monitor schema` prints it and `schema.graphql` holds it.
pub fn sdl() -> String {
    let limits = crate::config::Settings::default().limits;
    builder(&limits).finish().sdl()
}

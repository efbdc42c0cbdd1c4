//! What resolvers read from the request: the app state, the caller, the caller's address.

use std::net::IpAddr;

use async_graphql::Context;

use crate::auth::{Authentication, Principal, require};
use crate::error::Result;
use crate::graphql::loaders::Loaders;
use crate::state::AppState;
use crate::users::Role;

/// The client's network address, for login throttling.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

pub trait ContextExt {
    /// The application state the schema was built with.
    fn state(&self) -> &AppState;
    /// The request's DataLoaders, for relation fields.
    fn loaders(&self) -> &Loaders;
    /// The caller, if it has at least `role`; `UNAUTHENTICATED` or `FORBIDDEN` otherwise.
    fn require(&self, role: Role) -> Result<&Principal>;
}

impl ContextExt for Context<'_> {
    fn state(&self) -> &AppState {
        // The schema is always built with its state (see `graphql::build`), so a
        // missing one is a programming error caught by every integration test.
        self.data::<AppState>()
            .expect("the schema is built with AppState")
    }

    fn loaders(&self) -> &Loaders {
        // Every request runs through `guard::GuardedSchema`, which gives it its loaders;
        // a missing one is a programming error caught by every integration test.
        self.data::<Loaders>()
            .expect("every request is given its loaders")
    }

    fn require(&self, role: Role) -> Result<&Principal> {
        require(self.data_opt::<Authentication>(), role)
    }
}

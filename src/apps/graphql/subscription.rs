//! `appStatusChanged`: each app whose status, liveness or drift changed, as the cluster
//! sync or a deploy records it.

use async_graphql::{Context, ErrorExtensions, ID, Subscription};
use futures::{Stream, StreamExt};

use crate::apps::{App, AppStatusChanged};
use crate::error::{Error, Result};
use crate::graphql::context::ContextExt;
use crate::users::Role;

#[derive(Default)]
pub struct AppsSubscription;

#[Subscription]
impl AppsSubscription {
    /// Each change to an app's status, liveness or drift, as monitor sees it: one app's,
    /// or, without `appId`, every app's. A subscriber that falls too far behind gets one
    /// `LAGGED` error saying how many it missed, then goes on.
    async fn app_status_changed(
        &self,
        ctx: &Context<'_>,
        app_id: Option<ID>,
    ) -> Result<impl Stream<Item = async_graphql::Result<App>> + use<>> {
        ctx.require(Role::Viewer)?;
        let state = ctx.state();
        if let Some(id) = &app_id
            && state.apps.get(id).await?.is_none()
        {
            return Err(Error::NotFound {
                what: "app",
                id: id.to_string(),
            });
        }
        let changes = state
            .bus
            .subscribe::<AppStatusChanged>()
            .stream_where(move |change| app_id.as_ref().is_none_or(|id| change.0.id == *id));
        Ok(changes.map(|change| {
            change
                .map(|AppStatusChanged(app)| app)
                .map_err(|error| error.extend())
        }))
    }
}

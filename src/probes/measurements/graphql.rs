//! Measurements in GraphQL: create, cancel, list, and each one's assignments, results
//! and summaries; the live feed of results.

use async_graphql::Json;
use async_graphql::connection::Connection;
use async_graphql::{
    ComplexObject, Context, ErrorExtensions, ID, InputObject, Object, Subscription,
};
use futures::{Stream, StreamExt};

use super::{
    CreateMeasurementInput, Measurement, MeasurementQuote, MeasurementStatus, ProbeAssignment,
    not_found,
};
use crate::error::Result;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::related;
use crate::graphql::pagination;
use crate::operations::Operation;
use crate::probes::registry::{Probe, Requester};
use crate::probes::results::{ProbeResult, ResultFilter, ResultSummary};
use crate::store::page::PageRequest;
use crate::users::{Role, User};

#[derive(Default)]
pub struct MeasurementsQuery;

/// Which measurements a list shows.
#[derive(Debug, Clone, Default, InputObject)]
pub struct MeasurementFilter {
    /// Measurements created by this user.
    pub owner_id: Option<ID>,
    pub status: Option<MeasurementStatus>,
}

#[Object]
impl MeasurementsQuery {
    /// Measurements, newest first.
    async fn measurements(
        &self,
        ctx: &Context<'_>,
        filter: Option<MeasurementFilter>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, Measurement>> {
        ctx.require(Role::Viewer)?;
        let filter = filter.unwrap_or_default();
        let page = PageRequest::<String>::parse(first, after)?;
        let measurements = ctx
            .state()
            .measurements
            .list(
                filter.owner_id.map(|id| id.0),
                filter.status,
                page.after.as_deref(),
                page.first + 1,
            )
            .await?;
        Ok(pagination::connection(measurements, &page, |m| {
            m.id.0.clone()
        }))
    }

    /// What a measurement would cost the caller, from the same input as
    /// `createMeasurement` (checked the same way); nothing is reserved.
    async fn measurement_quote(
        &self,
        ctx: &Context<'_>,
        input: CreateMeasurementInput,
    ) -> Result<MeasurementQuote> {
        let principal = ctx.require(Role::Viewer)?;
        ctx.state()
            .measurements
            .quote(&principal.user_id, input)
            .await
    }

    async fn measurement(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Measurement>> {
        ctx.require(Role::Viewer)?;
        ctx.state().measurements.get(&id).await
    }
}

#[ComplexObject]
impl Measurement {
    /// Who created it.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        related(&ctx.loaders().users, Some(&self.owner_id)).await
    }

    /// The operation it runs under (a new one after each restart of monitor).
    async fn operation(&self, ctx: &Context<'_>) -> Result<Option<Operation>> {
        related(&ctx.loaders().operations, self.operation_id.as_deref()).await
    }

    /// What its delivered results cost so far; once it ended, the rest of the
    /// reservation went back to its owner.
    async fn credits_used(&self, ctx: &Context<'_>) -> Result<i64> {
        if self.status != MeasurementStatus::Running {
            return Ok(self.stored_credits_used);
        }
        let assignments = ctx.state().measurements.assignments(&self.id).await?;
        let delivered: i64 = assignments.iter().map(|a| a.results_delivered).sum();
        Ok(delivered * self.cost_per_result)
    }

    /// Each probe's part, in the order they were chosen.
    async fn assignments(&self, ctx: &Context<'_>) -> Result<Vec<ProbeAssignment>> {
        ctx.state().measurements.assignments(&self.id).await
    }

    /// Its results, by assignment (one a probe), then run, then target.
    async fn results(
        &self,
        ctx: &Context<'_>,
        filter: Option<ResultFilter>,
        #[graphql(desc = "How many items, 1 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, ProbeResult>> {
        let page = PageRequest::<String>::parse(first, after)?;
        let results = ctx
            .state()
            .results
            .page(
                &self.id,
                &filter.unwrap_or_default(),
                page.after.as_deref(),
                page.first + 1,
            )
            .await?;
        Ok(pagination::connection(results, &page, |r| r.id.0.clone()))
    }

    /// What each probe delivered, by probe id.
    async fn probe_summaries(&self, ctx: &Context<'_>) -> Result<Vec<ResultSummary>> {
        ctx.state().results.summaries(&self.id, true).await
    }

    /// What was measured of each target, by target.
    async fn target_summaries(&self, ctx: &Context<'_>) -> Result<Vec<ResultSummary>> {
        ctx.state().results.summaries(&self.id, false).await
    }

    /// Where its results download as NDJSON (one JSON object per line), with the same
    /// `Authorization` header.
    async fn results_download_path(&self) -> String {
        format!("/probes/measurements/{}/results.ndjson", self.id.0)
    }
}

#[ComplexObject]
impl ProbeAssignment {
    /// The probe; `null` once deleted.
    async fn probe(&self, ctx: &Context<'_>) -> Result<Option<Probe>> {
        related(&ctx.loaders().probes, Some(&self.probe_id)).await
    }
}

#[ComplexObject]
impl ProbeResult {
    /// The probe that measured; `null` once deleted.
    async fn probe(&self, ctx: &Context<'_>) -> Result<Option<Probe>> {
        related(&ctx.loaders().probes, Some(&self.probe_id)).await
    }

    /// The result as the probe sent it (JSON).
    async fn raw(&self) -> Option<Json<serde_json::Value>> {
        let text = self.raw_text.as_deref()?;
        serde_json::from_str(text).ok().map(Json)
    }
}

#[ComplexObject]
impl ResultSummary {
    /// The probe, for a per-probe summary.
    async fn probe(&self, ctx: &Context<'_>) -> Result<Option<Probe>> {
        related(
            &ctx.loaders().probes,
            self.probe_id.as_ref().map(|id| id.as_str()),
        )
        .await
    }
}

#[derive(InputObject)]
pub struct CancelMeasurementInput {
    pub id: ID,
}

#[derive(Default)]
pub struct MeasurementsMutation;

#[Object]
impl MeasurementsMutation {
    /// Starts a measurement on probes; its probes are sent their part at once (or when
    /// they have a free slot or reconnect). Bad input changes nothing.
    async fn create_measurement(
        &self,
        ctx: &Context<'_>,
        input: CreateMeasurementInput,
    ) -> Result<Measurement> {
        let principal = ctx.require(Role::Operator)?;
        ctx.state()
            .measurements
            .create(&principal.actor(), &principal.user_id, input)
            .await
    }

    /// Stops a running measurement on every probe; what was delivered stays.
    async fn cancel_measurement(
        &self,
        ctx: &Context<'_>,
        input: CancelMeasurementInput,
    ) -> Result<Measurement> {
        let requester = Requester::of(ctx.require(Role::Operator)?);
        ctx.state().measurements.cancel(&requester, &input.id).await
    }
}

#[derive(Default)]
pub struct MeasurementsSubscription;

#[Subscription]
impl MeasurementsSubscription {
    /// Each result of the measurement as it is stored. A subscriber that falls behind
    /// gets a `LAGGED` error and goes on (the results query has them all).
    async fn measurement_results(
        &self,
        ctx: &Context<'_>,
        measurement_id: ID,
    ) -> Result<impl Stream<Item = async_graphql::Result<ProbeResult>> + use<>> {
        ctx.require(Role::Viewer)?;
        let state = ctx.state();
        // Subscribed before the check, so no result stored meanwhile is missed.
        let subscriber = state.bus.subscribe::<std::sync::Arc<ProbeResult>>();
        if state.measurements.get(&measurement_id).await?.is_none() {
            return Err(not_found(&measurement_id));
        }
        let results =
            subscriber.stream_where(move |result| result.measurement_id == measurement_id);
        Ok(results.map(|result| {
            result
                .map(|result| (*result).clone())
                .map_err(|error| error.extend())
        }))
    }
}

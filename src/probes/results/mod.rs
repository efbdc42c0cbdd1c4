//! Results: what probes send back, checked against the assignment it claims (a result
//! for an assignment the probe does not hold, a target or run it was not asked for,
//! or another kind is rejected and never stored), stored once per key, counted on its
//! assignment, then published for `measurementResults`.

pub mod download;
pub mod graphql;
mod ingest;
mod model;
mod store;

use std::sync::Arc;

pub use model::{ProbeResult, ResultFilter, ResultRow, ResultSummary};

use crate::bus::{Bus, Topic};
use crate::error::Result;
use crate::probes::measurements::{AssignmentRow, MeasurementRow, Measurements};
use crate::probes::protocol::ResultMessage;
use crate::store::Store;

/// Results as they are stored; shared, not copied, per subscriber.
impl Topic for Arc<ProbeResult> {
    const NAME: &'static str = "probe results";
    const CAPACITY: usize = 4096;
}

/// A result that passed its checks: the row it is stored as, and what is published
/// once it is (built from the probe's message, not parsed back from the row).
pub struct Checked {
    row: ResultRow,
    published: ProbeResult,
}

/// What a probe's result is checked against: the assignment it names.
#[derive(Clone)]
pub struct Claim {
    assignment: AssignmentRow,
    measurement: MeasurementRow,
    runs: u64,
}

#[derive(Clone)]
pub struct Results {
    store: Store,
    ingester: ingest::Ingester,
    bus: Bus,
    measurements: Measurements,
}

impl Results {
    pub fn new(store: Store, bus: Bus, measurements: Measurements) -> Results {
        Results {
            ingester: ingest::Ingester::start(store.clone()),
            store,
            bus,
            measurements,
        }
    }

    /// What a result naming this assignment is checked against; `None` for an
    /// assignment that does not exist.
    pub async fn claim(&self, assignment_id: &str) -> Result<Option<Claim>> {
        let Some((assignment, measurement)) = self.measurements.claim(assignment_id).await? else {
            return Ok(None);
        };
        let runs = measurement.schedule().map_or(0, |schedule| schedule.runs());
        Ok(Some(Claim {
            assignment,
            measurement,
            runs,
        }))
    }

    /// The row a result is stored as, once it is checked against its claim; why it
    /// can never be stored otherwise.
    pub fn check(
        &self,
        probe_id: &str,
        claim: Option<&Claim>,
        message: &ResultMessage,
    ) -> std::result::Result<Checked, String> {
        let claim = check(probe_id, claim, message)?;
        let row = ResultRow::of(probe_id, claim.measurement.kind, message);
        let published = row.published(message.result.clone());
        Ok(Checked { row, published })
    }

    /// Stores a group of checked results in one batch, each once (a key stored
    /// before is a repeat), publishes the new ones, and marks done the assignments
    /// they complete. Owns what it needs, so a session can keep groups under way
    /// while it reads on; once it is `Ok`, the probe may forget the results.
    pub fn store(
        &self,
        checked: Vec<Checked>,
    ) -> impl Future<Output = Result<()>> + Send + 'static {
        let results = self.clone();
        async move {
            let (rows, published): (Vec<ResultRow>, Vec<ProbeResult>) = checked
                .into_iter()
                .map(|checked| (checked.row, checked.published))
                .unzip();
            let outcomes = results.ingester.store_all(rows).await?;
            for (published, outcome) in published.into_iter().zip(outcomes) {
                let store::Stored::New(assignment) = outcome else {
                    continue;
                };
                results.bus.publish(Arc::new(published));
                // The result is stored, so the probe may forget it: bookkeeping that
                // fails now is caught up by the check for measurements that are over.
                if let Some(assignment) = assignment
                    && let Err(error) = results.measurements.delivered(&assignment).await
                {
                    tracing::warn!(assignment = %assignment.key(), error = %format!("{error:#}"),
                        "cannot record that an assignment has all its results");
                }
            }
            Ok(())
        }
    }

    pub async fn page(
        &self,
        measurement_id: &str,
        filter: &ResultFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ProbeResult>> {
        let rows = store::page(&self.store, measurement_id, filter, after, limit).await?;
        Ok(rows.iter().map(ResultRow::to_result).collect())
    }

    /// Raw rows, for the NDJSON download.
    pub async fn rows(
        &self,
        measurement_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ResultRow>> {
        store::page(
            &self.store,
            measurement_id,
            &ResultFilter::default(),
            after,
            limit,
        )
        .await
    }

    pub async fn summaries(
        &self,
        measurement_id: &str,
        by_probe: bool,
    ) -> Result<Vec<ResultSummary>> {
        let rows = store::summaries(&self.store, measurement_id, by_probe).await?;
        Ok(rows.iter().map(|row| row.to_summary(by_probe)).collect())
    }
}

/// The claim a result stands on, or why it cannot be this probe's.
fn check<'a>(
    probe_id: &str,
    claim: Option<&'a Claim>,
    message: &ResultMessage,
) -> Result<&'a Claim, String> {
    let Some(claim) = claim else {
        return Err(format!(
            "assignment {} does not exist",
            message.key.assignment_id
        ));
    };
    if claim.assignment.probe_id != probe_id {
        return Err(format!(
            "assignment {} is not this probe's",
            message.key.assignment_id
        ));
    }
    if message.measurement_id != claim.assignment.measurement_id {
        return Err("the result names another measurement than its assignment".into());
    }
    let target = message.key.target.to_string();
    if !claim.measurement.targets.contains(&target) {
        return Err(format!("{target} is not a target of this measurement"));
    }
    if message.key.run >= claim.runs {
        return Err(format!(
            "run {} is past the schedule's {} run(s)",
            message.key.run, claim.runs
        ));
    }
    if let Some(result) = &message.result
        && result_kind(result) != claim.measurement.kind
    {
        return Err(format!(
            "a {} result for a {} measurement",
            result_kind(result).as_str(),
            claim.measurement.kind.as_str()
        ));
    }
    Ok(claim)
}

fn result_kind(
    result: &crate::probes::protocol::MeasurementResult,
) -> crate::probes::input::MeasurementKind {
    use crate::probes::input::MeasurementKind;
    use crate::probes::protocol::MeasurementResult;
    match result {
        MeasurementResult::Ping(_) => MeasurementKind::Ping,
        MeasurementResult::Traceroute(_) => MeasurementKind::Traceroute,
        MeasurementResult::Dns(_) => MeasurementKind::Dns,
        MeasurementResult::Http(_) => MeasurementKind::Http,
    }
}

//! What a probe's session uses of the application state.
//!
//! Each connected probe's task holds it for as long as the probe stays connected. The
//! whole [`AppState`] is about 1.9 KB by value (every service, each cheap to clone but
//! not small); a session needs a third of it.

use std::sync::Arc;

use crate::config::Settings;
use crate::credits::Credits;
use crate::metrics::Metrics;
use crate::probes::measurements::Measurements;
use crate::probes::registry::Probes;
use crate::probes::results::Results;
use crate::runner::Runner;
use crate::state::AppState;

/// The services a session calls, named as in [`AppState`].
pub struct Services {
    pub settings: Arc<Settings>,
    pub credits: Credits,
    pub probes: Probes,
    pub measurements: Measurements,
    pub results: Results,
    pub metrics: Arc<Metrics>,
    pub runner: Runner,
}

impl From<&AppState> for Services {
    fn from(state: &AppState) -> Services {
        Services {
            settings: state.settings.clone(),
            credits: state.credits.clone(),
            probes: state.probes.clone(),
            measurements: state.measurements.clone(),
            results: state.results.clone(),
            metrics: state.metrics.clone(),
            runner: state.runner.clone(),
        }
    }
}

//! Choosing a measurement's probes: by id, or up to a count among the connected probes
//! that carry the tags and stand in the area, spread so the same probe is not chosen
//! every time others are free.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rand::seq::SliceRandom;

use super::input::ProbeSelection;
use crate::error::{Error, Result};
use crate::probes::live::LiveProbes;
use crate::probes::registry::Probe;

/// When each probe was last chosen by a count, so ties go to the one rested longest.
#[derive(Clone, Default)]
pub struct LastChosen {
    at: Arc<Mutex<HashMap<String, Instant>>>,
}

impl LastChosen {
    fn get(&self, probe_id: &str) -> Option<Instant> {
        self.lock().get(probe_id).copied()
    }

    fn mark(&self, probe_ids: &[String]) {
        let now = Instant::now();
        let mut at = self.lock();
        for id in probe_ids {
            at.insert(id.clone(), now);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        // Each change is one insert: a poisoned lock still holds a whole map.
        self.at.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The ids of the probes that will measure, from `candidates` (every probe not revoked),
/// marked as chosen so the next count rests them.
pub fn choose(
    selection: &ProbeSelection,
    candidates: Vec<Probe>,
    live: &LiveProbes,
    last_chosen: &LastChosen,
) -> Result<Vec<String>> {
    let chosen = preview(selection, candidates, live, last_chosen)?;
    if matches!(selection, ProbeSelection::Count { .. }) {
        last_chosen.mark(&chosen);
    }
    Ok(chosen)
}

/// The probes [`choose`] would pick now, without marking them. A count takes the
/// eligible probes (connected, with the tags, in the area) up to the count: fewer when
/// fewer match, as Globalping and RIPE Atlas run on the probes they find; none is
/// refused.
pub fn preview(
    selection: &ProbeSelection,
    candidates: Vec<Probe>,
    live: &LiveProbes,
    last_chosen: &LastChosen,
) -> Result<Vec<String>> {
    match selection {
        ProbeSelection::Ids(ids) => {
            for (index, id) in ids.iter().enumerate() {
                if !candidates.iter().any(|probe| probe.id.0 == *id) {
                    let index = index.to_string();
                    return Err(Error::bad_input(
                        &["input", "probes", "ids", index.as_str()],
                        format!("probe {id} does not exist or is revoked"),
                    ));
                }
            }
            Ok(ids.clone())
        }
        ProbeSelection::Count { count, tags, area } => {
            let connected = candidates
                .iter()
                .filter(|probe| live.get(&probe.id).is_some())
                .count();
            let mut eligible: Vec<(Probe, f64, Option<Instant>)> = candidates
                .into_iter()
                .filter(|probe| tags.iter().all(|tag| probe.tags.contains(tag)))
                .filter(|probe| {
                    area.is_none_or(|(center, radius)| {
                        center.distance_km(&probe.location) <= radius
                    })
                })
                .filter_map(|probe| {
                    let connected = live.get(&probe.id)?;
                    let load = f64::from(connected.in_use()) / f64::from(connected.capacity.max(1));
                    let rested = last_chosen.get(&probe.id);
                    Some((probe, load, rested))
                })
                .collect();
            if eligible.is_empty() {
                return Err(none_eligible(connected, tags, area.is_some()));
            }
            // Shuffled first, so probes equal in load and rest are chosen at random.
            eligible.shuffle(&mut rand::rng());
            eligible.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.2.cmp(&b.2)));
            Ok(eligible
                .into_iter()
                .take(*count)
                .map(|(probe, _, _)| probe.id.0)
                .collect())
        }
    }
}

/// Why a count found no probe, in the terms of its filters.
fn none_eligible(connected: usize, tags: &[String], area: bool) -> Error {
    let mut wanted = Vec::new();
    if !tags.is_empty() {
        wanted.push(format!("carries the tags {}", tags.join(", ")));
    }
    if area {
        wanted.push("stands in the area".to_string());
    }
    let message = match connected {
        0 => "no eligible probe: no probe is connected".to_string(),
        _ => format!(
            "no eligible probe: none of the {connected} connected probe(s) {}",
            wanted.join(" and ")
        ),
    };
    Error::bad_input(&["input", "probes"], message)
}

//! Following a deploy through the resource's status: the controller has finished the
//! generation monitor applied once `observedGeneration` reaches it, and the phase then
//! says how it ended. Each look at the live resource gives at most one new progress
//! line (only when something changed) and, once it is over, how it ended.

use super::resource::{LiveGraph, Phase};

/// How a followed deploy (or undeploy) ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// The controller deployed the generation (or undeployed it, for an undeploy).
    Done(Phase),
    /// The controller finished the generation as Failed.
    Failed {
        reason: Option<String>,
        messages: Vec<String>,
    },
    /// Someone changed the spec again before the controller finished ours.
    Superseded { generation: i64 },
    /// The resource was deleted meanwhile.
    Deleted,
}

/// Follows one applied generation.
#[derive(Debug)]
pub struct Follower {
    generation: i64,
    last: Option<(Option<Phase>, Option<i64>)>,
}

impl Follower {
    /// Follows `generation`, the one the apply answered with.
    pub fn new(generation: i64) -> Follower {
        Follower {
            generation,
            last: None,
        }
    }

    /// Looks at the resource as it is now (`None`: it is gone).
    pub fn observe(&mut self, live: Option<&LiveGraph>) -> (Option<String>, Option<Ending>) {
        let Some(live) = live else {
            return (
                Some("the resource was deleted".into()),
                Some(Ending::Deleted),
            );
        };
        if live.deleting {
            return (
                Some("the resource is being deleted".into()),
                Some(Ending::Deleted),
            );
        }
        let generation = live.generation.unwrap_or_default();
        if generation > self.generation {
            let line = format!(
                "generation {generation} replaced generation {} before the controller finished it",
                self.generation
            );
            return (Some(line), Some(Ending::Superseded { generation }));
        }
        let status = &live.status;
        let seen = (status.phase, status.observed_generation);
        let line = (self.last != Some(seen)).then(|| self.describe(live));
        self.last = Some(seen);
        let finished = status
            .observed_generation
            .is_some_and(|observed| observed >= self.generation);
        let ending = match status.phase {
            Some(Phase::Failed) if finished => Some(Ending::Failed {
                reason: status.reason.clone(),
                messages: status.messages.clone(),
            }),
            Some(phase @ (Phase::Deployed | Phase::Undeployed)) if finished => {
                Some(Ending::Done(phase))
            }
            _ => None,
        };
        (line, ending)
    }

    fn describe(&self, live: &LiveGraph) -> String {
        let status = &live.status;
        let observed = match status.observed_generation {
            Some(observed) => format!("finished generation {observed}"),
            None => "finished no generation yet".into(),
        };
        match status.phase {
            None => format!(
                "waiting for the controller to pick up generation {} ({observed})",
                self.generation
            ),
            Some(phase) => {
                let mut line = format!("{phase:?} (generation {}, {observed})", self.generation);
                if let Some(reason) = &status.reason {
                    line.push_str(&format!(": {reason}"));
                }
                for message in &status.messages {
                    line.push_str(&format!("\n{message}"));
                }
                line
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::resource::LiveStatus;

    fn live(generation: i64, phase: Option<Phase>, observed: Option<i64>) -> LiveGraph {
        LiveGraph {
            namespace: "ml".into(),
            name: "demo".into(),
            uid: None,
            resource_version: None,
            generation: Some(generation),
            deleting: false,
            graph: None,
            deploy: true,
            status: LiveStatus {
                phase,
                observed_generation: observed,
                ..LiveStatus::default()
            },
            spec_manager: None,
        }
    }

    #[test]
    fn a_deploy_ends_when_the_controller_has_finished_its_generation() {
        let mut follower = Follower::new(2);
        let (line, ending) = follower.observe(Some(&live(2, Some(Phase::Deployed), Some(1))));
        assert!(
            line.expect("a line")
                .starts_with("Deployed (generation 2, finished generation 1)")
        );
        assert_eq!(
            ending, None,
            "the previous generation's Deployed is not ours"
        );
        let (_, ending) = follower.observe(Some(&live(2, Some(Phase::Deploying), Some(1))));
        assert_eq!(ending, None);
        let (line, ending) = follower.observe(Some(&live(2, Some(Phase::Deployed), Some(2))));
        assert!(line.is_some());
        assert_eq!(ending, Some(Ending::Done(Phase::Deployed)));
    }

    #[test]
    fn only_changes_make_a_line() {
        let mut follower = Follower::new(1);
        let first = follower.observe(Some(&live(1, None, None))).0;
        let again = follower.observe(Some(&live(1, None, None))).0;
        assert!(
            first
                .expect("a line")
                .contains("waiting for the controller")
        );
        assert_eq!(again, None);
    }

    #[test]
    fn a_failure_ends_with_the_controllers_reason_and_messages() {
        let mut follower = Follower::new(3);
        let mut failed = live(3, Some(Phase::Failed), Some(3));
        failed.status.reason = Some("GraphDeploymentError".into());
        failed.status.messages = vec!["chart api:9 not found".into()];
        let (line, ending) = follower.observe(Some(&failed));
        let line = line.expect("a line");
        assert!(
            line.contains("GraphDeploymentError") && line.contains("chart api:9 not found"),
            "{line}"
        );
        assert_eq!(
            ending,
            Some(Ending::Failed {
                reason: Some("GraphDeploymentError".into()),
                messages: vec!["chart api:9 not found".into()],
            })
        );
    }

    #[test]
    fn a_newer_generation_or_a_deletion_ends_the_follow() {
        let mut follower = Follower::new(2);
        let (_, ending) = follower.observe(Some(&live(3, Some(Phase::Deploying), Some(1))));
        assert_eq!(ending, Some(Ending::Superseded { generation: 3 }));
        assert_eq!(follower.observe(None).1, Some(Ending::Deleted));
        let mut deleting = live(2, Some(Phase::Deleting), Some(2));
        deleting.deleting = true;
        assert_eq!(follower.observe(Some(&deleting)).1, Some(Ending::Deleted));
    }
}

//! Cluster sync: monitor follows the graph resources in every namespace it watches and
//! tells the apps service what it sees, so an edit made behind monitor's back becomes a
//! version (matched by hash, or new and marked as coming from the cluster), a status the
//! controller writes reaches `app.status` and `appStatusChanged`, and a deleted resource
//! marks its app undeployed.
//!
//! One loop per watched namespace (or one for the whole cluster), each on the runner.
//! kube-rs's watcher lists first, then follows from the list's resourceVersion, resumes
//! from the last one it saw after a dropped connection, relists after 410 Gone, and
//! backs off while the API server is down; [`follower::Follower`] makes a relist cheap
//! (objects it already handled at that resourceVersion are skipped) and notices what
//! went missing while monitor was not watching.

mod follower;
mod health;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::Apps;
use crate::kube::Kubernetes;
use crate::metrics::SyncMetrics;
use crate::runner::Runner;
use follower::Follower;
pub use health::SyncHealth;

/// Starts following the cluster, when one is configured: one loop per watched
/// namespace, or one for every namespace monitor may read. Returns how the watches
/// fare, for `health`.
pub fn start(
    runner: &Runner,
    apps: &Apps,
    kubernetes: &Kubernetes,
    metrics: &SyncMetrics,
) -> SyncHealth {
    let health = SyncHealth::default();
    let Kubernetes::Configured { cluster, .. } = kubernetes else {
        return health;
    };
    let scopes: Vec<Option<String>> = match cluster.watched_namespaces() {
        [] => vec![None],
        namespaces => namespaces.iter().cloned().map(Some).collect(),
    };
    for scope in scopes {
        let name = scope.clone().unwrap_or_else(|| "all namespaces".into());
        let (apps, cluster, metrics) = (apps.clone(), (**cluster).clone(), metrics.clone());
        let health = health.clone();
        runner.spawn("apps_sync", name, runner.task_token(), move |stop| {
            let follower = Follower::new(
                apps.clone(),
                cluster.clone(),
                scope.clone(),
                &metrics,
                health.clone(),
            );
            follow(follower, stop)
        });
    }
    health
}

/// Follows the resources of one scope until `stop`; an error (the store refusing a
/// write) ends the run, and the runner starts it again with a fresh list.
async fn follow(mut follower: Follower, stop: CancellationToken) -> anyhow::Result<()> {
    let mut events = follower.watch();
    loop {
        let event = tokio::select! {
            _ = stop.cancelled() => return Ok(()),
            event = events.next() => event,
        };
        match event {
            Some(Ok(event)) => follower.handle(event).await?,
            Some(Err(error)) => follower.watch_failed(&error),
            None => {
                follower.watch_ended();
                anyhow::bail!("the watch ended")
            }
        }
    }
}

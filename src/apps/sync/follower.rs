//! What one watched scope's loop remembers between events: the resourceVersion each
//! resource had when it was last handled (so a relist after 410 Gone or a restart of
//! the watch skips what did not change, and never stores a version twice), and, during
//! a relist, which resources it has shown (so one deleted while the watch was down is
//! noticed when the relist ends).

use std::collections::{HashMap, HashSet};

use futures::stream::BoxStream;
use kube::api::DynamicObject;
use kube::runtime::watcher;
use prometheus_client::metrics::counter::Counter;

use crate::apps::resource::LiveGraph;
use crate::apps::{Apps, ListFilter, ListOrder};
use crate::error::{Error, Result};
use crate::kube::Cluster;
use crate::metrics::SyncMetrics;

use super::health::SyncHealth;

/// How many apps one page of the end-of-relist check reads.
const PAGE: usize = 500;

type Key = (String, String);

pub struct Follower {
    apps: Apps,
    cluster: Cluster,
    namespace: Option<String>,
    /// The resourceVersion each resource had when it was last handled.
    handled: HashMap<Key, String>,
    /// The resources the relist in progress has shown so far.
    relisted: Option<HashSet<Key>>,
    /// Whether the watch is failing: said once, then again when it is back.
    failing: bool,
    health: SyncHealth,
    relists: Counter,
    failures: Counter,
}

fn key_of(object: &DynamicObject) -> Key {
    (
        object.metadata.namespace.clone().unwrap_or_default(),
        object.metadata.name.clone().unwrap_or_default(),
    )
}

impl Follower {
    pub fn new(
        apps: Apps,
        cluster: Cluster,
        namespace: Option<String>,
        metrics: &SyncMetrics,
        health: SyncHealth,
    ) -> Follower {
        Follower {
            apps,
            cluster,
            namespace,
            handled: HashMap::new(),
            relisted: None,
            failing: false,
            health,
            relists: metrics.relists.clone(),
            failures: metrics.watch_failures.clone(),
        }
    }

    /// The events of this follower's scope, from a fresh list.
    pub fn watch(
        &self,
    ) -> BoxStream<'static, Result<watcher::Event<DynamicObject>, watcher::Error>> {
        self.cluster.watch_in(self.namespace.as_deref())
    }

    /// Takes one event in; an error means the store could not record it.
    pub async fn handle(&mut self, event: watcher::Event<DynamicObject>) -> Result<()> {
        // A fresh list (a restarted loop's first event) also proves the watch works.
        if self.failing || matches!(event, watcher::Event::Init) {
            self.health.working(&self.scope_name());
        }
        if self.failing {
            self.failing = false;
            tracing::info!(namespace = self.scope(), "the watch of the cluster is back");
        }
        match event {
            watcher::Event::Init => self.relisted = Some(HashSet::new()),
            watcher::Event::InitApply(object) => {
                if let Some(seen) = &mut self.relisted {
                    seen.insert(key_of(&object));
                }
                self.observe(&object).await?;
            }
            watcher::Event::InitDone => {
                let seen = self.relisted.take().unwrap_or_default();
                self.handled.retain(|key, _| seen.contains(key));
                self.notice_missing(&seen).await?;
                self.relists.inc();
            }
            watcher::Event::Apply(object) => self.observe(&object).await?,
            watcher::Event::Delete(object) => {
                let (namespace, name) = key_of(&object);
                self.handled.remove(&(namespace.clone(), name.clone()));
                self.apps.mark_deleted_in_cluster(&namespace, &name).await?;
            }
        }
        Ok(())
    }

    /// The watcher retries by itself with backoff; say so once, not on every retry, and
    /// count every one.
    pub fn watch_failed(&mut self, error: &watcher::Error) {
        self.failures.inc();
        self.health.failing(&self.scope_name(), error.to_string());
        if self.failing {
            tracing::debug!(namespace = self.scope(), %error, "the watch of the cluster still fails");
        } else {
            self.failing = true;
            tracing::warn!(namespace = self.scope(), %error, "the watch of the cluster failed; retrying with backoff");
        }
    }

    /// The watch ended (the stream closed): the loop starts it again with a fresh list,
    /// whose first event says it works again.
    pub fn watch_ended(&self) {
        self.failures.inc();
        self.health.failing(
            &self.scope_name(),
            "the watch ended; starting it again".into(),
        );
    }

    fn scope(&self) -> &str {
        self.namespace.as_deref().unwrap_or("*")
    }

    /// The scope as `health` names it.
    fn scope_name(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("namespace {namespace}"),
            None => "every namespace".into(),
        }
    }

    /// Records a resource's graph (a version, matched by hash) and its status.
    async fn observe(&mut self, object: &DynamicObject) -> Result<()> {
        let live = LiveGraph::from_object(object);
        let key = (live.namespace.clone(), live.name.clone());
        if live.resource_version.is_some()
            && self.handled.get(&key) == live.resource_version.as_ref()
        {
            return Ok(());
        }
        refused_or_done(self.apps.observe(&live).await, &live)?;
        if let Some(version) = live.resource_version {
            self.handled.insert(key, version);
        }
        Ok(())
    }

    /// After a relist: the apps monitor believed in the cluster that the list did not
    /// show, confirmed gone with a read (one deployed meanwhile is there), are marked
    /// deleted in the cluster.
    async fn notice_missing(&self, seen: &HashSet<Key>) -> Result<()> {
        let filter = ListFilter {
            namespace: self.namespace.clone(),
            ..ListFilter::default()
        };
        let mut after = None;
        loop {
            let order = ListOrder::Name {
                descending: false,
                after: after.take(),
            };
            let page = self.apps.list(&filter, &order, PAGE).await?;
            for app in &page {
                let key = (app.namespace.clone(), app.name.clone());
                if !app.in_cluster || seen.contains(&key) {
                    continue;
                }
                match self.cluster.get(&app.namespace, &app.name).await {
                    Ok(None) => {
                        self.apps
                            .mark_deleted_in_cluster(&app.namespace, &app.name)
                            .await?
                    }
                    Ok(Some(_)) => {}
                    Err(error) => {
                        tracing::debug!(%error, app = %app.id.as_str(), "cannot confirm a resource is gone; the next relist will");
                    }
                }
            }
            match page.last() {
                Some(last) if page.len() == PAGE => {
                    after = Some((last.namespace.clone(), last.name.clone()))
                }
                _ => return Ok(()),
            }
        }
    }
}

/// A resource monitor cannot take in (a name or graph its rules refuse) is logged and
/// skipped, so it does not stop the sync of every other one; any other error (the
/// store failing) is returned.
fn refused_or_done(result: Result<()>, live: &LiveGraph) -> Result<()> {
    match result {
        Err(error @ (Error::BadInput { .. } | Error::NotFound { .. } | Error::Conflict(_))) => {
            tracing::warn!(namespace = %live.namespace, name = %live.name, %error, "a resource in the cluster cannot be recorded; skipped");
            Ok(())
        }
        other => other,
    }
}

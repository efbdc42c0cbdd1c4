//! The graph resource in one cluster, through kube-rs: read, list a page, server-side
//! apply as field manager `monitor`, delete, watch; reading through the service proxy is
//! in [`super::proxy`].
//!
//! The resource is a [`DynamicObject`] described by an [`ApiResource`] built from the
//! settings, so no discovery request is needed and a renamed group or version is a
//! setting, not a rebuild. Every request but a watch is bounded by the configured
//! timeout: a hung API server fails the request instead of hanging an operation.

use std::future::Future;
use std::time::Duration;

use futures::stream::{BoxStream, StreamExt};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, ObjectList, Patch, PatchParams,
};
use kube::core::GroupVersionKind;
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::Value;

use super::error::ClusterError;
use crate::config::KubernetesSettings;

/// The field manager monitor applies as: `managedFields` shows which fields it set.
pub const FIELD_MANAGER: &str = "monitor";

/// One cluster, reached and ready to use.
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    /// The same cluster without kube-rs's retries of 503: through the service proxy a
    /// 503 means the service is not listening, which a retry does not change.
    pub(super) proxy_client: kube::Client,
    resource: ApiResource,
    namespaces: Vec<String>,
    pub(super) timeout: Duration,
    server: String,
}

/// What a delete left behind.
#[derive(Debug)]
pub enum Deletion {
    /// The resource is gone.
    Gone,
    /// The resource is marked for deletion and waits for its finalizers.
    Pending(Box<DynamicObject>),
}

impl Cluster {
    /// A client for the cluster `config` describes; fails only on a config kube-rs cannot
    /// turn into a client (a malformed certificate, say).
    pub fn new(config: kube::Config, settings: &KubernetesSettings) -> Result<Cluster, String> {
        let server = config.cluster_url.to_string();
        // kube-rs builds its TLS configuration from rustls's process-wide provider, which
        // cannot be picked implicitly while the dependency tree enables two of them. An
        // error only means a provider is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut proxy_config = config.clone();
        proxy_config.default_retry = false;
        let client = kube::Client::try_from(config).map_err(|error| error.to_string())?;
        let proxy_client =
            kube::Client::try_from(proxy_config).map_err(|error| error.to_string())?;
        let kind = GroupVersionKind::gvk(&settings.group, &settings.version, &settings.kind);
        Ok(Cluster {
            client,
            proxy_client,
            resource: ApiResource::from_gvk_with_plural(&kind, &settings.plural),
            namespaces: settings.namespaces.clone(),
            timeout: Duration::from_secs(settings.request_timeout_seconds.max(1)),
            server,
        })
    }

    /// The resource's group, version, kind and plural.
    pub fn resource(&self) -> &ApiResource {
        &self.resource
    }

    /// The namespaces monitor watches; empty means every namespace it may read.
    pub fn watched_namespaces(&self) -> &[String] {
        &self.namespaces
    }

    /// The API server's URL, for messages.
    pub fn server(&self) -> &str {
        &self.server
    }

    fn api(&self, namespace: Option<&str>) -> Api<DynamicObject> {
        match namespace {
            Some(namespace) => Api::namespaced_with(self.client.clone(), namespace, &self.resource),
            None => Api::all_with(self.client.clone(), &self.resource),
        }
    }

    pub(super) async fn bounded<T>(
        &self,
        request: impl Future<Output = Result<T, kube::Error>>,
    ) -> Result<T, ClusterError> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(result) => result.map_err(ClusterError::from),
            Err(_) => Err(ClusterError::unanswered(format!(
                "no answer from {} within {} s",
                self.server,
                self.timeout.as_secs()
            ))),
        }
    }

    /// The resource `namespace/name`, or `None` when there is none.
    pub async fn get(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<DynamicObject>, ClusterError> {
        self.bounded(self.api(Some(namespace)).get_opt(name)).await
    }

    /// One page of resources in `namespace` (every namespace when `None`); the page's
    /// `metadata.continue` leads to the next one.
    pub async fn list_page(
        &self,
        namespace: Option<&str>,
        limit: u32,
        continue_token: Option<String>,
    ) -> Result<ObjectList<DynamicObject>, ClusterError> {
        let mut params = ListParams::default().limit(limit);
        params.continue_token = continue_token;
        self.bounded(self.api(namespace).list(&params)).await
    }

    /// Server-side applies `body` (a whole resource) as field manager `monitor`. With
    /// `force`, fields another manager set are taken over instead of refused with 409.
    pub async fn apply(
        &self,
        namespace: &str,
        name: &str,
        body: &Value,
        force: bool,
    ) -> Result<DynamicObject, ClusterError> {
        let mut params = PatchParams::apply(FIELD_MANAGER);
        if force {
            params = params.force();
        }
        self.bounded(
            self.api(Some(namespace))
                .patch(name, &params, &Patch::Apply(body)),
        )
        .await
    }

    /// Deletes `namespace/name`; the controller's finalizer may keep it a while.
    pub async fn delete(&self, namespace: &str, name: &str) -> Result<Deletion, ClusterError> {
        let deleted = self
            .bounded(
                self.api(Some(namespace))
                    .delete(name, &DeleteParams::default()),
            )
            .await?;
        // The API answers with the object while finalizers hold it, with a Status once gone.
        Ok(match deleted.left() {
            Some(object) if object.metadata.deletion_timestamp.is_some() => {
                Deletion::Pending(Box::new(object))
            }
            _ => Deletion::Gone,
        })
    }

    /// Every change to the resources monitor watches (the configured namespaces, or all):
    /// a relist first, then events, resumed from the last resourceVersion after a dropped
    /// connection and relisted after 410 Gone, backing off while the API is down.
    pub fn watch(
        &self,
    ) -> BoxStream<'static, Result<watcher::Event<DynamicObject>, watcher::Error>> {
        if self.namespaces.is_empty() {
            return self.watch_in(None);
        }
        let streams = self
            .namespaces
            .iter()
            .map(|namespace| self.watch_in(Some(namespace)));
        futures::stream::select_all(streams).boxed()
    }

    /// Like [`Cluster::watch`], for one namespace (every namespace when `None`), so a
    /// relist's start and end belong to one scope.
    pub fn watch_in(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<watcher::Event<DynamicObject>, watcher::Error>> {
        watcher(self.api(namespace), watcher::Config::default())
            .default_backoff()
            .boxed()
    }
}

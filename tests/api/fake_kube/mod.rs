//! A fake Kubernetes API server for the one resource monitor uses (`RampartGraph`), for
//! machines where no real API server can run. It speaks the wire format kube-rs speaks:
//!
//! - get; list with `limit`/`continue` (pages from one snapshot) and a list
//!   `resourceVersion`; watch with `resourceVersion`, `allowWatchBookmarks` and
//!   `timeoutSeconds`, newline-delimited `ADDED`/`MODIFIED`/`DELETED`/`BOOKMARK`/`ERROR`
//!   events, and a 410 `Expired` ERROR event for a compacted version;
//! - server-side apply (`application/apply-patch+yaml`, `fieldManager`, `force`, conflicts
//!   as 409 with the API's message, `managedFields`) and JSON merge patch, on the resource
//!   and on its `/status` subresource; `metadata.generation` bumped by spec changes only;
//! - delete, held by finalizers (`deletionTimestamp` set) until they are removed;
//! - `Status` error bodies as apimachinery writes them; bearer-token authentication;
//!   RBAC-style refusals; the core service proxy path;
//! - faults: refuse the next N requests with a status, go down and come back on the
//!   same port, compact the history, expire every watch.
//!
//! Not served: discovery, label and field selectors, JSON patch, create (POST), update
//! (PUT): monitor uses none of them, and the fake says so with the API's own errors.
//! An optional fake controller ([`controller`]) writes status as the real one does.

pub mod controller;
mod fields;
mod http;
mod objects;
mod proxy;
mod status;
mod store;
mod watch;
mod writes;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::http::{HeaderMap, Method, Uri, header};
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::restartable::RestartableServer;
pub use controller::{ControllerConfig, Outcome};
use status::{GroupResource, Refusal};
pub use store::Resource;
use store::{Store, WatchItem};

/// A request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query.
    pub uri: String,
    pub content_type: Option<String>,
}

/// The next requests to refuse, optionally only those of one RBAC verb.
struct Refuse {
    code: u16,
    remaining: usize,
    verb: Option<String>,
    detail: Option<String>,
}

pub struct Shared {
    pub resource: Resource,
    pub token: String,
    pub user: String,
    store: Mutex<Store>,
    refusals: Mutex<VecDeque<Refuse>>,
    forbidden: Mutex<Vec<(String, Option<String>)>>,
    requests: Mutex<Vec<Recorded>>,
    services: Mutex<HashMap<(String, String, String), SocketAddr>>,
    /// When a watch first sent the change of each resourceVersion.
    emitted: Mutex<HashMap<u64, Instant>>,
    http: reqwest::Client,
}

fn services_resource() -> GroupResource {
    GroupResource {
        group: String::new(),
        resource: "services".into(),
    }
}

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().expect("store lock")
    }

    /// Notes that a watch is sending the change of `revision` now.
    fn emitting(&self, revision: u64) {
        self.emitted
            .lock()
            .expect("emitted lock")
            .entry(revision)
            .or_insert_with(Instant::now);
    }

    fn record(&self, method: &Method, uri: &Uri, headers: &HeaderMap) {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        self.requests.lock().expect("requests lock").push(Recorded {
            method: method.to_string(),
            uri: uri.to_string(),
            content_type,
        });
    }

    fn injected_refusal(&self, route: &http::Route, verb: &str) -> Option<Refusal> {
        let mut refusals = self.refusals.lock().expect("refusals lock");
        let index = refusals
            .iter()
            .position(|refuse| refuse.verb.as_deref().is_none_or(|only| only == verb))?;
        let refuse = &mut refusals[index];
        refuse.remaining -= 1;
        let (code, detail) = (refuse.code, refuse.detail.clone());
        if refuse.remaining == 0 {
            refusals.remove(index);
        }
        drop(refusals);
        Some(self.refusal_for(code, detail.as_deref(), route, verb))
    }

    /// The body the API server sends with `code` for this request.
    fn refusal_for(
        &self,
        code: u16,
        detail: Option<&str>,
        route: &http::Route,
        verb: &str,
    ) -> Refusal {
        let resource = self.resource.group_resource();
        let (namespace, name) = match route {
            http::Route::Object {
                namespace, name, ..
            } => (Some(namespace.as_str()), name.as_str()),
            http::Route::Collection { namespace } => (namespace.as_deref(), ""),
            http::Route::Proxy {
                namespace, service, ..
            } => (Some(namespace.as_str()), service.as_str()),
        };
        match code {
            401 => status::unauthorized(),
            403 => status::forbidden(
                &resource,
                &self.resource.plural,
                name,
                &self.user,
                verb,
                namespace,
            ),
            404 => status::not_found(&resource, name),
            409 => status::conflict(&resource, name),
            422 => status::invalid(
                &self.resource.kind,
                &self.resource.group,
                name,
                "spec.graph",
                "FieldValueInvalid",
                &format!(
                    "Invalid value: \"object\": {}",
                    detail.unwrap_or("refused by the admission policy")
                ),
            ),
            429 => status::too_many_requests(),
            503 => status::service_unavailable(
                detail.unwrap_or("the server is currently unable to handle the request"),
            ),
            504 => status::gateway_timeout(),
            _ => status::internal(detail.unwrap_or("etcdserver: request timed out")),
        }
    }

    fn is_forbidden(&self, verb: &str, namespace: Option<&str>) -> bool {
        self.forbidden
            .lock()
            .expect("forbidden lock")
            .iter()
            .any(|(denied, only)| {
                denied == verb && only.as_deref().is_none_or(|only| Some(only) == namespace)
            })
    }
}

/// A running fake API server.
pub struct FakeKube {
    pub shared: Arc<Shared>,
    server: RestartableServer,
    controller: Mutex<Option<JoinHandle<()>>>,
    controller_config: Arc<Mutex<ControllerConfig>>,
}

impl FakeKube {
    /// Serves `rampartgraphs.rampart.petuum.com/v1beta2` on a free loopback port.
    pub async fn start() -> FakeKube {
        FakeKube::serving(Resource {
            group: "rampart.petuum.com".into(),
            version: "v1beta2".into(),
            kind: "RampartGraph".into(),
            plural: "rampartgraphs".into(),
        })
        .await
    }

    pub async fn serving(resource: Resource) -> FakeKube {
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::new(resource.clone())),
            resource,
            token: format!("fake-token-{}", uuid::Uuid::new_v4().simple()),
            user: "system:serviceaccount:monitor:monitor".into(),
            refusals: Mutex::new(VecDeque::new()),
            forbidden: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            services: Mutex::new(HashMap::new()),
            emitted: Mutex::new(HashMap::new()),
            http: reqwest::Client::new(),
        });
        let router = axum::Router::new()
            .fallback(http::handle)
            .with_state(shared.clone());
        FakeKube {
            shared,
            server: RestartableServer::start(router).await,
            controller: Mutex::new(None),
            controller_config: Arc::new(Mutex::new(ControllerConfig::default())),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.server.address)
    }

    /// Writes a kubeconfig for this server (bearer token, namespace `default`) into `dir`.
    pub fn write_kubeconfig(&self, dir: &Path) -> PathBuf {
        let path = dir.join("kubeconfig");
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\n\
             contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: monitor\n    namespace: default\n\
             current-context: fake\nusers:\n- name: monitor\n  user:\n    token: {}\n",
            self.url(),
            self.shared.token
        );
        std::fs::write(&path, text).expect("write the kubeconfig");
        path
    }

    /// Answers the next `times` requests (of `verb` only, when given) with `code` and the
    /// `Status` body the API server sends with it; `detail` fills in its message.
    pub fn refuse(&self, code: u16, times: usize, verb: Option<&str>, detail: Option<&str>) {
        self.shared
            .refusals
            .lock()
            .expect("refusals lock")
            .push_back(Refuse {
                code,
                remaining: times,
                verb: verb.map(str::to_string),
                detail: detail.map(str::to_string),
            });
    }

    /// Refuses `verb` (in `namespace`, or anywhere) as RBAC would, until the end.
    pub fn forbid(&self, verb: &str, namespace: Option<&str>) {
        let rule = (verb.to_string(), namespace.map(str::to_string));
        self.shared
            .forbidden
            .lock()
            .expect("forbidden lock")
            .push(rule);
    }

    pub async fn go_down(&self) {
        self.server.go_down().await;
    }

    pub async fn come_back(&self) {
        self.server.come_back().await;
    }

    /// Drops the history: a watch or a continue token from before now gets 410.
    pub fn compact(&self) {
        self.shared.store().compact();
    }

    /// Ends every open watch with a 410 `Expired` ERROR event.
    pub fn expire_watches(&self) {
        self.shared.store().send(WatchItem::Expire);
    }

    /// Sends a BOOKMARK at the current revision to watches that allow them.
    pub fn bookmark(&self) {
        let store = self.shared.store();
        store.send(WatchItem::Bookmark(store.revision()));
    }

    /// The stored object, as a GET would answer it.
    pub fn object(&self, namespace: &str, name: &str) -> Option<Value> {
        self.shared
            .store()
            .object(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// A JSON merge patch of `namespace/name`'s spec by `manager` (as `kubectl edit`
    /// writes), committed straight to the store: it works while the server is down.
    pub fn edit(&self, namespace: &str, name: &str, patch: &Value, manager: &str) -> Value {
        let key = (namespace.to_string(), name.to_string());
        self.shared
            .store()
            .merge_patch(&key, patch, manager, fields::Sub::Main)
            .expect("the edit is committed")
    }

    /// Server-side applies `spec` to `namespace/name` as `manager` (as `kubectl apply
    /// --server-side` does), committed straight to the store.
    pub fn apply_as(&self, namespace: &str, name: &str, spec: &Value, manager: &str) -> Value {
        let key = (namespace.to_string(), name.to_string());
        let body = serde_json::json!({
            "apiVersion": self.shared.resource.api_version(),
            "kind": self.shared.resource.kind,
            "metadata": {"name": name, "namespace": namespace},
            "spec": spec,
        });
        self.shared
            .store()
            .apply(&key, &body, manager, false, fields::Sub::Main)
            .expect("the apply is committed")
            .0
    }

    /// Deletes `namespace/name` as `kubectl delete` would (finalizers hold it a while).
    pub fn delete(&self, namespace: &str, name: &str) {
        let key = (namespace.to_string(), name.to_string());
        self.shared
            .store()
            .delete(&key)
            .expect("the delete is committed");
    }

    /// When a watch first sent the change that made `resourceVersion` `revision`.
    #[allow(dead_code, reason = "the apps benchmark times events from here")]
    pub fn emitted_at(&self, revision: u64) -> Option<Instant> {
        self.shared
            .emitted
            .lock()
            .expect("emitted lock")
            .get(&revision)
            .copied()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().expect("requests lock").clone()
    }

    /// Makes `namespace/name:port` a service whose proxy path reaches `upstream`.
    pub fn add_service(&self, namespace: &str, name: &str, port: &str, upstream: SocketAddr) {
        let key = (namespace.to_string(), name.to_string(), port.to_string());
        self.shared
            .services
            .lock()
            .expect("services lock")
            .insert(key, upstream);
    }

    /// Starts the fake controller (or changes how it behaves, when running).
    pub fn run_controller(&self, config: ControllerConfig) {
        *self.controller_config.lock().expect("controller config") = config;
        let mut running = self.controller.lock().expect("controller lock");
        if running.is_none() {
            *running = Some(controller::spawn(
                self.shared.clone(),
                self.controller_config.clone(),
            ));
        }
    }
}

impl Drop for FakeKube {
    fn drop(&mut self) {
        if let Some(task) = self.controller.lock().expect("controller lock").take() {
            task.abort();
        }
    }
}

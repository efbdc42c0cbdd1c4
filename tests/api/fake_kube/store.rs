//! The fake API server's storage, kept as etcd and the apiserver keep it: objects by
//! namespace and name, one revision counter for all of them (the `resourceVersion`), the
//! history of changes since the last compaction (what a watch resumes from), snapshots
//! for paged lists, and one broadcast every open watch listens to.
//!
//! Every write, from an HTTP request or from the fake controller, goes through here.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::fields::Entry;
use super::status::{self, GroupResource, Refusal};

pub type Key = (String, String);

/// History kept before the oldest changes are compacted away by themselves.
const HISTORY_LIMIT: usize = 50_000;
/// Paged lists whose snapshots are kept for their continue tokens.
const SNAPSHOT_LIMIT: usize = 16;

/// The resource the fake serves.
#[derive(Debug, Clone)]
pub struct Resource {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
}

impl Resource {
    pub fn api_version(&self) -> String {
        format!("{}/{}", self.group, self.version)
    }

    pub fn group_resource(&self) -> GroupResource {
        GroupResource {
            group: self.group.clone(),
            resource: self.plural.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

impl ChangeKind {
    pub fn wire(self) -> &'static str {
        match self {
            ChangeKind::Added => "ADDED",
            ChangeKind::Modified => "MODIFIED",
            ChangeKind::Deleted => "DELETED",
        }
    }
}

/// One committed change.
#[derive(Debug)]
pub struct Change {
    pub revision: u64,
    pub kind: ChangeKind,
    pub object: Value,
}

impl Change {
    pub fn namespace(&self) -> &str {
        self.object["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
    }
}

/// What open watches are sent.
#[derive(Debug)]
pub enum WatchItem {
    Change(Arc<Change>),
    /// Send a BOOKMARK at this revision to watches that allow them.
    Bookmark(u64),
    /// End every watch with a 410 `Expired` ERROR event, as a lagging watch cache does.
    Expire,
}

/// Where a watch starts.
pub struct WatchStart {
    pub initial: Vec<Arc<Change>>,
    pub receiver: broadcast::Receiver<Arc<WatchItem>>,
    /// Set when the version asked for is older than the history: the watch sends this
    /// as an ERROR event and ends.
    pub expired: Option<Refusal>,
}

pub struct Store {
    pub resource: Resource,
    pub(super) revision: u64,
    pub(super) objects: BTreeMap<Key, Value>,
    pub(super) managers: HashMap<Key, Vec<Entry>>,
    pub(super) history: VecDeque<Arc<Change>>,
    /// Changes at or below this revision are gone from the history.
    pub(super) compacted: u64,
    pub(super) snapshots: BTreeMap<u64, Arc<Vec<(Key, Value)>>>,
    pub(super) events: broadcast::Sender<Arc<WatchItem>>,
}

pub fn timestamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Store {
    pub fn new(resource: Resource) -> Store {
        Store {
            resource,
            revision: 1,
            objects: BTreeMap::new(),
            managers: HashMap::new(),
            history: VecDeque::new(),
            compacted: 0,
            snapshots: BTreeMap::new(),
            events: broadcast::channel(4096).0,
        }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WatchItem>> {
        self.events.subscribe()
    }

    pub fn send(&self, item: WatchItem) {
        let _ = self.events.send(Arc::new(item));
    }

    /// Drops the whole history: watches from any earlier version now get 410.
    pub fn compact(&mut self) {
        self.compacted = self.revision;
        self.history.clear();
        self.snapshots.clear();
    }

    pub fn keys(&self) -> Vec<Key> {
        self.objects.keys().cloned().collect()
    }

    pub fn object(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key)
    }

    pub fn get(&self, key: &Key) -> Result<Value, Refusal> {
        self.objects
            .get(key)
            .cloned()
            .ok_or_else(|| status::not_found(&self.resource.group_resource(), &key.1))
    }

    /// A list page: `limit` items at most, with a continue token while more remain,
    /// all pages of one list read from the same snapshot.
    pub fn list(
        &mut self,
        namespace: Option<&str>,
        limit: Option<usize>,
        continue_token: Option<&str>,
    ) -> Result<Value, Refusal> {
        let (revision, snapshot, start) = match continue_token {
            Some(token) => {
                let (revision, start) = decode_continue(token)?;
                let snapshot = self.snapshots.get(&revision).cloned().ok_or_else(|| {
                    status::expired(
                        "The provided continue parameter is too old to display a consistent list \
                         result. You can start a new list without the continue parameter.",
                    )
                })?;
                (revision, snapshot, Some(start))
            }
            None => {
                let all: Vec<(Key, Value)> = self
                    .objects
                    .iter()
                    .map(|(key, object)| (key.clone(), object.clone()))
                    .collect();
                (self.revision, Arc::new(all), None)
            }
        };
        let matching: Vec<&(Key, Value)> = snapshot
            .iter()
            .filter(|(key, _)| namespace.is_none_or(|namespace| key.0 == namespace))
            .filter(|(key, _)| start.as_ref().is_none_or(|start| etcd_key(key) > *start))
            .collect();
        let take = limit
            .filter(|limit| *limit > 0)
            .unwrap_or(usize::MAX)
            .min(matching.len());
        let items: Vec<Value> = matching[..take]
            .iter()
            .map(|(_, object)| object.clone())
            .collect();
        let mut metadata = json!({"resourceVersion": revision.to_string()});
        if take < matching.len() {
            let last = etcd_key(&matching[take - 1].0);
            metadata["continue"] = encode_continue(revision, &last).into();
            metadata["remainingItemCount"] = (matching.len() - take).into();
            self.snapshots.insert(revision, snapshot.clone());
            while self.snapshots.len() > SNAPSHOT_LIMIT {
                self.snapshots.pop_first();
            }
        }
        Ok(json!({
            "apiVersion": self.resource.api_version(),
            "kind": format!("{}List", self.resource.kind),
            "metadata": metadata,
            "items": items,
        }))
    }

    /// Where a watch from `resource_version` starts: every current object when it is
    /// unset or "0", the history after it otherwise, or 410 if that history is gone.
    pub fn watch(&self, resource_version: Option<&str>) -> Result<WatchStart, Refusal> {
        let receiver = self.events.subscribe();
        let from = match resource_version.filter(|version| !version.is_empty() && *version != "0") {
            None => {
                let initial = self
                    .objects
                    .values()
                    .map(|object| {
                        Arc::new(Change {
                            revision: revision_of(object),
                            kind: ChangeKind::Added,
                            object: object.clone(),
                        })
                    })
                    .collect();
                return Ok(WatchStart {
                    initial,
                    receiver,
                    expired: None,
                });
            }
            Some(version) => version.parse::<u64>().map_err(|_| {
                status::bad_request(format!("invalid resource version {version:?}"))
            })?,
        };
        let expired = (from < self.compacted).then(|| {
            status::expired(format!(
                "too old resource version: {from} ({})",
                self.compacted + 1
            ))
        });
        let initial = self
            .history
            .iter()
            .filter(|change| change.revision > from)
            .cloned()
            .collect();
        Ok(WatchStart {
            initial,
            receiver,
            expired,
        })
    }

    pub(super) fn commit(&mut self, key: &Key, kind: ChangeKind, mut object: Value) -> Value {
        self.revision += 1;
        object["metadata"]["resourceVersion"] = self.revision.to_string().into();
        match kind {
            ChangeKind::Deleted => {
                self.objects.remove(key);
                self.managers.remove(key);
            }
            _ => {
                self.objects.insert(key.clone(), object.clone());
            }
        }
        let change = Arc::new(Change {
            revision: self.revision,
            kind,
            object: object.clone(),
        });
        self.history.push_back(change.clone());
        while self.history.len() > HISTORY_LIMIT {
            if let Some(dropped) = self.history.pop_front() {
                self.compacted = dropped.revision;
            }
        }
        self.send(WatchItem::Change(change));
        object
    }
}

pub(super) fn revision_of(object: &Value) -> u64 {
    object["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|rv| rv.parse().ok())
        .unwrap_or(0)
}

/// The key a list is ordered by, as etcd orders `/registry/<group>/<plural>/<ns>/<name>`.
fn etcd_key(key: &Key) -> String {
    format!("{}/{}", key.0, key.1)
}

fn encode_continue(revision: u64, last_key: &str) -> String {
    use base64::Engine;
    let token = json!({"v": "meta.k8s.io/v1", "rv": revision, "start": format!("{last_key}\u{0}")});
    base64::engine::general_purpose::STANDARD.encode(token.to_string())
}

fn decode_continue(token: &str) -> Result<(u64, String), Refusal> {
    use base64::Engine;
    let invalid = || status::bad_request(format!("continue key is not valid: {token}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| invalid())?;
    let token: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let revision = token["rv"].as_u64().ok_or_else(invalid)?;
    let start = token["start"].as_str().ok_or_else(invalid)?;
    Ok((revision, start.trim_end_matches('\u{0}').to_string()))
}

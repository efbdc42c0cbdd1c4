//! The store: one SurrealDB connection, embedded (SurrealKV, RocksDB, memory) or remote
//! (`ws://`), reached through the same code path.
//!
//! Domains own their tables and queries; this module only opens the store, applies the
//! schema, guards the storage format version, offers the whole-store operations
//! (emptiness, nuke, reading and writing any table's records) that backup and restore
//! need, the helpers every domain's store code shares (record keys, what a failed
//! statement means, page requests, [`kept`] tables answering reads from memory), and
//! the lock that keeps a data directory to one monitor. Every call passes the
//! [`gate`], which refuses them all after a failed write until the engine is reopened;
//! the [`marker`] tells at start whether the store's files are the ones monitor last
//! closed, and after a crash [`wal`] reads the engine's log for damage before the
//! engine would cut it away.

mod failure;
mod format;
mod gate;
pub mod kept;
mod keys;
mod lifecycle;
mod lock;
pub mod marker;
pub mod page;
mod schema;
mod wal;

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use prometheus_client::metrics::counter::Counter;
use secrecy::ExposeSecret;
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::opt::auth::Root;

use crate::config::Settings;
use crate::error::{Error, Result};

pub use failure::{
    CONFLICT_ATTEMPTS, is_conflict, is_duplicate, pause_after_conflict, retry_conflicts,
};
pub use format::{CURRENT_FORMAT, FormatCheck, META_TABLE};
pub use gate::{Db, Query, Response};
pub use keys::record_key;
pub use lock::{DataDirLock, LOCK_FILE};

/// A cheap, cloneable handle on the store. Clones share one SurrealDB session: cloning
/// a `Surreal` handle opens a new session, whose state costs about 2 MiB, and every
/// request and websocket holds clones of the services (measured: 2.2 MiB per open
/// websocket before the handle was shared). monitor never changes session state after
/// connecting, so one session serves every concurrent query.
///
/// Every request sent through [`Store::db`] is counted (`monitor_store_round_trips_total`),
/// so a test or an operator can see what a query costs in round trips.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    /// The engine; `None` while it is being reopened.
    db: RwLock<Option<Arc<Surreal<Any>>>>,
    address: StoreAddress,
    url: Arc<str>,
    /// Why the store refuses every call, from its first failed write until reopened.
    failure: Mutex<Option<String>>,
    round_trips: Counter,
}

/// Where the store lives and how to sign in to it.
#[derive(Debug, Clone)]
pub struct StoreAddress {
    pub url: String,
    pub namespace: String,
    pub database: String,
    pub credentials: Option<(String, String)>,
    /// The backup to point to when the store is found damaged (the newest one).
    pub newest_backup: Option<String>,
}

impl StoreAddress {
    /// The address `serve` uses, from its settings.
    pub fn from_settings(settings: &Settings) -> StoreAddress {
        let credentials = match (&settings.db_username, &settings.db_password) {
            (Some(user), Some(password)) => {
                Some((user.clone(), password.expose_secret().to_string()))
            }
            _ => None,
        };
        StoreAddress {
            url: settings.store_url(),
            namespace: settings.db_namespace.clone(),
            database: settings.db_database.clone(),
            credentials,
            newest_backup: None,
        }
    }

    /// The embedded directory behind a `surrealkv://` or `rocksdb://` URL, if any.
    pub fn embedded_dir(&self) -> Option<std::path::PathBuf> {
        ["surrealkv://", "rocksdb://"]
            .iter()
            .find_map(|scheme| self.url.strip_prefix(scheme))
            .map(|path| std::path::PathBuf::from(path.split('?').next().unwrap_or(path)))
    }
}

impl Store {
    /// Connects (creating an embedded store's directory if needed) and selects the
    /// namespace and database. Does not touch the schema: see [`Store::prepare`].
    pub async fn connect(address: &StoreAddress) -> Result<Store> {
        let dir = address.embedded_dir();
        if let Some(dir) = &dir
            && let Some(what) = marker::damage(dir).or_else(|| wal::check(dir))
        {
            return Err(damaged(address, dir, &what));
        }
        let db = open(address).await?;
        if let Some(dir) = &dir
            && let Err(error) = marker::write(dir, false)
        {
            tracing::warn!(%error, "cannot record that the store is open");
        }
        Ok(Store {
            inner: Arc::new(Inner {
                db: RwLock::new(Some(Arc::new(db))),
                address: address.clone(),
                url: redact(&address.url).into(),
                failure: Mutex::new(None),
                round_trips: Counter::default(),
            }),
        })
    }
}

/// Connects to the engine (creating an embedded store's directory if needed) and
/// selects the namespace and database.
async fn open(address: &StoreAddress) -> Result<Surreal<Any>> {
    if let Some(dir) = address.embedded_dir()
        && let Some(parent) = dir.parent()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            Error::Internal(anyhow::Error::new(e).context(format!(
                "while creating the store directory {}",
                parent.display()
            )))
        })?;
    }
    let db = surrealdb::engine::any::connect(address.url.as_str())
        .await
        .map_err(|e| Error::Unavailable {
            component: "store",
            message: format!("cannot open {}: {e}", redact(&address.url)),
        })?;
    if let Some((username, password)) = &address.credentials {
        db.signin(Root {
            username: username.clone(),
            password: password.clone(),
        })
        .await?;
    }
    db.use_ns(address.namespace.clone())
        .use_db(address.database.clone())
        .await?;
    Ok(db)
}

impl Store {
    /// Runs `statements` in one transaction (statement 0 of the response is its
    /// `BEGIN`), with what `bind` binds; again, after a pause, while it conflicts with a
    /// concurrent one (up to [`CONFLICT_ATTEMPTS`] times). The last attempt's response,
    /// and its statements' errors.
    pub async fn transaction(
        &self,
        statements: &[&str],
        bind: impl Fn(gate::Query) -> gate::Query,
    ) -> Result<(
        gate::Response,
        std::collections::HashMap<usize, surrealdb::Error>,
    )> {
        let mut attempt = 1;
        loop {
            let mut query = self.db().query("BEGIN TRANSACTION");
            for statement in statements {
                query = query.query(*statement);
            }
            let mut response = bind(query.query("COMMIT TRANSACTION")).await?;
            let errors = response.take_errors();
            if attempt < CONFLICT_ATTEMPTS && errors.values().any(is_conflict) {
                pause_after_conflict(attempt).await;
                attempt += 1;
                continue;
            }
            return Ok((response, errors));
        }
    }

    /// Checks the storage format and applies the schema. A fresh store is stamped with
    /// the current format; a store from an incompatible version is refused.
    pub async fn prepare(&self) -> Result<()> {
        format::check(self).await?.into_result()?;
        schema::apply(self).await
    }

    /// Brings records just restored from a backup to the current shape: the backup may
    /// come from before some migrations, and does not say which.
    pub async fn migrate_restored(&self) -> Result<()> {
        schema::migrate_restored(self).await
    }

    /// A prepared store in memory, for unit tests of store code.
    #[cfg(test)]
    pub async fn in_memory() -> Store {
        let address = StoreAddress {
            url: "mem://".into(),
            namespace: "test".into(),
            database: "test".into(),
            credentials: None,
            newest_backup: None,
        };
        let store = Store::connect(&address).await.expect("an in-memory store");
        store.prepare().await.expect("the schema applies");
        store
    }

    /// The handle domain store modules query through; refused while the store is
    /// failed (see [`gate`]). Each query sent through it (which may hold several
    /// statements) counts as one round trip.
    pub fn db(&self) -> Db {
        let surreal = self.inner.db.read().ok().and_then(|db| db.clone());
        Db::new(surreal, self.clone())
    }

    /// The count of round trips so far, shared by every clone, for `/metrics`.
    pub fn round_trips(&self) -> Counter {
        self.inner.round_trips.clone()
    }

    /// Counts one query sent to the engine.
    fn count_round_trip(&self) {
        self.inner.round_trips.inc();
    }

    /// The records with these ids that exist, in no particular order.
    #[tracing::instrument(level = "debug", skip_all, fields(ids = ids.len()))]
    pub async fn find_many<T: surrealdb::types::SurrealValue>(
        &self,
        ids: Vec<surrealdb::types::RecordId>,
    ) -> Result<Vec<T>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut response = self
            .db()
            .query("SELECT * FROM $ids")
            .bind(("ids", ids))
            .await?;
        Ok(response.take(0)?)
    }

    /// The record with this id, if it exists.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn find<T: surrealdb::types::SurrealValue>(
        &self,
        id: surrealdb::types::RecordId,
    ) -> Result<Option<T>> {
        let mut response = self
            .db()
            .query("SELECT * FROM ONLY $id")
            .bind(("id", id))
            .await?;
        Ok(response.take(0)?)
    }

    /// The store URL with any password removed, for logs and health messages.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// One trivial round trip, timed; what `health` reports for the store.
    pub async fn ping(&self) -> Result<Duration> {
        let started = Instant::now();
        self.db().query("RETURN 1").await?.check()?;
        Ok(started.elapsed())
    }

    /// Names of the tables that exist in the database.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tables(&self) -> Result<Vec<String>> {
        let mut response = self
            .db()
            .query("RETURN object::keys((INFO FOR DB).tables)")
            .await?;
        let mut tables: Vec<String> = response.take(0)?;
        tables.sort();
        Ok(tables)
    }

    /// True when no table holds a record (a fresh store or one just nuked).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn is_empty(&self) -> Result<bool> {
        for table in self.tables().await? {
            if table == format::META_TABLE {
                continue;
            }
            let mut response = self
                .db()
                .query("SELECT VALUE id FROM type::table($table) LIMIT 1")
                .bind(("table", table))
                .await?;
            let any: Vec<surrealdb::types::RecordId> = response.take(0)?;
            if !any.is_empty() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Up to `limit` records of a table in id order, after the given id: a page of a
    /// whole-store export.
    #[tracing::instrument(level = "debug", skip_all, fields(table = table, limit = limit))]
    pub async fn read_records(
        &self,
        table: &str,
        after: Option<&surrealdb::types::RecordId>,
        limit: i64,
    ) -> Result<Vec<surrealdb::types::Value>> {
        let statement = match after {
            Some(_) => {
                "SELECT * FROM type::table($table) WHERE id > $after ORDER BY id LIMIT $limit"
            }
            None => "SELECT * FROM type::table($table) ORDER BY id LIMIT $limit",
        };
        let mut response = self
            .db()
            .query(statement)
            .bind(("table", table.to_string()))
            .bind(("after", after.cloned()))
            .bind(("limit", limit))
            .await?;
        Ok(response.take(0)?)
    }

    /// Creates records as they are, each under its own id, in one transaction: a batch
    /// of a restore.
    #[tracing::instrument(level = "debug", skip_all, fields(records = records.len()))]
    pub async fn create_records(&self, records: Vec<surrealdb::types::Value>) -> Result<()> {
        self.db()
            .query("BEGIN TRANSACTION; FOR $record IN $records { CREATE $record.id CONTENT $record RETURN NONE; }; COMMIT TRANSACTION;")
            .bind(("records", records))
            .await?
            .check()?;
        Ok(())
    }

    /// Removes every table, records and definitions alike.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn remove_everything(&self) -> Result<()> {
        for table in self.tables().await? {
            // REMOVE TABLE takes no parameter, so the name is formatted in; it comes from
            // the store's own catalogue and must be a plain identifier to get this far.
            if !table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(Error::Internal(anyhow::anyhow!(
                    "unexpected table name {table:?}"
                )));
            }
            self.db()
                .query(format!("REMOVE TABLE IF EXISTS `{table}`"))
                .await?
                .check()?;
        }
        Ok(())
    }
}

/// The refusal of a damaged store (a file changed since monitor last stopped, a damaged
/// record in its log, damage the engine reported), with the ways out.
fn damaged(address: &StoreAddress, dir: &std::path::Path, what: &str) -> Error {
    let data_dir = dir.parent().unwrap_or(dir).display().to_string();
    let restore = match &address.newest_backup {
        Some(backup) => format!(
            "restore the newest backup: `monitor db nuke --data-dir {data_dir} --yes && \
             monitor restore --data-dir {data_dir} {backup}`"
        ),
        None => format!(
            "restore your last backup: `monitor db nuke --data-dir {data_dir} --yes && \
             monitor restore --data-dir {data_dir} FILE` (no scheduled backup was found)"
        ),
    };
    Error::Unavailable {
        component: "store",
        message: format!(
            "the store at {} is damaged: {what}. monitor will not serve it. Either {restore}, \
             or start with an empty store: `monitor db nuke --data-dir {data_dir}`",
            dir.display()
        ),
    }
}

/// Strips `user:password@` from a URL so it can be logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_a_store_url_are_redacted() {
        assert_eq!(redact("ws://root:secret@db:8000"), "ws://***@db:8000");
        assert_eq!(
            redact("surrealkv://./data/store"),
            "surrealkv://./data/store"
        );
    }

    #[test]
    fn embedded_urls_name_their_directory() {
        let address = StoreAddress {
            url: "surrealkv:///var/lib/monitor/store?sync=every".into(),
            namespace: "n".into(),
            database: "d".into(),
            credentials: None,
            newest_backup: None,
        };
        assert_eq!(
            address.embedded_dir(),
            Some(std::path::PathBuf::from("/var/lib/monitor/store"))
        );
    }
}

//! Every store call passes here: while the store is failed it is refused, and every
//! result is read for the engine's I/O failures.
//!
//! A write that fails on a full disk can leave SurrealKV's write-ahead log with a record
//! header and no record: later commits are acknowledged behind it, and the engine's
//! recovery cuts the log there at the next start, losing them (docs/storage.md). So the
//! first I/O failure puts the store in a failed state: every call answers `UNAVAILABLE`
//! with the cause until [`super::Store`] has reopened the engine, whose recovery repairs
//! the log before anything else is written.

use std::collections::HashMap;
use std::future::IntoFuture;
use std::sync::Arc;

use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::method::IntoVariables;
use surrealdb::types::SurrealValue;

use super::Store;

/// A store handle for one call: `store.db().query(…).bind(…).await`.
pub struct Db {
    surreal: Option<Arc<Surreal<Any>>>,
    store: Store,
}

type EngineQuery<'a> = surrealdb::method::Query<'a, Any>;
/// A statement or a binding, applied to the engine's query in the order given.
type Step = Box<dyn for<'a> FnOnce(EngineQuery<'a>) -> EngineQuery<'a> + Send>;

impl Db {
    pub(super) fn new(surreal: Option<Arc<Surreal<Any>>>, store: Store) -> Db {
        Db { surreal, store }
    }

    pub fn query(&self, query: impl Into<String>) -> Query {
        Query {
            surreal: self.surreal.clone(),
            first: query.into(),
            steps: Vec::new(),
            invalid: None,
            store: self.store.clone(),
        }
    }
}

/// A query being built; it runs when awaited, and is refused then if the store failed.
pub struct Query {
    surreal: Option<Arc<Surreal<Any>>>,
    first: String,
    steps: Vec<Step>,
    /// A binding that could not be turned into variables.
    invalid: Option<surrealdb::Error>,
    store: Store,
}

impl Query {
    /// Appends statements, as the engine's `query` does.
    pub fn query(mut self, more: impl Into<String>) -> Query {
        let more = more.into();
        self.steps.push(Box::new(move |query| query.query(more)));
        self
    }

    pub fn bind(mut self, bindings: impl IntoVariables) -> Query {
        // Turned into the engine's variables now: what callers bind need not be `Send`.
        match bindings.into_variables() {
            Ok(variables) => self
                .steps
                .push(Box::new(move |query| query.bind(variables))),
            Err(error) => self.invalid = Some(error),
        }
        self
    }
}

impl IntoFuture for Query {
    type Output = Result<Response, surrealdb::Error>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            if let Some(refusal) = self.store.refusal() {
                return Err(refusal);
            }
            if let Some(invalid) = self.invalid {
                return Err(invalid);
            }
            let surreal = self
                .surreal
                .ok_or_else(|| refused("the store is being reopened"))?;
            let mut query = surreal.query(self.first);
            for step in self.steps {
                query = step(query);
            }
            self.store.count_round_trip();
            let mut results = query.await.map_err(|error| self.store.observe(error))?;
            let mut errors = results.take_errors();
            let mut failed = false;
            for error in errors.values() {
                failed |= self.store.observe_ref(error);
            }
            if failed {
                // Every statement of a failed write reports its own error; the caller
                // is told the store failed, whichever statement it reads.
                for error in errors.values_mut() {
                    if let Some(refusal) = self.store.refusal() {
                        *error = refusal;
                    }
                }
            }
            Ok(Response {
                results,
                errors,
                store: self.store,
            })
        })
    }
}

/// A query's results, with its statements' errors held back so they could be read.
pub struct Response {
    results: surrealdb::IndexedResults,
    errors: HashMap<usize, surrealdb::Error>,
    store: Store,
}

impl Response {
    /// The result of statement `index`, as [`surrealdb::IndexedResults::take`].
    pub fn take<R>(&mut self, index: usize) -> Result<R, surrealdb::Error>
    where
        R: SurrealValue,
        usize: surrealdb::opt::QueryResult<R>,
    {
        if let Some(error) = self.errors.remove(&index) {
            return Err(error);
        }
        self.results
            .take(index)
            .map_err(|error| self.store.observe(error))
    }

    /// How many statements the query ran.
    pub fn statements(&self) -> usize {
        self.results.num_statements()
    }

    /// Every statement's error, by statement, as the engine's `take_errors`.
    pub fn take_errors(&mut self) -> HashMap<usize, surrealdb::Error> {
        std::mem::take(&mut self.errors)
    }

    /// The first statement's error, if any statement failed.
    pub fn check(mut self) -> Result<Self, surrealdb::Error> {
        match self.errors.keys().min().copied() {
            Some(first) => Err(self
                .errors
                .remove(&first)
                .unwrap_or_else(|| refused("failed"))),
            None => Ok(self),
        }
    }
}

/// An error that tells its caller the store is unavailable (`UNAVAILABLE`).
pub(super) fn refused(message: &str) -> surrealdb::Error {
    surrealdb::Error::connection(message.to_string(), None)
}

/// How the store failed, as an engine error says.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Failed {
    /// A write the disk refused: reopening the engine once the disk takes writes
    /// again makes it whole.
    Io(String),
    /// The engine found its own files damaged (a checksum that fails, a table it
    /// cannot read), as it said: nothing monitor does makes them whole.
    Damaged(String),
}

/// How the store failed, if `message` (an engine error) says it did.
pub(super) fn failure_in(message: &str) -> Option<Failed> {
    // SurrealKV's reports of its own damage, as they reach monitor: after "a
    // transaction: " (the datastore's wrapping), so a user's value quoted in another
    // error cannot pass for one.
    const DAMAGE: [&str; 8] = [
        "transaction: Corrupted block",
        "transaction: Corrupted table metadata",
        "transaction: Invalid table format",
        "transaction: Data corruption detected",
        "transaction: Manifest corruption detected",
        "transaction: WAL corruption",
        "transaction: WAL error: Corruption error",
        "transaction: SSTable error",
    ];
    if DAMAGE.iter().any(|sign| message.contains(sign)) {
        return Some(Failed::Damaged(message.to_string()));
    }
    io_failure(message).map(Failed::Io)
}

/// The cause of an I/O failure the engine reported in `message`, if it is one.
fn io_failure(message: &str) -> Option<String> {
    const SIGNS: [&str; 5] = [
        "No space left on device",
        "Read-only file system",
        "Input/output error",
        "WAL error",
        "IO error",
    ];
    if !SIGNS.iter().any(|sign| message.contains(sign)) {
        return None;
    }
    let cause = if message.contains("No space left on device") {
        "disk full"
    } else {
        "the disk refused a write"
    };
    Some(format!(
        "{cause}: a store write failed ({message}); nothing is acknowledged until monitor \
         has reopened the store"
    ))
}

#[cfg(test)]
mod tests {
    use super::{Failed, failure_in, io_failure};

    #[test]
    fn a_full_disk_is_named_as_such_and_other_errors_are_not_failures() {
        let full = "Cannot COMMIT: There was a problem with a transaction: WAL error: IO error: \
                    kind=no storage space, message=No space left on device (os error 28)";
        assert!(io_failure(full).is_some_and(|cause| cause.starts_with("disk full")));
        assert!(io_failure("Database record `user:x` already exists").is_none());
        assert!(io_failure("The query was not executed due to a failed transaction").is_none());
    }

    #[test]
    fn the_engine_s_report_of_a_damaged_table_is_damage_and_a_quoted_one_is_not() {
        let report = "There was a problem with a transaction: Corrupted block: checksum mismatch";
        assert_eq!(
            failure_in(report),
            Some(Failed::Damaged(report.to_string()))
        );
        let quoted = "Database record `stack:⟨Corrupted block⟩` already exists";
        assert_eq!(failure_in(quoted), None);
    }
}

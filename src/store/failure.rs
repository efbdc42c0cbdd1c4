//! What a failed statement means: a value already taken, or a write that lost a race
//! with another transaction and may simply run again.

/// Whether a write failed because what it creates already exists: a record id that is
/// taken, or a value a unique index already holds.
///
/// The store says so by the error's kind for a record id (`AlreadyExists`). SurrealDB
/// 3.3 reports a unique-index entry that is taken with the `Internal` kind and no
/// details (its `IndexExists` error is mapped to `Internal`), so for those, and only for
/// those, the message is the mark; the test below pins its wording against the engine.
pub fn is_duplicate(error: &surrealdb::Error) -> bool {
    error.is_already_exists()
        || (error.is_internal() && error.message().contains("already contains"))
}

/// Whether a transaction failed because another one changed what it touched; it
/// changed nothing and can be run again.
pub fn is_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&surrealdb::types::QueryError::TransactionConflict)
}

/// How often a write that lost a race with a concurrent transaction is tried.
///
/// The store is optimistic: a transaction that touched a record another one changed
/// meanwhile fails as a conflict having changed nothing, so such a write is simply run
/// again, a few times, before its failure reaches the user.
pub const CONFLICT_ATTEMPTS: u32 = 10;

/// Waits before the next attempt of a write that conflicted. A random pause, growing
/// with each attempt, keeps racing writers from meeting again.
pub async fn pause_after_conflict(attempt: u32) {
    tracing::debug!(
        attempt,
        "a write conflicted with another transaction; retrying"
    );
    let pause = rand::random_range(1..=u64::from(attempt) * 4);
    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
}

/// Runs `write` until it does not conflict with another transaction, at most
/// [`CONFLICT_ATTEMPTS`] times, pausing between attempts.
pub async fn retry_conflicts<T, Write, Done>(mut write: Write) -> Result<T, surrealdb::Error>
where
    Write: FnMut() -> Done,
    Done: std::future::Future<Output = Result<T, surrealdb::Error>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(error) if attempt < CONFLICT_ATTEMPTS && is_conflict(&error) => {
                pause_after_conflict(attempt).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    async fn failure(store: &Store, statement: &str) -> surrealdb::Error {
        store
            .db()
            .query(statement)
            .await
            .expect("the request runs")
            .check()
            .err()
            .expect("the statement fails")
    }

    #[tokio::test]
    async fn a_taken_record_id_and_a_taken_unique_value_are_duplicates() {
        let store = Store::in_memory().await;
        store
            .db()
            .query("CREATE user:one SET username = 'alice'")
            .await
            .expect("created")
            .check()
            .expect("created");

        let taken_id = failure(&store, "CREATE user:one SET username = 'bob'").await;
        let taken_name = failure(&store, "CREATE user:two SET username = 'alice'").await;
        let other = failure(&store, "THROW 'something else'").await;

        assert!(is_duplicate(&taken_id), "{taken_id:?}");
        assert!(is_duplicate(&taken_name), "{taken_name:?}");
        assert!(!is_duplicate(&other), "{other:?}");
    }
}

//! The credit_account and credit_entry tables. Every movement changes the account and
//! writes its entry in one transaction, so the balance is always the entries' sum.

use surrealdb::types::{RecordId, SurrealValue};

use super::model::{CreditMovement, EntryRow};
use crate::error::Result;
use crate::store::Store;

pub fn account_id(user_id: &str) -> RecordId {
    RecordId::new("credit_account", user_id.to_string())
}

pub fn entry_id(key: &str) -> RecordId {
    RecordId::new("credit_entry", key.to_string())
}

/// A movement, bound as `$credit` for [`APPLY`].
#[derive(Debug, Clone, SurrealValue)]
pub struct Movement {
    pub account: RecordId,
    pub entry: RecordId,
    pub user_id: String,
    pub movement: CreditMovement,
    pub amount: i64,
    pub measurement_id: Option<String>,
    pub probe_id: Option<String>,
    pub note: Option<String>,
}

impl Movement {
    pub fn new(user_id: &str, movement: CreditMovement, amount: i64) -> Movement {
        Movement {
            account: account_id(user_id),
            entry: entry_id(&ulid::Ulid::new().to_string()),
            user_id: user_id.to_string(),
            movement,
            amount,
            measurement_id: None,
            probe_id: None,
            note: None,
        }
    }
}

/// What a movement that would take a balance below zero throws.
pub const SHORT: &str = "credits short";

/// Applies `$credit` (a [`Movement`]): the balance changes and the entry is written;
/// a movement that would take the balance below zero throws [`SHORT`] instead. Runs in
/// a transaction.
pub const APPLY: &str = "\
    LET $before = (SELECT VALUE balance FROM ONLY $credit.account) ?? 0; \
    IF $before + $credit.amount < 0 { THROW 'credits short' }; \
    UPSERT ONLY $credit.account SET balance = $before + $credit.amount RETURN NONE; \
    CREATE ONLY $credit.entry CONTENT { \
        user_id: $credit.user_id, movement: $credit.movement, amount: $credit.amount, \
        balance_after: $before + $credit.amount, measurement_id: $credit.measurement_id, \
        probe_id: $credit.probe_id, note: $credit.note, at: time::now() \
    } RETURN NONE";

/// Gives back, inside the caller's transaction, what the measurement row in `$ended`
/// did not use, as the movement `$release` with its amount filled in; nothing when
/// `$ended` is NONE (the measurement had ended before) or used all it reserved.
pub fn release_unused() -> String {
    format!(
        "LET $credit = {{ account: $release.account, entry: $release.entry, \
           user_id: $release.user_id, movement: $release.movement, \
           amount: ($ended.credits_reserved ?? 0) - ($ended.credits_used ?? 0), \
           measurement_id: $release.measurement_id, probe_id: NONE, note: NONE }}; \
         IF $credit.amount > 0 {{ {APPLY} }}"
    )
}

/// Whether a movement was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// The balance was too low; nothing changed.
    Short,
}

/// Applies one movement on its own.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn apply(store: &Store, movement: Movement) -> Result<Applied> {
    let (_, errors) = store
        .transaction(&[APPLY], |query| query.bind(("credit", movement.clone())))
        .await?;
    if errors.values().any(|error| error.message().contains(SHORT)) {
        return Ok(Applied::Short);
    }
    match errors.into_values().next() {
        Some(error) => Err(error.into()),
        None => Ok(Applied::Done),
    }
}

#[derive(SurrealValue)]
struct Account {
    balance: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn balance(store: &Store, user_id: &str) -> Result<i64> {
    let account: Option<Account> = store.find(account_id(user_id)).await?;
    Ok(account.map_or(0, |account| account.balance))
}

/// A user's entries, newest first, after the given id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn entries(
    store: &Store,
    user_id: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<EntryRow>> {
    // Ids are ULIDs, all below this one.
    let after = after.unwrap_or("ZZZZZZZZZZZZZZZZZZZZZZZZZZ");
    let mut response = store
        .db()
        .query(
            "SELECT * FROM credit_entry WHERE user_id = $user AND id < $after \
             ORDER BY id DESC LIMIT $limit",
        )
        .bind(("user", user_id.to_string()))
        .bind(("after", entry_id(after)))
        .bind(("limit", limit as i64))
        .await?;
    Ok(response.take(0)?)
}

/// The sum of a user's entries, which the balance always equals.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ledger_sum(store: &Store, user_id: &str) -> Result<i64> {
    let mut response = store
        .db()
        .query("SELECT VALUE math::sum(amount) FROM credit_entry WHERE user_id = $user GROUP ALL")
        .bind(("user", user_id.to_string()))
        .await?;
    let sums: Vec<i64> = response.take(0)?;
    Ok(sums.first().copied().unwrap_or(0))
}

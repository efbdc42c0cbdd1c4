//! What the credit ledger holds: one account per user (its balance) and one entry per
//! movement, so the balance is always the sum of the user's entries.

use async_graphql::{Enum, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::store::record_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, SurrealValue)]
#[surreal(untagged, rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CreditMovement {
    /// An admin gave credits.
    Grant,
    /// A measurement's quote, set aside when it was created.
    Reservation,
    /// What a measurement did not use (results never delivered), given back at its end.
    Release,
    /// A probe owner's pay for an hour of a probe connected.
    Earning,
}

/// One movement as stored.
#[derive(Debug, Clone, SurrealValue)]
pub struct EntryRow {
    pub id: RecordId,
    pub user_id: String,
    pub movement: CreditMovement,
    /// Added to the balance (negative: taken from it).
    pub amount: i64,
    pub balance_after: i64,
    pub measurement_id: Option<String>,
    pub probe_id: Option<String>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// One movement of a user's credits.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct CreditEntry {
    pub id: ID,
    pub movement: CreditMovement,
    /// Added to the balance; negative when taken from it.
    pub amount: i64,
    /// The balance right after it.
    pub balance_after: i64,
    pub measurement_id: Option<ID>,
    pub probe_id: Option<ID>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    #[graphql(skip)]
    pub user_id: String,
}

impl EntryRow {
    pub fn to_entry(&self) -> CreditEntry {
        CreditEntry {
            id: ID(record_key(&self.id)),
            movement: self.movement,
            amount: self.amount,
            balance_after: self.balance_after,
            measurement_id: self.measurement_id.clone().map(ID),
            probe_id: self.probe_id.clone().map(ID),
            note: self.note.clone(),
            at: self.at,
            user_id: self.user_id.clone(),
        }
    }
}

/// A user's credits now.
#[derive(Debug, Clone, SimpleObject)]
pub struct CreditBalance {
    pub user_id: ID,
    /// What can be spent: grants and earnings, less what running measurements reserve
    /// and what finished ones used.
    pub balance: i64,
}

#[derive(Debug, Clone, InputObject)]
pub struct GrantCreditsInput {
    pub user_id: ID,
    /// 1 to 1,000,000,000.
    pub amount: i64,
    /// Why, for the ledger.
    pub note: Option<String>,
}

//! Credits: every user has a balance, and every movement of it is an entry in the
//! ledger, written in the same transaction as the balance changes, so the balance is
//! always the sum of the user's entries. Measurements reserve their quote when created
//! and give back what they did not use when they end; probe owners earn per hour their
//! probe is connected (not per result, so nobody farms credits measuring from their own
//! probe); admins grant. Each movement is published on the bus as it is made, so a
//! user's page follows their balance live.

pub mod graphql;
mod model;
mod store;

pub use model::{CreditBalance, CreditEntry, CreditMovement, GrantCreditsInput};

use crate::audit::{Actor, AuditKind, AuditLog, AuditSubjectType};
use crate::bus::{Bus, Topic};
use crate::error::{Error, Result};
use crate::store::Store;
use store::{Applied, Movement};

/// Each movement of anyone's credits, as its ledger entry (with the balance after it).
impl Topic for CreditEntry {
    const NAME: &'static str = "credit movements";
}

/// The most one grant gives.
const MAX_GRANT: i64 = 1_000_000_000;
const MAX_NOTE: usize = 500;

#[derive(Clone)]
pub struct Credits {
    store: Store,
    audit: AuditLog,
    bus: Bus,
    /// Movements go one at a time in this process: they are rare (a measurement's
    /// start and end, a grant, an hour of a probe), and racing on one account only makes
    /// transactions conflict and retry. Another process's are still kept apart by the
    /// store's transactions.
    one_at_a_time: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Credits {
    pub fn new(store: Store, audit: AuditLog, bus: Bus) -> Credits {
        Credits {
            store,
            audit,
            bus,
            one_at_a_time: Default::default(),
        }
    }

    async fn apply(&self, movement: Movement) -> Result<Applied> {
        let _turn = self.one_at_a_time.lock().await;
        let entry = movement.entry.clone();
        let applied = store::apply(&self.store, movement).await?;
        if applied == Applied::Done {
            // Published in turn, so subscribers see one user's movements in order.
            self.publish(entry).await;
        }
        Ok(applied)
    }

    /// Publishes the movement whose entry is `entry`, if it was made.
    async fn publish(&self, entry: surrealdb::types::RecordId) {
        match self.store.find::<model::EntryRow>(entry).await {
            Ok(Some(row)) => self.bus.publish(row.to_entry()),
            Ok(None) => {}
            // The movement is made: only its live notice is lost, and the ledger has it.
            Err(error) => tracing::warn!(%error, "cannot read a credit movement to publish it"),
        }
    }

    pub async fn balance(&self, user_id: &str) -> Result<CreditBalance> {
        Ok(CreditBalance {
            user_id: async_graphql::ID(user_id.to_string()),
            balance: store::balance(&self.store, user_id).await?,
        })
    }

    /// A user's movements, newest first.
    pub async fn ledger(
        &self,
        user_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CreditEntry>> {
        let rows = store::entries(&self.store, user_id, after, limit).await?;
        Ok(rows.iter().map(|row| row.to_entry()).collect())
    }

    /// Gives a user credits; audited.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, target = %input.user_id.as_str()))]
    pub async fn grant(&self, actor: &Actor, input: GrantCreditsInput) -> Result<CreditBalance> {
        if !(1..=MAX_GRANT).contains(&input.amount) {
            return Err(Error::bad_input(
                &["input", "amount"],
                format!(
                    "amount must be between 1 and {MAX_GRANT} (got {})",
                    input.amount
                ),
            ));
        }
        let note = input.note.map(|note| note.trim().to_string());
        if note.as_ref().is_some_and(|note| note.len() > MAX_NOTE) {
            return Err(Error::bad_input(
                &["input", "note"],
                format!("a note is at most {MAX_NOTE} bytes"),
            ));
        }
        let user_id = input.user_id.to_string();
        let mut movement = Movement::new(&user_id, CreditMovement::Grant, input.amount);
        movement.note = note;
        self.apply(movement).await?;
        let event = self
            .audit
            .event(
                AuditKind::CreditsGranted,
                actor,
                format!("granted {} credits", input.amount),
            )
            .about(AuditSubjectType::User, Some(&user_id), None);
        self.audit.append(event).await?;
        self.balance(&user_id).await
    }

    /// Sets a measurement's quote aside; a short balance is refused with what is needed
    /// and what is there, and nothing is reserved.
    pub async fn reserve(&self, user_id: &str, amount: i64, measurement_id: &str) -> Result<()> {
        let mut movement = Movement::new(user_id, CreditMovement::Reservation, -amount);
        movement.measurement_id = Some(measurement_id.to_string());
        match self.apply(movement).await? {
            Applied::Done => Ok(()),
            Applied::Short => {
                let available = store::balance(&self.store, user_id).await?;
                Err(Error::bad_input(
                    &["input"],
                    format!(
                        "this measurement costs {amount} credits and the balance is {available}: \
                         {} more are needed (ask an admin to grant credits, or measure less)",
                        amount - available
                    ),
                ))
            }
        }
    }

    /// Gives back what a measurement did not use.
    pub async fn release(&self, user_id: &str, amount: i64, measurement_id: &str) -> Result<()> {
        if amount <= 0 {
            return Ok(());
        }
        let mut movement = Movement::new(user_id, CreditMovement::Release, amount);
        movement.measurement_id = Some(measurement_id.to_string());
        self.apply(movement).await.map(drop)
    }

    /// What gives back a measurement's unused credits in the transaction that ends it.
    pub fn unused_release(&self, user_id: &str, measurement_id: &str) -> UnusedRelease {
        let mut movement = Movement::new(user_id, CreditMovement::Release, 0);
        movement.measurement_id = Some(measurement_id.to_string());
        UnusedRelease { movement }
    }

    /// Pays a probe's owner for time connected.
    pub async fn earn(&self, owner_id: &str, amount: i64, probe_id: &str) -> Result<()> {
        let mut movement = Movement::new(owner_id, CreditMovement::Earning, amount);
        movement.probe_id = Some(probe_id.to_string());
        self.apply(movement).await.map(drop)
    }

    /// The sum of a user's ledger, which the balance always equals.
    pub async fn ledger_sum(&self, user_id: &str) -> Result<i64> {
        store::ledger_sum(&self.store, user_id).await
    }
}

/// The release of what a measurement did not use, written in the transaction that ends
/// it: the end and the release are stored together or not at all, so a failed end
/// leaves the reservation whole for the next attempt, and a written end has always
/// given the rest back.
pub struct UnusedRelease {
    movement: Movement,
}

impl Credits {
    /// Publishes the release once the end that holds it is written (nothing when the
    /// measurement used all it reserved, or had ended before).
    pub async fn released(&self, release: &UnusedRelease) {
        self.publish(release.movement.entry.clone()).await;
    }
}

impl UnusedRelease {
    /// Statements to run after one that sets `$ended` to the ended measurement's row
    /// (NONE when it had ended before): they give back its reserve minus its use.
    pub fn statements() -> String {
        store::release_unused()
    }

    pub fn bind(&self, query: crate::store::Query) -> crate::store::Query {
        query.bind(("release", self.movement.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::Bus;

    #[tokio::test]
    async fn the_balance_equals_the_ledger_sum_under_concurrent_movements() {
        let store = Store::in_memory().await;
        let credits = Credits::new(
            store.clone(),
            AuditLog::new(store.clone(), Bus::new()),
            Bus::new(),
        );
        // A second service on the same store, as a second monitor would be: its movements
        // race with the first one's in the store's transactions.
        let other = Credits::new(store.clone(), AuditLog::new(store, Bus::new()), Bus::new());
        let admin = Actor::system();
        let grant = |amount| GrantCreditsInput {
            user_id: async_graphql::ID("alice".into()),
            amount,
            note: None,
        };
        credits.grant(&admin, grant(100)).await.unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..40 {
            let credits = if n % 2 == 0 { &credits } else { &other }.clone();
            tasks.spawn(async move {
                let measurement = format!("m{n}");
                match n % 4 {
                    0 => credits.earn("alice", 3, "p1").await.map(|()| true),
                    1 => credits
                        .release("alice", 2, &measurement)
                        .await
                        .map(|()| true),
                    _ => match credits.reserve("alice", 7, &measurement).await {
                        Ok(()) => Ok(true),
                        Err(Error::BadInput { .. }) => Ok(false),
                        Err(other) => Err(other),
                    },
                }
            });
        }
        let mut refused = 0;
        while let Some(outcome) = tasks.join_next().await {
            if !outcome.unwrap().unwrap() {
                refused += 1;
            }
        }
        let balance = credits.balance("alice").await.unwrap().balance;
        assert_eq!(balance, credits.ledger_sum("alice").await.unwrap());
        assert!(balance >= 0, "never below zero: {balance}");
        let entries = credits.ledger("alice", None, 100).await.unwrap();
        assert_eq!(entries.len(), 41 - refused, "one entry per movement made");
    }

    #[tokio::test]
    async fn a_short_balance_says_what_is_needed_and_reserves_nothing() {
        let store = Store::in_memory().await;
        let credits = Credits::new(store.clone(), AuditLog::new(store, Bus::new()), Bus::new());
        credits.earn("bob", 5, "p1").await.unwrap();
        let refused = credits.reserve("bob", 12, "m1").await.unwrap_err();
        let message = refused.to_string();
        assert!(
            message.contains("costs 12") && message.contains("balance is 5"),
            "{message}"
        );
        assert_eq!(credits.balance("bob").await.unwrap().balance, 5);
        assert_eq!(credits.ledger("bob", None, 10).await.unwrap().len(), 1);
    }
}

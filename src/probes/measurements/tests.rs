//! Ending a measurement against a real (in-memory) store: its end and the release of
//! what it did not use are written together, a measurement whose end was not written
//! is finished later by the check for measurements that are over, a cancel the store
//! refuses changes nothing, and a cancelled operation's end is tried until it lands.

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::model::{AssignmentRow, AssignmentStatus, MeasurementRow, MeasurementStatus};
use super::{Measurements, store};
use crate::audit::{Actor, AuditLog};
use crate::bus::{Bus, Received};
use crate::credits::{CreditEntry, CreditMovement, Credits};
use crate::error::Error;
use crate::operations::{OperationStatus, Operations};
use crate::probes::input::{MeasurementKind, MeasurementParams, PingParams, Schedule};
use crate::probes::registry::{Probes, Requester};
use crate::store::Store;
use crate::users::Role;

const OWNER: &str = "alice";

/// A running measurement of `OWNER` that reserved 30 credits at 10 a result, and its
/// one assignment: delivered one result of three, still held (or ended, if `ended`).
async fn running(store: &Store, credits: &Credits, key: &str, ended: bool) {
    credits.reserve(OWNER, 30, key).await.unwrap();
    let now = Utc::now();
    let row = MeasurementRow {
        id: store::record_id(key),
        owner_id: OWNER.into(),
        kind: MeasurementKind::Ping,
        description: None,
        targets: vec!["192.0.2.1".into(), "192.0.2.2".into(), "192.0.2.3".into()],
        params: serde_json::to_value(MeasurementParams::Ping(PingParams::default())).unwrap(),
        schedule: serde_json::to_value(Schedule::Once).unwrap(),
        status: MeasurementStatus::Running,
        operation_id: None,
        probe_count: 1,
        probes_asked: Some(1),
        results_per_probe: 3,
        cost_per_result: 10,
        credits_reserved: 30,
        credits_used: 0,
        created_at: now,
        finished_at: None,
    };
    let assignment = AssignmentRow {
        id: store::assignment_id(&format!("{key}-probe")),
        measurement_id: key.into(),
        probe_id: "probe-1".into(),
        status: match ended {
            true => AssignmentStatus::Refused,
            false => AssignmentStatus::Held,
        },
        results_delivered: 1,
        results_expected: 3,
        last_run: Some(0),
        last_run_targets: Some(vec!["192.0.2.1".into()]),
        reason: None,
        created_at: now,
        updated_at: now,
    };
    store
        .db()
        .query(store::CREATE)
        .bind(("measurement_id", row.id.clone()))
        .bind(("measurement_row", row))
        .bind(("assignment_rows", vec![assignment]))
        .await
        .unwrap()
        .check()
        .unwrap();
}

/// A store, and credits publishing their movements on the bus returned, with 100
/// credits earned by `OWNER`.
async fn setting_up() -> (Store, Credits, Bus) {
    let store = Store::in_memory().await;
    let bus = Bus::new();
    let credits = Credits::new(
        store.clone(),
        AuditLog::new(store.clone(), bus.clone()),
        bus.clone(),
    );
    credits.earn(OWNER, 100, "probe-1").await.unwrap();
    (store, credits, bus)
}

/// The measurements service on the store, with every running measurement resumed under
/// an operation, and the operations.
async fn service(store: &Store, credits: &Credits) -> (Measurements, Operations) {
    let audit = AuditLog::new(store.clone(), Bus::new());
    let operations = Operations::recover(store.clone(), audit.clone(), Bus::new())
        .await
        .unwrap();
    let probes = Probes::new(store.clone(), audit.clone(), Bus::new());
    let measurements = Measurements::load(
        store.clone(),
        audit,
        operations.clone(),
        probes,
        credits.clone(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    (measurements, operations)
}

/// The store refuses a measurement's end (as it would on a full disk), or takes it again.
const REFUSE_ENDS: &str = "DEFINE FIELD finished_at ON measurement ASSERT $value = NONE";
const ACCEPT_ENDS: &str = "REMOVE FIELD finished_at ON measurement";

async fn run(store: &Store, statement: &str) {
    store.db().query(statement).await.unwrap().check().unwrap();
}

async fn status(store: &Store, key: &str) -> MeasurementStatus {
    store::find(store, key).await.unwrap().unwrap().status
}

async fn operation_status(store: &Store, operations: &Operations, key: &str) -> OperationStatus {
    let row = store::find(store, key).await.unwrap().unwrap();
    let operation_id = row.operation_id.expect("resumed under an operation");
    operations.get(&operation_id).await.unwrap().unwrap().status
}

async fn balance(credits: &Credits) -> i64 {
    let balance = credits.balance(OWNER).await.unwrap().balance;
    assert_eq!(balance, credits.ledger_sum(OWNER).await.unwrap());
    balance
}

async fn releases(credits: &Credits) -> Vec<i64> {
    let entries = credits.ledger(OWNER, None, 50).await.unwrap();
    entries
        .iter()
        .filter(|entry| entry.movement == CreditMovement::Release)
        .map(|entry| entry.amount)
        .collect()
}

/// Asked each time one of its assignments ends: a measurement is over when none of its
/// own assignments is open and owes results, whichever open status it is in.
#[tokio::test]
async fn a_measurement_is_over_when_none_of_its_assignments_is_open_and_owes_results() {
    let (store, credits, _) = setting_up().await;
    running(&store, &credits, "m1", false).await;
    running(&store, &credits, "m2", true).await;
    assert!(store::any_open(&store, "m1").await.unwrap(), "held");
    assert!(!store::any_open(&store, "m2").await.unwrap(), "refused");
    for status in [AssignmentStatus::Sent, AssignmentStatus::Waiting] {
        store::set_status(&store, "m1-probe", status, None)
            .await
            .unwrap()
            .expect("it was open");
        assert!(store::any_open(&store, "m1").await.unwrap(), "{status:?}");
    }

    store
        .db()
        .query("UPDATE $id SET results_delivered = results_expected")
        .bind(("id", store::assignment_id("m1-probe")))
        .await
        .unwrap()
        .check()
        .unwrap();
    assert!(
        !store::any_open(&store, "m1").await.unwrap(),
        "it has every result, though not marked done"
    );
}

/// The two questions asked each time an assignment ends read only the assignments in
/// the status asked for: each is a scan of one prefix of an index on both fields, never
/// of every assignment the measurement or the probe ever had.
#[tokio::test]
async fn open_assignments_are_found_through_an_index_on_their_status() {
    let (store, credits, _) = setting_up().await;
    running(&store, &credits, "m1", false).await;
    let plans = [
        (store::ANY_OPEN, "assignment_measurement_status"),
        (store::OPEN_FOR, "assignment_probe"),
    ];
    for (statement, index) in plans {
        let mut response = store
            .db()
            .query(format!("EXPLAIN {statement}"))
            .bind(("measurement", "m1"))
            .bind(("probe", "probe-1"))
            .bind(("status", AssignmentStatus::Held))
            .await
            .unwrap();
        let plan: String = response.take::<Option<String>>(0).unwrap().unwrap();
        assert!(
            plan.contains(&format!("IndexScan [ctx: Db] [index: {index}, access: ['"))
                && plan.contains("', 'HELD']"),
            "{statement}\n{plan}"
        );
    }
}

#[tokio::test]
async fn an_end_the_store_refuses_keeps_the_reserve_and_the_next_end_gives_back_the_rest_once() {
    let (store, credits, _) = setting_up().await;
    running(&store, &credits, "m1", false).await;
    assert_eq!(balance(&credits).await, 70);
    let release = credits.unused_release(OWNER, "m1");
    let end = || {
        store::end(
            &store,
            "m1",
            MeasurementStatus::Cancelled,
            AssignmentStatus::Cancelled,
            &release,
        )
    };
    // The store refuses the end's write: nothing of it stays.
    run(&store, REFUSE_ENDS).await;

    assert!(end().await.is_err(), "the end is refused");
    let row = store::find(&store, "m1").await.unwrap().unwrap();
    assert_eq!(row.status, MeasurementStatus::Running);
    assert!(store::any_open(&store, "m1").await.unwrap());
    assert_eq!(balance(&credits).await, 70, "the reserve is whole");
    assert_eq!(releases(&credits).await, Vec::<i64>::new());

    run(&store, ACCEPT_ENDS).await;
    let ended = end().await.unwrap().expect("it was running");
    assert_eq!(ended.status, MeasurementStatus::Cancelled);
    assert_eq!(ended.credits_used, 10, "one result delivered");
    assert_eq!(balance(&credits).await, 90, "the 20 not used came back");
    assert_eq!(releases(&credits).await, [20]);

    assert!(end().await.unwrap().is_none(), "it had ended");
    assert_eq!(balance(&credits).await, 90, "given back once");
}

#[tokio::test]
async fn a_running_measurement_whose_assignments_all_ended_is_finished_and_gives_back_the_rest() {
    let (store, credits, _) = setting_up().await;
    running(&store, &credits, "over", true).await;
    running(&store, &credits, "still-measuring", false).await;
    let (measurements, _) = service(&store, &credits).await;
    assert_eq!(balance(&credits).await, 40);

    measurements.finish_over().await.unwrap();

    let over = store::find(&store, "over").await.unwrap().unwrap();
    assert_eq!(
        (over.status, over.credits_used),
        (MeasurementStatus::Finished, 10)
    );
    let measuring = store::find(&store, "still-measuring")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(measuring.status, MeasurementStatus::Running);
    assert_eq!(balance(&credits).await, 60, "the finished one gave back 20");
    measurements.finish_over().await.unwrap();
    assert_eq!(releases(&credits).await, [20], "once");
}

#[tokio::test]
async fn a_cancel_the_store_refuses_leaves_it_running_and_cancellable_and_gives_back_once() {
    let (store, credits, _) = setting_up().await;
    running(&store, &credits, "m1", false).await;
    let (measurements, operations) = service(&store, &credits).await;
    let owner = Requester {
        actor: Actor::system(),
        user_id: OWNER.into(),
        role: Role::Operator,
    };
    run(&store, REFUSE_ENDS).await;

    assert!(measurements.cancel(&owner, "m1").await.is_err());
    assert_eq!(status(&store, "m1").await, MeasurementStatus::Running);
    assert_eq!(
        operation_status(&store, &operations, "m1").await,
        OperationStatus::Running
    );
    let mut audited = store
        .db()
        .query("SELECT VALUE kind FROM audit_event")
        .await
        .unwrap();
    let kinds: Vec<String> = audited.take(0).unwrap();
    assert!(
        !kinds.contains(&"MEASUREMENT_CANCELLED".to_string()),
        "{kinds:?}"
    );
    assert_eq!(balance(&credits).await, 70, "the reserve is whole");

    // Once the store takes it, cancelling again works, and gives back once.
    run(&store, ACCEPT_ENDS).await;
    let cancelled = measurements.cancel(&owner, "m1").await.unwrap();
    assert_eq!(cancelled.status, MeasurementStatus::Cancelled);
    assert_eq!(
        operation_status(&store, &operations, "m1").await,
        OperationStatus::Cancelled
    );
    assert_eq!(balance(&credits).await, 90);
    assert!(matches!(
        measurements.cancel(&owner, "m1").await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(releases(&credits).await, [20], "once");
}

#[tokio::test]
async fn a_cancelled_operation_ends_its_measurement_once_the_store_takes_the_end() {
    let (store, credits, bus) = setting_up().await;
    running(&store, &credits, "m1", false).await;
    let (_measurements, operations) = service(&store, &credits).await;
    let operation_id = store::find(&store, "m1")
        .await
        .unwrap()
        .unwrap()
        .operation_id
        .unwrap();
    let mut movements = bus.subscribe::<CreditEntry>();
    run(&store, REFUSE_ENDS).await;

    operations
        .cancel(&Actor::system(), &operation_id)
        .await
        .unwrap();
    assert_eq!(
        operation_status(&store, &operations, "m1").await,
        OperationStatus::Cancelled
    );
    assert_eq!(
        status(&store, "m1").await,
        MeasurementStatus::Running,
        "its end refused, it runs on"
    );

    run(&store, ACCEPT_ENDS).await;
    let released = tokio::time::timeout(std::time::Duration::from_secs(20), movements.recv())
        .await
        .expect("the end is tried again and lands");
    let Some(Received::Message(entry)) = released else {
        panic!("a movement: {released:?}");
    };
    assert_eq!(
        (entry.movement, entry.amount),
        (CreditMovement::Release, 20)
    );
    assert_eq!(status(&store, "m1").await, MeasurementStatus::Cancelled);
    assert_eq!(releases(&credits).await, [20], "once");
}

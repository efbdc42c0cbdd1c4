//! A user's credits live: `creditsChanged` gives the balance when subscribed, then the
//! balance after each movement of it (a grant, a measurement's reservation and the
//! release of what it did not use, a probe's earning), to that user and admins only.

use serde_json::{Value, json};

use super::measurements::{RunningProbe, cancel, create_repeated, grant, open_port};
use crate::helpers::TestApp;
use crate::ws::{self, Socket, TRANSPORT_WS};

const CHANGES: &str = "subscription($userId: ID) { creditsChanged(userId: $userId) \
    { userId balance entry { movement amount balanceAfter measurementId } } }";

async fn next_change(socket: &mut Socket) -> Value {
    ws::next_payload(socket).await["data"]["creditsChanged"].clone()
}

/// A change as `userId balance MOVEMENT amount`, or `userId balance` for the first item.
fn brief(change: &Value) -> String {
    let user = change["userId"].as_str().unwrap_or_default();
    match &change["entry"] {
        Value::Null => format!("{user} {}", change["balance"]),
        entry => {
            assert_eq!(entry["balanceAfter"], change["balance"], "{change}");
            format!(
                "{user} {} {} {}",
                change["balance"],
                entry["movement"].as_str().unwrap_or_default(),
                entry["amount"]
            )
        }
    }
}

#[tokio::test]
async fn a_users_balance_reaches_their_subscription_after_each_movement_and_nobody_elses() {
    let env = vec![(
        "MONITOR_PROBES__EARNING_SECONDS".to_string(),
        "1".to_string(),
    )];
    let app = TestApp::spawn_with_env(env).await;
    let admin = app.admin_token().await;
    let admin_id = app.user_id(&admin, "admin").await;
    let admin_id = admin_id.as_str().unwrap();
    let volunteer = app.user_with_role(&admin, "volunteer", "OPERATOR").await;
    let volunteer_id = app.user_id(&admin, "volunteer").await;
    let volunteer_id = volunteer_id.as_str().unwrap();
    let url = app.ws_url();
    let mut mine = ws::subscribe(&url, TRANSPORT_WS, &admin, CHANGES, json!({})).await;
    let mut theirs = ws::subscribe(&url, TRANSPORT_WS, &volunteer, CHANGES, json!({})).await;
    assert_eq!(
        brief(&next_change(&mut mine).await),
        format!("{admin_id} 0")
    );
    assert_eq!(
        brief(&next_change(&mut theirs).await),
        format!("{volunteer_id} 0")
    );

    // Only an admin follows someone else's credits.
    let vars = json!({ "userId": admin_id });
    let mut prying = ws::subscribe(&url, TRANSPORT_WS, &volunteer, CHANGES, vars).await;
    let refused = ws::next_payload(&mut prying).await;
    assert_eq!(refused["data"], Value::Null, "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");

    grant(&app, &admin, 100).await;
    assert_eq!(
        brief(&next_change(&mut mine).await),
        format!("{admin_id} 100 GRANT 100")
    );

    // The volunteer's probe earns the volunteer (whose first item said nothing of the
    // admin's grant), not the admin who measures with it.
    let mut probe = RunningProbe::start(&app, &volunteer, "volunteered", &[], 1).await;
    assert_eq!(
        brief(&next_change(&mut theirs).await),
        format!("{volunteer_id} 10 EARNING 10")
    );

    // A measurement reserves its quote, and cancelled, gives back what it did not use.
    let id = create_repeated(&app, &admin, &probe.id, open_port().await).await;
    let reserved = next_change(&mut mine).await;
    assert_eq!(brief(&reserved), format!("{admin_id} 80 RESERVATION -20"));
    assert_eq!(reserved["entry"]["measurementId"], id.as_str());
    let cancelled = cancel(&app, &admin, &id).await;
    assert_eq!(
        cancelled["data"]["cancelMeasurement"]["status"],
        "CANCELLED"
    );
    assert_eq!(
        brief(&next_change(&mut mine).await),
        format!("{admin_id} 100 RELEASE 20")
    );
    probe.program.kill().await;
}

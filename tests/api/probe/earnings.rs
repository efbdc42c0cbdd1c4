//! Probe owners earn credits for the time their probes are connected, not per result:
//! a volunteer's probe that measures for someone else pays its owner for each period
//! it is connected (a second here, an hour by default), and nothing once it is gone.

use std::time::Duration;

use serde_json::json;

use super::measurements::{
    RunningProbe, create, credits, finished, grant, open_port, tcp_ping, watch,
};
use super::registry::until;
use crate::dockerd::eventually;
use crate::helpers::TestApp;

const PERIOD: Duration = Duration::from_secs(1);

#[tokio::test]
async fn a_probe_owner_earns_for_each_period_connected_and_nothing_per_result() {
    let env = vec![(
        "MONITOR_PROBES__EARNING_SECONDS".to_string(),
        PERIOD.as_secs().to_string(),
    )];
    let app = TestApp::spawn_with_env(env).await;
    let admin = app.admin_token().await;
    let owner = app.user_with_role(&admin, "volunteer", "OPERATOR").await;
    let mut probe = RunningProbe::start(&app, &owner, "volunteered", &[], 1).await;

    // Someone else measures with the volunteer's probe.
    grant(&app, &admin, 100).await;
    let port = open_port().await;
    let by_id = json!({ "ids": [probe.id] });
    let body = create(&app, &admin, tcp_ping(&["127.0.0.1"], by_id, port, 2)).await;
    let id = body["data"]["createMeasurement"]["id"]
        .as_str()
        .expect("created")
        .to_string();
    let (_results, mut ended) = watch(&app, &admin, &id).await;
    finished(&mut ended).await;

    let paid = eventually("two periods paid", Duration::from_secs(30), || async {
        let (_, entries) = credits(&app, &owner).await;
        (entries.len() >= 2).then_some(entries)
    })
    .await;
    assert!(
        paid.iter().all(|entry| entry == "EARNING 10"),
        "10 credits a period connected, nothing for the result it delivered: {paid:?}"
    );

    probe.program.kill().await;
    until(&mut probe.updates, |probe| probe["connected"] == false).await;
    let (balance, _) = credits(&app, &owner).await;
    // Nothing marks an earning that does not happen: three periods must pass.
    tokio::time::sleep(PERIOD * 3).await;
    assert_eq!(
        credits(&app, &owner).await.0,
        balance,
        "a probe that is gone earns nothing"
    );
}

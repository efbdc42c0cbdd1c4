//! Which probes a measurement asked by count runs on: the connected probes that carry
//! its tags and stand in its area, up to the count. The quote says how many that is;
//! the measurement runs on them and reserves for them only, and a selection that no
//! connected probe matches is refused before anything is reserved (as Globalping
//! refuses one).

use serde_json::{Value, json};

use super::measurements::{
    RunningProbe, create, credits, finished, grant, nothing_stored, open_port, tcp_ping, watch,
};
use super::registry::until;
use crate::helpers::{TestApp, error_code};

const QUOTE: &str = "query($input: CreateMeasurementInput!) { measurementQuote(input: $input) \
    { probesAsked probes results total } }";

#[tokio::test]
async fn a_count_runs_on_the_probes_that_match_and_none_matching_is_refused_with_nothing_reserved()
{
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    grant(&app, &admin, 100).await;
    let mut lab = RunningProbe::start(&app, &admin, "lab-1", &["lab"], 1).await;
    let mut edge = RunningProbe::start(&app, &admin, "edge-1", &["edge"], 1).await;
    let port = open_port().await;
    let by_count = |selection: Value| tcp_ping(&["127.0.0.1"], selection, port, 2);
    let fifty_in_lab = by_count(json!({ "count": 50, "tags": ["lab"] }));

    let quote = app.graphql(Some(&admin), QUOTE, fifty_in_lab.clone()).await;
    assert_eq!(
        quote["data"]["measurementQuote"],
        json!({ "probesAsked": 50, "probes": 1, "results": 1, "total": 2 }),
        "fifty asked, one connected probe in the lab: {quote}"
    );

    // The edge probe gone, nothing connected carries its tag; nothing stands in Sydney.
    edge.program.kill().await;
    until(&mut edge.updates, |probe| probe["connected"] == false).await;
    let sydney = json!({ "latitude": -33.87, "longitude": 151.21, "radiusKm": 100.0 });
    for selection in [
        json!({ "count": 1, "tags": ["edge"] }),
        json!({ "count": 3, "area": sydney }),
    ] {
        let quoted = app
            .graphql(Some(&admin), QUOTE, by_count(selection.clone()))
            .await;
        let created = create(&app, &admin, by_count(selection)).await;
        for body in [quoted, created] {
            assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
            assert_eq!(
                body["errors"][0]["extensions"]["field"],
                json!(["input", "probes"])
            );
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(
                message.contains("none of the 1 connected probe(s)"),
                "{message}"
            );
        }
    }
    assert_eq!(
        credits(&app, &admin).await,
        (100, vec!["GRANT 100".into()]),
        "nothing reserved"
    );
    nothing_stored(&app, &admin).await;

    // Fifty asked, one matches: it runs on that one and reserves for it only.
    let body = create(&app, &admin, fifty_in_lab).await;
    let created = &body["data"]["createMeasurement"];
    assert_eq!(
        (
            created["probeCount"].clone(),
            created["probesAsked"].clone(),
            created["resultsExpected"].clone()
        ),
        (json!(1), json!(50), json!(1)),
        "{body}"
    );
    let id = created["id"].as_str().unwrap().to_string();
    let (_results, mut ended) = watch(&app, &admin, &id).await;
    finished(&mut ended).await;
    assert_eq!(
        credits(&app, &admin).await,
        (98, vec!["RESERVATION -2".into(), "GRANT 100".into()]),
        "reserved for the one probe that measured, all of it used"
    );
    lab.program.kill().await;
}

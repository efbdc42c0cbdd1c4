//! Push webhooks: a signed push to the stack's branch runs its pipeline once; a forged,
//! tampered, repeated or malformed delivery, or a push elsewhere, runs nothing.

use serde_json::{Value, json};

use super::{Fixture, OPERATION, create, dockerfile, fixture, stack, stack_input};
use crate::gitrepo::GitRepo;
use crate::helpers::TestApp;
use crate::operations::whole_output;

fn github_signature(secret: &str, body: &[u8]) -> String {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts a webhook as GitHub does; returns the status and the JSON answer.
async fn deliver(
    app: &TestApp,
    path: &str,
    event: &str,
    delivery: &str,
    body: &str,
    signature: Option<String>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", app.address))
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .body(body.to_string());
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    let response = request.send().await.expect("monitor answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn pipeline_runs(app: &TestApp, token: &str, stack: &str) -> Vec<Value> {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!) { operations(filter: { stackId: $id, kinds: [PIPELINE] }) { edges { node { id status } } } }",
            json!({ "id": stack }),
        )
        .await;
    body["data"]["operations"]["edges"]
        .as_array()
        .expect("operations")
        .clone()
}

#[tokio::test]
async fn a_signed_git_push_runs_the_pipeline_and_anything_else_runs_nothing() {
    let Fixture {
        app,
        admin,
        server,
        dockerd: _dockerd,
        registry: _registry,
    } = fixture().await;
    let repo = GitRepo::create(&[("Dockerfile", &dockerfile("from-a-push"))]);
    let created = create(&app, &admin, stack_input(&server, &repo)).await;
    let id = created["id"].as_str().expect("an id").to_string();
    let path = created["webhookPath"].as_str().expect("a path").to_string();
    let secret = created["webhookSecret"]
        .as_str()
        .expect("a secret")
        .to_string();
    let head = repo.commit(&[("README", "pushed")], "a push");
    let push = json!({ "ref": "refs/heads/main", "after": head }).to_string();
    let sign = |body: &str| Some(github_signature(&secret, body.as_bytes()));

    let (status, _) = deliver(&app, &path, "push", "d-1", &push, None).await;
    assert_eq!(status, 401, "an unsigned push is refused");
    let forged = Some(github_signature("not-the-secret", push.as_bytes()));
    let (status, _) = deliver(&app, &path, "push", "d-2", &push, forged).await;
    assert_eq!(status, 401, "a push signed with another secret is refused");
    let tampered = push.replace("main", "mainx");
    let (status, _) = deliver(&app, &path, "push", "d-3", &tampered, sign(&push)).await;
    assert_eq!(status, 401, "a body changed after signing is refused");
    let (status, _) = deliver(
        &app,
        &path,
        "ping",
        "d-4",
        "{\"zen\":\"hi\"}",
        sign("{\"zen\":\"hi\"}"),
    )
    .await;
    assert_eq!(status, 200, "a ping is answered");
    let other = json!({ "ref": "refs/heads/dev", "after": head }).to_string();
    let (status, answer) = deliver(&app, &path, "push", "d-5", &other, sign(&other)).await;
    assert_eq!(status, 202, "{answer}");
    let (status, _) = deliver(&app, &path, "push", "d-6", "{not json", sign("{not json")).await;
    assert_eq!(status, 400, "a malformed body");
    assert!(
        pipeline_runs(&app, &admin, &id).await.is_empty(),
        "nothing ran"
    );
    let rejected = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditEvents(filter: { stackId: $id, kinds: [WEBHOOK_REJECTED] }) { edges { node { actor { kind } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        rejected["data"]["auditEvents"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the first refusal of a minute is audited at once, the rest in one summary at its end: {rejected}"
    );

    let mut updates = crate::ws::subscribe(
        &app.ws_url(),
        crate::ws::TRANSPORT_WS,
        &admin,
        "subscription($id: ID!) { operationUpdated(filter: { stackId: $id, topLevel: true }) { id kind status } }",
        json!({ "id": id }),
    )
    .await;
    let (status, answer) = deliver(&app, &path, "push", "d-7", &push, sign(&push)).await;
    assert_eq!(status, 202, "{answer}");
    let run = answer["operationId"]
        .as_str()
        .expect("the run's id")
        .to_string();
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("SUCCEEDED") {
        let update = crate::ws::next_payload(&mut updates).await;
        let operation = &update["data"]["operationUpdated"];
        assert_eq!(
            operation["id"],
            run.as_str(),
            "only the run, not its steps: {update}"
        );
        seen.push(operation["status"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(seen, ["RUNNING", "SUCCEEDED"], "the run's life, live");
    let output = whole_output(&app, &admin, &run).await;
    let operation = app
        .graphql(Some(&admin), OPERATION, json!({ "id": run }))
        .await["data"]["operation"]
        .clone();
    assert_eq!(operation["status"], "SUCCEEDED", "{operation} {output:?}");
    assert_eq!(operation["trigger"], "WEBHOOK");
    let steps = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { operations(filter: { parentId: $id }, orderBy: { direction: ASC }) { edges { node { kind status } } } }",
            json!({ "id": run }),
        )
        .await;
    let steps: Vec<(String, String)> = steps["data"]["operations"]["edges"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|edge| {
            (
                edge["node"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                edge["node"]["status"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    let succeeded = |kind: &str| (kind.to_string(), "SUCCEEDED".to_string());
    assert_eq!(
        steps,
        vec![
            succeeded("PULL"),
            succeeded("BUILD"),
            succeeded("PUSH"),
            succeeded("DEPLOY")
        ]
    );
    let top_level = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { operations(filter: { stackId: $id, topLevel: true }) { edges { node { kind } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        top_level["data"]["operations"]["edges"],
        json!([{ "node": { "kind": "PIPELINE" } }]),
        "the steps are not listed beside their run: {top_level}"
    );
    let deployed = stack(&app, &admin, &id).await;
    assert_eq!(deployed["commit"], head.as_str());
    assert_eq!(deployed["containers"][0]["status"], "RUNNING", "{deployed}");

    // The git host retries the same delivery, and someone replays its signed body
    // under a new delivery id: neither is run again.
    for delivery in ["d-7", "d-8"] {
        let (status, answer) = deliver(&app, &path, "push", delivery, &push, sign(&push)).await;
        assert_eq!(status, 202, "{answer}");
        assert_eq!(
            answer["message"],
            "ignored: this delivery was already handled"
        );
    }
    assert_eq!(pipeline_runs(&app, &admin, &id).await.len(), 1);

    // A stack id that does not exist is answered as a wrong signature for a stack that
    // has had no refusal yet is, refusal for refusal, up to the minute's budget and
    // past it.
    let mut fresh = stack_input(&server, &repo);
    fresh["name"] = json!("fresh");
    let fresh = create(&app, &admin, fresh).await;
    let fresh_path = fresh["webhookPath"].as_str().expect("a path");
    let fresh_id = fresh["id"].as_str().expect("an id");
    let unknown = fresh_path.replace(fresh_id, "01KNOWNTONOBODY0000000000");
    let forged = Some(github_signature("not-the-secret", push.as_bytes()));
    for _ in 0..20 {
        let real = deliver(&app, fresh_path, "push", "d-9", &push, forged.clone()).await;
        let made_up = deliver(&app, &unknown, "push", "d-9", &push, forged.clone()).await;
        assert_eq!(real.0, 401);
        assert_eq!(real, made_up);
    }
    let real = deliver(&app, fresh_path, "push", "d-10", &push, forged.clone()).await;
    let made_up = deliver(&app, &unknown, "push", "d-10", &push, forged).await;
    assert_eq!(real.0, 429, "past the budget, forgeries are limited");
    assert_eq!(real, made_up);
    let signed = Some(github_signature(
        fresh["webhookSecret"].as_str().expect("a secret"),
        b"{}",
    ));
    let (status, answer) = deliver(&app, fresh_path, "ping", "d-11", "{}", signed).await;
    assert_eq!(
        status, 200,
        "a signed delivery still gets through: {answer}"
    );
}

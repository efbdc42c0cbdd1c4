//! GraphQL over HTTP as the spec says, and every malformed request refused cleanly.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn a_query_can_be_sent_with_get() {
    let app = TestApp::spawn().await;

    let response = app
        .http
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ health { status } }")])
        .header("accept", GRAPHQL_RESPONSE)
        .send()
        .await
        .expect("answer");

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], GRAPHQL_RESPONSE);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["health"]["status"], "UP");
}

#[tokio::test]
async fn a_mutation_sent_with_get_is_refused_with_405() {
    let app = TestApp::spawn().await;

    let response = app
        .http
        .get(format!("{}/graphql", app.address))
        .query(&[(
            "query",
            r#"mutation { login(input: {username: "admin", password: "x"}) { token } }"#,
        )])
        .send()
        .await
        .expect("answer");

    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn json_is_served_when_the_client_asks_for_json() {
    let app = TestApp::spawn().await;

    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/json")
        .json(&json!({ "query": "{ health { status } }" }))
        .send()
        .await
        .expect("answer");

    assert_eq!(response.headers()["content-type"], "application/json");
}

async fn post_raw(
    app: &TestApp,
    content_type: &str,
    accept: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("content-type", content_type)
        .header("accept", accept)
        .body(body)
        .send()
        .await
        .expect("answer");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON error body"))
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_code() {
    let app = TestApp::spawn().await;

    let (status, body) = post_raw(&app, "application/json", GRAPHQL_RESPONSE, "{\"query\": ").await;

    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BAD_REQUEST");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = TestApp::spawn().await;

    let (status, body) = post_raw(
        &app,
        "text/plain",
        GRAPHQL_RESPONSE,
        "{ health { status } }",
    )
    .await;

    assert_eq!(status, 415);
    assert_eq!(error_code(&body), "BAD_REQUEST");
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = TestApp::spawn().await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let request = json!({ "query": "{ health { status } }", "variables": { "padding": padding } });

    let (status, body) = post_raw(
        &app,
        "application/json",
        GRAPHQL_RESPONSE,
        request.to_string(),
    )
    .await;

    assert_eq!(status, 413);
    assert_eq!(error_code(&body), "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn a_syntax_error_is_a_parse_failure_with_400_under_the_graphql_media_type() {
    let app = TestApp::spawn().await;

    let (status, body) = post_raw(
        &app,
        "application/json",
        GRAPHQL_RESPONSE,
        json!({ "query": "{ health { " }).to_string(),
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "GRAPHQL_PARSE_FAILED");
    assert!(body.get("data").is_none(), "no execution, no data: {body}");
}

#[tokio::test]
async fn an_unknown_field_is_a_validation_failure_and_json_clients_get_200() {
    let app = TestApp::spawn().await;

    let (status, body) = post_raw(
        &app,
        "application/json",
        "application/json",
        json!({ "query": "{ health { nonsense } }" }).to_string(),
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED");
    assert!(body.get("data").is_none(), "no execution, no data: {body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nonsense")
    );
}

#[tokio::test]
async fn a_query_nested_too_deep_is_refused_before_it_runs() {
    let app = TestApp::spawn().await;
    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
        "ofType { ".repeat(20),
        "}".repeat(20)
    );

    let (status, body) = post_raw(
        &app,
        "application/json",
        GRAPHQL_RESPONSE,
        json!({ "query": deep }).to_string(),
    )
    .await;

    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn a_client_that_accepts_neither_json_type_gets_406() {
    let app = TestApp::spawn().await;

    let (status, _) = post_raw(
        &app,
        "application/json",
        "text/csv",
        json!({ "query": "{ health { status } }" }).to_string(),
    )
    .await;

    assert_eq!(status, 406);
}

#[tokio::test]
async fn graphiql_and_the_client_are_served_from_the_binary() {
    let app = TestApp::spawn().await;

    let graphiql = app
        .http
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .expect("graphiql");
    let deep_link = app
        .http
        .get(format!("{}/audit?kind=USER_CREATED", app.address))
        .send()
        .await
        .expect("spa");

    assert_eq!(graphiql.status(), 200);
    assert!(
        graphiql
            .text()
            .await
            .expect("html")
            .to_lowercase()
            .contains("graphiql")
    );
    assert_eq!(deep_link.status(), 200);
    assert!(
        deep_link
            .text()
            .await
            .expect("html")
            .contains("<div id=\"app\"")
    );
}

#[tokio::test]
async fn a_query_over_the_complexity_budget_is_refused_before_it_runs() {
    let app = TestApp::spawn().await;
    let fields: String = (0..1100)
        .map(|i| format!("h{i}: health {{ status }} "))
        .collect();

    let (status, body) = post_raw(
        &app,
        "application/json",
        GRAPHQL_RESPONSE,
        json!({ "query": format!("{{ {fields} }}") }).to_string(),
    )
    .await;

    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("complex")
    );
}

#[tokio::test]
async fn a_variable_left_out_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;

    let body = app
        .graphql(
            Some(&token),
            "query($first: Int!) { users(first: $first) { pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;

    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn a_refused_sign_in_points_at_the_field_that_needs_it() {
    let app = TestApp::spawn().await;

    let body = app
        .graphql(
            None,
            "{\n  health { status }\n  viewer { id }\n}",
            json!({}),
        )
        .await;

    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert_eq!(
        body["errors"][0]["locations"],
        json!([{ "line": 3, "column": 3 }]),
        "{body}"
    );
}

/// A query asked again is not validated again in full (`graphql::validated`): whatever
/// validation or the limits refuse must still be refused, however often it is asked and
/// whatever was asked before it.
#[tokio::test]
async fn what_validation_refuses_is_refused_every_time_next_to_a_query_it_passed() {
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;
    let page = "query($first: Int) { users(first: $first) { nodes { username } } }";
    let asked_twice = |query: String, variables: Value| {
        let (app, token) = (&app, &token);
        async move {
            let first = app.graphql(Some(token), &query, variables.clone()).await;
            let again = app.graphql(Some(token), &query, variables).await;
            assert_eq!(first, again, "the same answer both times");
            again
        }
    };

    let answered = asked_twice(page.into(), json!({ "first": 5 })).await;
    assert_eq!(answered["data"]["users"]["nodes"][0]["username"], "admin");

    let wrong_value = asked_twice(page.into(), json!({ "first": "five" })).await;
    assert_eq!(error_code(&wrong_value), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(
        wrong_value["errors"][0]["extensions"]["field"],
        json!(["first"])
    );

    let changed = asked_twice(page.replace("username", "username nonsense"), json!({})).await;
    assert_eq!(error_code(&changed), "GRAPHQL_VALIDATION_FAILED");
    let message = changed["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("nonsense"), "{changed}");

    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
        "ofType { ".repeat(20),
        "}".repeat(20)
    );
    let too_deep = asked_twice(deep, json!({})).await;
    assert_eq!(error_code(&too_deep), "GRAPHQL_VALIDATION_FAILED");
    let message = too_deep["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("too deep"), "{too_deep}");

    let fields: String = (0..1100)
        .map(|i| format!("h{i}: health {{ status }} "))
        .collect();
    let too_complex = asked_twice(format!("{{ {fields} }}"), json!({})).await;
    assert_eq!(error_code(&too_complex), "GRAPHQL_VALIDATION_FAILED");
    let message = too_complex["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("complex"), "{too_complex}");

    let again = app.graphql(Some(&token), page, json!({ "first": 5 })).await;
    assert_eq!(again, answered, "the query that passed still answers");
}

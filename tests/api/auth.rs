//! Logging in, tokens, and the rule that every field but `health` and `login` needs one.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, TestApp, error_code};

#[tokio::test]
async fn the_first_admin_logs_in_with_the_configured_password() {
    let app = TestApp::spawn().await;

    let body = app
        .graphql(
            None,
            "mutation($input: LoginInput!) { login(input: $input) { token expiresAt user { id username role } } }",
            json!({ "input": { "username": "admin", "password": ADMIN_PASSWORD } }),
        )
        .await;

    let login = &body["data"]["login"];
    assert_eq!(login["user"]["username"], "admin");
    assert_eq!(login["user"]["role"], "ADMIN");
    assert!(
        login["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("mon_"))
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_the_same_way_as_an_unknown_user() {
    let app = TestApp::spawn().await;
    let query = "mutation($input: LoginInput!) { login(input: $input) { token } }";

    let wrong = app
        .graphql(
            None,
            query,
            json!({ "input": { "username": "admin", "password": "nope-nope" } }),
        )
        .await;
    let unknown = app
        .graphql(
            None,
            query,
            json!({ "input": { "username": "ghost", "password": "nope-nope" } }),
        )
        .await;

    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
}

#[tokio::test]
async fn login_attempts_are_rate_limited_per_username() {
    let app = TestApp::spawn_with_env(vec![(
        "MONITOR_LIMITS__LOGIN_ATTEMPTS_PER_MINUTE".into(),
        "3".into(),
    )])
    .await;
    let query = "mutation($input: LoginInput!) { login(input: $input) { token } }";
    let attempt = json!({ "input": { "username": "admin", "password": "wrong-password" } });

    for _ in 0..3 {
        let body = app.graphql(None, query, attempt.clone()).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
    let throttled = app.graphql(None, query, attempt).await;

    assert_eq!(error_code(&throttled), "RATE_LIMITED");
    assert!(
        throttled["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .is_some()
    );
}

const TYPE_REF: &str = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";

/// The whole schema by introspection (which needs no token: the schema is public).
async fn introspect(app: &TestApp) -> Vec<Value> {
    let query = format!(
        "{{ __schema {{ types {{ name kind enumValues {{ name }} \
           inputFields {{ name type {{ {TYPE_REF} }} }} \
           fields {{ name args {{ name type {{ {TYPE_REF} }} }} type {{ {TYPE_REF} }} }} }} }} }}"
    );
    let body = app.graphql(None, &query, json!({})).await;
    body["data"]["__schema"]["types"]
        .as_array()
        .expect("introspection without a token")
        .clone()
}

/// The written form of a type reference, e.g. `[ID!]!`.
fn type_name(type_ref: &Value) -> String {
    match type_ref["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_name(&type_ref["ofType"])),
        Some("LIST") => format!("[{}]", type_name(&type_ref["ofType"])),
        _ => type_ref["name"].as_str().expect("a named type").to_string(),
    }
}

/// A value of the given type that passes validation, so the request reaches execution.
fn sample(types: &[Value], type_ref: &Value) -> Value {
    match type_ref["kind"].as_str() {
        Some("NON_NULL") => sample(types, &type_ref["ofType"]),
        Some("LIST") => json!([sample(types, &type_ref["ofType"])]),
        _ => {
            let name = type_ref["name"].as_str().expect("a named type");
            let definition = types
                .iter()
                .find(|t| t["name"] == name)
                .expect("a defined type");
            match (definition["kind"].as_str(), name) {
                (Some("ENUM"), _) => definition["enumValues"][0]["name"].clone(),
                (Some("INPUT_OBJECT"), _) => Value::Object(
                    definition["inputFields"]
                        .as_array()
                        .expect("input fields")
                        .iter()
                        .filter(|field| field["type"]["kind"] == "NON_NULL")
                        .map(|field| {
                            let key = field["name"].as_str().expect("a name").to_string();
                            (key, sample(types, &field["type"]))
                        })
                        .collect(),
                ),
                (_, "Int") => json!(1),
                (_, "Float") => json!(1.5),
                (_, "Boolean") => json!(true),
                (_, "DateTime") => json!("2030-01-01T00:00:00Z"),
                (_, "JSON") => json!({}),
                _ => json!("sample"),
            }
        }
    }
}

/// The innermost named type of a reference.
fn named(type_ref: &Value) -> &Value {
    if type_ref["ofType"].is_object() {
        named(&type_ref["ofType"])
    } else {
        type_ref
    }
}

#[tokio::test]
async fn every_field_but_health_and_login_needs_a_token() {
    let app = TestApp::spawn().await;
    let types = introspect(&app).await;
    let mut checked = 0;

    for (root, keyword) in [("Query", "query"), ("Mutation", "mutation")] {
        let definition = types
            .iter()
            .find(|t| t["name"] == root)
            .expect("a root type");
        for field in definition["fields"].as_array().expect("fields") {
            let name = field["name"].as_str().expect("a name");
            if name == "health" || name == "login" {
                continue;
            }
            let mut declarations = Vec::new();
            let mut arguments = Vec::new();
            let mut variables = serde_json::Map::new();
            for arg in field["args"].as_array().expect("args") {
                let arg_name = arg["name"].as_str().expect("an arg name");
                declarations.push(format!("${arg_name}: {}", type_name(&arg["type"])));
                arguments.push(format!("{arg_name}: ${arg_name}"));
                if arg["type"]["kind"] == "NON_NULL" {
                    variables.insert(arg_name.to_string(), sample(&types, &arg["type"]));
                }
            }
            let selection = match named(&field["type"])["kind"].as_str() {
                Some("OBJECT") | Some("INTERFACE") | Some("UNION") => " { __typename }",
                _ => "",
            };
            let wrap = |items: &Vec<String>| {
                if items.is_empty() {
                    String::new()
                } else {
                    format!("({})", items.join(", "))
                }
            };
            let query = format!(
                "{keyword}{} {{ {name}{}{selection} }}",
                wrap(&declarations),
                wrap(&arguments)
            );

            let body = app.graphql(None, &query, Value::Object(variables)).await;

            assert_eq!(
                error_code(&body),
                "UNAUTHENTICATED",
                "{root}.{name} without a token: {body}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} fields were checked");
}

#[tokio::test]
async fn an_api_token_works_until_it_is_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let created = app
        .graphql(
            Some(&admin),
            "mutation { createApiToken(input: {name: \"ci\"}) { token apiToken { id name owner { username } } } }",
            json!({}),
        )
        .await;
    let token = created["data"]["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    let id = created["data"]["createApiToken"]["apiToken"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        created["data"]["createApiToken"]["apiToken"]["owner"]["username"],
        "admin"
    );

    let before = app
        .graphql(Some(&token), "{ viewer { username } }", json!({}))
        .await;
    let revoked = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { revokedAt } }",
            json!({ "id": id }),
        )
        .await;
    let after = app
        .graphql(Some(&token), "{ viewer { username } }", json!({}))
        .await;

    assert_eq!(before["data"]["viewer"]["username"], "admin");
    assert!(
        revoked["data"]["revokeApiToken"]["revokedAt"].is_string(),
        "{revoked}"
    );
    assert_eq!(error_code(&after), "UNAUTHENTICATED");
    assert!(
        after["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("revoked")
    );
}

#[tokio::test]
async fn tokens_are_listed_without_their_secret() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.graphql(
        Some(&admin),
        "mutation { createApiToken(input: {name: \"one\"}) { token } }",
        json!({}),
    )
    .await;

    let body = app
        .graphql(
            Some(&admin),
            "{ apiTokens(first: 10) { nodes { name createdAt revokedAt } } }",
            json!({}),
        )
        .await;

    assert_eq!(body["data"]["apiTokens"]["nodes"][0]["name"], "one");
    assert!(!body.to_string().contains("mon_"));
}

#[tokio::test]
async fn an_expiry_in_the_past_is_bad_input() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    let body = app
        .graphql(
            Some(&admin),
            "mutation { createApiToken(input: {name: \"old\", expiresAt: \"2020-01-01T00:00:00Z\"}) { token } }",
            json!({}),
        )
        .await;

    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        json!(["input", "expiresAt"])
    );
}

#[tokio::test]
async fn garbage_and_malformed_authorization_headers_are_unauthenticated() {
    let app = TestApp::spawn().await;

    for header in [
        "Bearer mon_not-a-real-token",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer",
    ] {
        let body: Value = app
            .http
            .post(format!("{}/graphql", app.address))
            .header("authorization", header)
            .json(&json!({ "query": "{ viewer { username } }" }))
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{header}: {body}");
    }
}

#[tokio::test]
async fn a_viewer_cannot_manage_users() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let viewer = app.user_with_role(&admin, "vera", "VIEWER").await;

    let body = app
        .graphql(
            Some(&viewer),
            "mutation { createUser(input: {username: \"mallory\", password: \"password-123\", role: ADMIN}) { id } }",
            json!({}),
        )
        .await;
    let users = app
        .graphql(Some(&admin), "{ users { nodes { username } } }", json!({}))
        .await;

    assert_eq!(error_code(&body), "FORBIDDEN");
    assert!(!users.to_string().contains("mallory"));
}

#[tokio::test]
async fn without_a_configured_password_the_first_admin_gets_one_printed_once() {
    let mut app =
        TestApp::spawn_with_env(vec![("MONITOR_ADMIN_PASSWORD".into(), String::new())]).await;
    let password_line = |logs: &[String]| {
        logs.iter()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find_map(|entry| entry["fields"]["password"].as_str().map(str::to_string))
    };
    let generated =
        password_line(&app.logs.lock().expect("logs")).expect("the generated password is logged");

    let token = app.login("admin", &generated).await;
    app.restart().await;

    assert!(token.starts_with("mon_"));
    assert_eq!(
        password_line(&app.logs.lock().expect("logs")),
        None,
        "printed again on restart"
    );
}

#[tokio::test]
async fn an_expired_token_is_refused_as_expired() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let expires_at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let created = app
        .graphql(
            Some(&admin),
            "mutation($at: DateTime!) { createApiToken(input: {name: \"brief\", expiresAt: $at}) { token } }",
            json!({ "at": expires_at.to_rfc3339() }),
        )
        .await;
    let token = created["data"]["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    let before = app
        .graphql(Some(&token), "{ viewer { username } }", json!({}))
        .await;

    let until_expiry = (expires_at - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(until_expiry + std::time::Duration::from_millis(50)).await;
    let after = app
        .graphql(Some(&token), "{ viewer { username } }", json!({}))
        .await;

    assert_eq!(before["data"]["viewer"]["username"], "admin");
    assert_eq!(error_code(&after), "UNAUTHENTICATED");
    assert!(
        after["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );
}

//! Managing users: the happy path, every bad input, and the rules that keep an admin.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

const CREATE: &str =
    "mutation($input: CreateUserInput!) { createUser(input: $input) { id username role } }";

async fn usernames(app: &TestApp, admin: &str) -> Vec<String> {
    let body = app
        .graphql(
            Some(admin),
            "{ users(first: 100) { nodes { username } } }",
            json!({}),
        )
        .await;
    body["data"]["users"]["nodes"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["username"].as_str().expect("username").to_string())
        .collect()
}

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_log_in() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    let body = app
        .graphql(Some(&admin), CREATE, json!({ "input": { "username": "alice", "password": "password-123", "role": "OPERATOR" } }))
        .await;
    let token = app.login("alice", "password-123").await;
    let viewer = app
        .graphql(Some(&token), "{ viewer { username role } }", json!({}))
        .await;

    assert_eq!(body["data"]["createUser"]["role"], "OPERATOR");
    assert_eq!(
        viewer["data"]["viewer"],
        json!({ "username": "alice", "role": "OPERATOR" })
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let cases: [(Value, &str); 3] = [
        (
            json!({ "username": "x", "password": "password-123", "role": "VIEWER" }),
            "username",
        ),
        (
            json!({ "username": "Not Valid", "password": "password-123", "role": "VIEWER" }),
            "username",
        ),
        (
            json!({ "username": "bob", "password": "short", "role": "VIEWER" }),
            "password",
        ),
    ];

    for (input, field) in cases {
        let body = app
            .graphql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            json!(["input", field])
        );
    }

    assert_eq!(usernames(&app, &admin).await, ["admin"]);
}

#[tokio::test]
async fn an_unknown_role_is_a_validation_failure() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    let body = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "username": "bob", "password": "password-123", "role": "ROOT" } }),
        )
        .await;

    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(usernames(&app, &admin).await, ["admin"]);
}

#[tokio::test]
async fn a_taken_username_is_a_conflict() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let input =
        json!({ "input": { "username": "carol", "password": "password-123", "role": "VIEWER" } });
    app.graphql(Some(&admin), CREATE, input.clone()).await;

    let again = app.graphql(Some(&admin), CREATE, input).await;

    assert_eq!(error_code(&again), "CONFLICT");
    assert_eq!(usernames(&app, &admin).await, ["admin", "carol"]);
}

#[tokio::test]
async fn the_last_admin_can_be_neither_deleted_nor_demoted() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let me = app
        .graphql(Some(&admin), "{ viewer { id } }", json!({}))
        .await;
    let id = me["data"]["viewer"]["id"].clone();

    let delete = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteUser(input: {id: $id}) { id } }",
            json!({ "id": id }),
        )
        .await;
    let demote = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { updateUser(input: {id: $id, role: VIEWER}) { role } }",
            json!({ "id": id }),
        )
        .await;

    assert_eq!(error_code(&delete), "CONFLICT");
    assert_eq!(error_code(&demote), "CONFLICT");
    let still = app
        .graphql(Some(&admin), "{ viewer { role } }", json!({}))
        .await;
    assert_eq!(still["data"]["viewer"]["role"], "ADMIN");
}

#[tokio::test]
async fn changing_a_password_ends_that_users_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let dave = app.user_with_role(&admin, "dave", "OPERATOR").await;
    let id = app.user_id(&admin, "dave").await;

    let update = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { updateUser(input: {id: $id, password: \"new-password-456\"}) { username } }",
            json!({ "id": id }),
        )
        .await;
    let old_session = app
        .graphql(Some(&dave), "{ viewer { username } }", json!({}))
        .await;

    assert_eq!(update["data"]["updateUser"]["username"], "dave");
    assert_eq!(error_code(&old_session), "UNAUTHENTICATED");
    app.login("dave", "new-password-456").await;
}

const CHANGE_PASSWORD: &str =
    "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { username } }";

#[tokio::test]
async fn an_operator_changes_their_own_password_and_their_other_sessions_end() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let here = app.user_with_role(&admin, "erin", "OPERATOR").await;
    let elsewhere = app.login("erin", "password-123").await;
    let change = |current: &str, new: &str| json!({ "input": { "currentPassword": current, "newPassword": new } });

    let wrong = app
        .graphql(
            Some(&here),
            CHANGE_PASSWORD,
            change("not-my-password", "erins-new-password"),
        )
        .await;
    assert_eq!(error_code(&wrong), "BAD_USER_INPUT", "{wrong}");
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"],
        json!(["input", "currentPassword"])
    );
    let short = app
        .graphql(
            Some(&here),
            CHANGE_PASSWORD,
            change("password-123", "short"),
        )
        .await;
    assert_eq!(
        short["errors"][0]["extensions"]["field"],
        json!(["input", "newPassword"])
    );
    app.login("erin", "password-123").await;

    let changed = app
        .graphql(
            Some(&here),
            CHANGE_PASSWORD,
            change("password-123", "erins-new-password"),
        )
        .await;

    assert_eq!(
        changed["data"]["changePassword"]["username"], "erin",
        "{changed}"
    );
    let this_session = app
        .graphql(Some(&here), "{ viewer { username } }", json!({}))
        .await;
    assert_eq!(this_session["data"]["viewer"]["username"], "erin");
    let other_session = app
        .graphql(Some(&elsewhere), "{ viewer { username } }", json!({}))
        .await;
    assert_eq!(error_code(&other_session), "UNAUTHENTICATED");
    app.login("erin", "erins-new-password").await;
    let old = app
        .graphql(
            None,
            "mutation { login(input: {username: \"erin\", password: \"password-123\"}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&old), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_deleted_users_tokens_stop_working() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let erin = app.user_with_role(&admin, "erin", "VIEWER").await;
    let id = app.user_id(&admin, "erin").await;

    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteUser(input: {id: $id}) { username } }",
            json!({ "id": id }),
        )
        .await;
    let after = app
        .graphql(Some(&erin), "{ viewer { username } }", json!({}))
        .await;

    assert_eq!(deleted["data"]["deleteUser"]["username"], "erin");
    assert_eq!(error_code(&after), "UNAUTHENTICATED");
}

#[tokio::test]
async fn users_page_with_cursors() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for name in ["user1", "user2", "user3"] {
        let created = app.graphql(Some(&admin), CREATE, json!({ "input": { "username": name, "password": "password-123", "role": "VIEWER" } })).await;
        assert!(created["errors"].is_null(), "{created}");
    }
    let query = "query($after: String) { users(first: 2, after: $after) { nodes { username } pageInfo { hasNextPage endCursor } } }";

    let first = app.graphql(Some(&admin), query, json!({})).await;
    let cursor = first["data"]["users"]["pageInfo"]["endCursor"].clone();
    let second = app
        .graphql(Some(&admin), query, json!({ "after": cursor }))
        .await;

    assert_eq!(
        first["data"]["users"]["nodes"],
        json!([{ "username": "admin" }, { "username": "user1" }])
    );
    assert_eq!(first["data"]["users"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        second["data"]["users"]["nodes"],
        json!([{ "username": "user2" }, { "username": "user3" }])
    );
    assert_eq!(second["data"]["users"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn a_page_size_over_a_hundred_is_bad_input() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    let body = app
        .graphql(
            Some(&admin),
            "{ users(first: 1000) { nodes { id } } }",
            json!({}),
        )
        .await;

    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], json!(["first"]));
}

#[tokio::test]
async fn an_update_that_changes_nothing_is_bad_input_and_not_audited() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let id = app.user_id(&admin, "admin").await;

    let body = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { updateUser(input: {id: $id}) { id } }",
            json!({ "id": id }),
        )
        .await;
    let events = app
        .graphql(
            Some(&admin),
            "{ auditEvents(filter: {kinds: [USER_UPDATED]}) { nodes { id } } }",
            json!({}),
        )
        .await;

    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], json!(["input"]));
    assert_eq!(events["data"]["auditEvents"]["nodes"], json!([]));
}

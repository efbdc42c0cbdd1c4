//! A fake Grafana HTTP API, for machines where Grafana cannot run: `GET /api/health`,
//! `POST /api/dashboards/db` (create or update, `overwrite`, versions, 412
//! `version-mismatch` and `name-exists`, uid rules) and `GET /api/dashboards/uid/{uid}`,
//! behind a service-account bearer token, with Grafana's own error bodies; plus faults
//! (refuse the next requests, go down and come back) and edits "made in the UI".

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::restartable::RestartableServer;

struct Stored {
    id: i64,
    version: i64,
    dashboard: Value,
}

#[derive(Default)]
struct Grafana {
    token: String,
    dashboards: HashMap<String, Stored>,
    next_id: i64,
    /// (HTTP status, message, how many more requests to refuse).
    refusals: Vec<(u16, String, usize)>,
    /// Every answer to `POST /api/dashboards/db`, in order.
    save_statuses: Vec<u16>,
}

type Shared = Arc<Mutex<Grafana>>;

pub struct FakeGrafana {
    pub token: String,
    state: Shared,
    server: RestartableServer,
}

fn error(code: StatusCode, body: Value) -> Response {
    (code, Json(body)).into_response()
}

/// Grafana's error body for a typed dashboard error: `{"message": …, "status": …}`.
fn dashboard_error(code: StatusCode, message: &str, status: Option<&str>) -> Response {
    let mut body = json!({"message": message});
    if let Some(status) = status {
        body["status"] = status.into();
    }
    error(code, body)
}

/// The answer to a request that is refused (an injected fault or a bad token), if it is.
fn refused(state: &Shared, headers: &HeaderMap) -> Option<Response> {
    let mut grafana = state.lock().expect("grafana lock");
    if let Some(refusal) = grafana.refusals.first_mut() {
        refusal.2 -= 1;
        let (code, message) = (refusal.0, refusal.1.clone());
        if refusal.2 == 0 {
            grafana.refusals.remove(0);
        }
        let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Some(error(code, json!({"message": message})));
    }
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    match presented.and_then(|value| value.strip_prefix("Bearer ")) {
        Some(token) if token == grafana.token => None,
        Some(_) => Some(error(
            StatusCode::UNAUTHORIZED,
            json!({"message": "Invalid API key", "messageId": "api-key.invalid", "statusCode": 401, "traceID": ""}),
        )),
        None => Some(error(
            StatusCode::UNAUTHORIZED,
            json!({"message": "Unauthorized", "messageId": "auth.unauthorized", "statusCode": 401, "traceID": ""}),
        )),
    }
}

/// Grafana's slug: lowercase words joined by `-`.
fn slug(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

async fn health() -> Json<Value> {
    Json(json!({"commit": "fake", "database": "ok", "version": "11.3.0"}))
}

async fn save(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let answer = save_dashboard(&state, &headers, &body);
    state
        .lock()
        .expect("grafana lock")
        .save_statuses
        .push(answer.status().as_u16());
    answer
}

fn save_dashboard(state: &Shared, headers: &HeaderMap, body: &Value) -> Response {
    if let Some(refusal) = refused(state, headers) {
        return refusal;
    }
    let Some(dashboard) = body
        .get("dashboard")
        .filter(|dashboard| dashboard.is_object())
    else {
        return dashboard_error(StatusCode::BAD_REQUEST, "bad request data", None);
    };
    let title = dashboard["title"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string();
    if title.is_empty() {
        return dashboard_error(
            StatusCode::BAD_REQUEST,
            "Dashboard title cannot be empty",
            Some("empty-name"),
        );
    }
    let mut grafana = state.lock().expect("grafana lock");
    let uid = match dashboard["uid"].as_str() {
        Some(uid) if uid.len() > 40 => {
            return dashboard_error(
                StatusCode::BAD_REQUEST,
                "uid too long, max 40 characters",
                None,
            );
        }
        Some(uid)
            if !uid
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            return dashboard_error(
                StatusCode::BAD_REQUEST,
                "uid contains illegal characters",
                None,
            );
        }
        Some(uid) if !uid.is_empty() => uid.to_string(),
        _ => format!("gen{}", grafana.next_id + 1),
    };
    let overwrite = body["overwrite"].as_bool().unwrap_or(false);
    let sent_version = dashboard["version"].as_i64().unwrap_or(0);
    let existing = grafana
        .dashboards
        .get(&uid)
        .map(|stored| (stored.id, stored.version));
    if let Some((_, version)) = existing
        && version != sent_version
        && !overwrite
    {
        return dashboard_error(
            StatusCode::PRECONDITION_FAILED,
            "The dashboard has been changed by someone else",
            Some("version-mismatch"),
        );
    }
    let same_title = grafana
        .dashboards
        .iter()
        .any(|(other, stored)| *other != uid && stored.dashboard["title"] == title.as_str());
    if same_title && !overwrite {
        return dashboard_error(
            StatusCode::PRECONDITION_FAILED,
            "A dashboard with the same name in the folder already exists",
            Some("name-exists"),
        );
    }
    let (id, version) = match existing {
        Some((id, version)) => (id, version + 1),
        None => {
            grafana.next_id += 1;
            (grafana.next_id, 1)
        }
    };
    let mut stored = dashboard.clone();
    stored["id"] = id.into();
    stored["uid"] = uid.clone().into();
    stored["version"] = version.into();
    grafana.dashboards.insert(
        uid.clone(),
        Stored {
            id,
            version,
            dashboard: stored,
        },
    );
    let slug = slug(&title);
    Json(json!({
        "id": id,
        "uid": uid,
        "url": format!("/d/{uid}/{slug}"),
        "status": "success",
        "version": version,
        "slug": slug,
        "folderUid": "",
    }))
    .into_response()
}

async fn by_uid(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    if let Some(refusal) = refused(&state, &headers) {
        return refusal;
    }
    let grafana = state.lock().expect("grafana lock");
    let Some(stored) = grafana.dashboards.get(&uid) else {
        return dashboard_error(
            StatusCode::NOT_FOUND,
            "Dashboard not found",
            Some("not-found"),
        );
    };
    let title = stored.dashboard["title"].as_str().unwrap_or_default();
    Json(json!({
        "dashboard": stored.dashboard,
        "meta": {
            "type": "db",
            "canSave": true,
            "slug": slug(title),
            "url": format!("/d/{uid}/{}", slug(title)),
            "version": stored.version,
            "folderUid": "",
        },
    }))
    .into_response()
}

impl FakeGrafana {
    pub async fn start() -> FakeGrafana {
        let token = format!("glsa_fake_{}", uuid::Uuid::new_v4().simple());
        let state: Shared = Arc::new(Mutex::new(Grafana {
            token: token.clone(),
            ..Grafana::default()
        }));
        let router = axum::Router::new()
            .route("/api/health", get(health))
            .route("/api/dashboards/db", post(save))
            .route("/api/dashboards/uid/{uid}", get(by_uid))
            .with_state(state.clone());
        FakeGrafana {
            token,
            state,
            server: RestartableServer::start(router).await,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.server.address)
    }

    /// Answers the next `times` requests with `code` and `{"message": message}`.
    pub fn refuse(&self, code: u16, message: &str, times: usize) {
        let refusal = (code, message.to_string(), times);
        self.state
            .lock()
            .expect("grafana lock")
            .refusals
            .push(refusal);
    }

    /// Someone saves the dashboard in Grafana's UI: its version goes up by one.
    pub fn edit_in_ui(&self, uid: &str) {
        let mut grafana = self.state.lock().expect("grafana lock");
        let stored = grafana
            .dashboards
            .get_mut(uid)
            .expect("the dashboard exists");
        stored.version += 1;
        stored.dashboard["version"] = stored.version.into();
    }

    /// The stored dashboard (`id`, `uid` and `version` set as Grafana sets them).
    pub fn dashboard(&self, uid: &str) -> Option<Value> {
        let grafana = self.state.lock().expect("grafana lock");
        grafana
            .dashboards
            .get(uid)
            .map(|stored| stored.dashboard.clone())
    }

    /// The HTTP status of every `POST /api/dashboards/db`, in order.
    pub fn save_statuses(&self) -> Vec<u16> {
        self.state
            .lock()
            .expect("grafana lock")
            .save_statuses
            .clone()
    }

    pub async fn go_down(&self) {
        self.server.go_down().await;
    }

    pub async fn come_back(&self) {
        self.server.come_back().await;
    }
}

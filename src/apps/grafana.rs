//! Grafana's HTTP API, as far as monitor uses it: health, and saving a dashboard through
//! `POST /api/dashboards/db` with a service-account token.
//!
//! monitor owns the dashboards it generates. A 412 version-mismatch means someone saved
//! the dashboard in Grafana since monitor last did: monitor reads the current version
//! and saves over it once, and says so ([`SavedDashboard::replaced_edits`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::GrafanaSettings;
use crate::error::Error;

const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// monitor's view of its Grafana, built once from the settings: dashboards are optional,
/// and a broken configuration is a state to report, never a reason not to start.
#[derive(Clone)]
pub enum GrafanaSetup {
    /// No `grafana.url`: apps get no dashboards.
    NotConfigured,
    /// `grafana.url` is set but unusable (not a URL, no token); the reason says why.
    Misconfigured {
        reason: Arc<str>,
    },
    Configured(Grafana),
}

impl GrafanaSetup {
    /// Reads `grafana.url` and `grafana.token`; never fails.
    pub fn from_settings(settings: &GrafanaSettings) -> GrafanaSetup {
        match Grafana::from_settings(settings) {
            Ok(None) => GrafanaSetup::NotConfigured,
            Ok(Some(grafana)) => GrafanaSetup::Configured(grafana),
            Err(reason) => {
                tracing::warn!(%reason, "the Grafana configuration cannot be used");
                GrafanaSetup::Misconfigured {
                    reason: reason.into(),
                }
            }
        }
    }

    /// The Grafana client, or `UNAVAILABLE` saying why there is none.
    pub fn grafana(&self) -> Result<&Grafana, Error> {
        match self {
            GrafanaSetup::Configured(grafana) => Ok(grafana),
            GrafanaSetup::NotConfigured => Err(Error::Unavailable {
                component: "grafana",
                message: "no Grafana is configured (set grafana.url and grafana.token)".into(),
            }),
            GrafanaSetup::Misconfigured { reason } => Err(Error::Unavailable {
                component: "grafana",
                message: reason.to_string(),
            }),
        }
    }
}

/// A configured Grafana.
#[derive(Clone)]
pub struct Grafana {
    http: reqwest::Client,
    base: Url,
    token: SecretString,
}

/// A dashboard as Grafana saved it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedDashboard {
    pub uid: String,
    pub version: i64,
    /// The dashboard's page.
    pub url: String,
    /// Each panel's own page, with its title.
    pub panels: Vec<(String, String)>,
    /// Whether edits made in Grafana since monitor's last save were replaced.
    pub replaced_edits: bool,
}

/// Grafana refused or did not answer.
#[derive(Debug, Clone, PartialEq)]
pub struct GrafanaError {
    /// The HTTP status, when Grafana answered.
    pub status: Option<u16>,
    /// Grafana's `status` field (`version-mismatch`, `name-exists`…), when it gave one.
    pub kind: Option<String>,
    pub message: String,
}

impl std::fmt::Display for GrafanaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(f, "Grafana answered {status}: {}", self.message),
            None => write!(f, "Grafana is unreachable: {}", self.message),
        }
    }
}

impl From<GrafanaError> for Error {
    fn from(error: GrafanaError) -> Self {
        Error::Unavailable {
            component: "grafana",
            message: error.to_string(),
        }
    }
}

/// Grafana's error bodies: `{"message": …, "status"?: …}`.
#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
    status: Option<String>,
}

#[derive(Deserialize)]
struct SaveAnswer {
    uid: String,
    version: i64,
    url: String,
}

impl Grafana {
    /// `None` without `grafana.url`; an error when the URL is not one, or has no token.
    pub fn from_settings(settings: &GrafanaSettings) -> Result<Option<Grafana>, String> {
        let Some(url) = settings.url.as_deref().filter(|url| !url.trim().is_empty()) else {
            return Ok(None);
        };
        let base = Url::parse(url.trim_end_matches('/'))
            .ok()
            .filter(|base| matches!(base.scheme(), "http" | "https"))
            .ok_or_else(|| format!("grafana.url `{url}` is not an http(s) URL"))?;
        let token = settings
            .token
            .clone()
            .filter(|token| !token.expose_secret().is_empty())
            .ok_or("grafana.url is set but grafana.token is not")?;
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|error| error.to_string())?;
        Ok(Some(Grafana { http, base, token }))
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.base.as_str().trim_end_matches('/'))
    }

    /// `GET /api/health`: up when Grafana answers and its database is ok.
    pub async fn health(&self) -> Result<Duration, GrafanaError> {
        let started = Instant::now();
        let response = self
            .http
            .get(self.endpoint("/api/health"))
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        if status.is_success() && body["database"] == "ok" {
            return Ok(started.elapsed());
        }
        Err(GrafanaError {
            status: Some(status.as_u16()),
            kind: None,
            message: format!(
                "database: {}",
                body["database"].as_str().unwrap_or("unknown")
            ),
        })
    }

    /// Creates or updates `dashboard` (a JSON model with its `uid`), expecting Grafana to
    /// hold `known_version` of it (`None` when monitor never saved it).
    pub async fn save(
        &self,
        dashboard: &Value,
        known_version: Option<i64>,
    ) -> Result<SavedDashboard, GrafanaError> {
        match self.post(dashboard, known_version).await {
            Err(error) if error.kind.as_deref() == Some("version-mismatch") => {
                let uid = dashboard["uid"].as_str().unwrap_or_default();
                let current = self.current_version(uid).await?;
                let mut saved = self.post(dashboard, Some(current)).await?;
                saved.replaced_edits = known_version.is_some();
                Ok(saved)
            }
            other => other,
        }
    }

    async fn post(
        &self,
        dashboard: &Value,
        version: Option<i64>,
    ) -> Result<SavedDashboard, GrafanaError> {
        let mut model = dashboard.clone();
        model["id"] = Value::Null;
        if let Some(version) = version {
            model["version"] = json!(version);
        }
        let body = json!({
            "dashboard": model,
            "overwrite": false,
            "message": "saved by monitor",
        });
        let response = self
            .http
            .post(self.endpoint("/api/dashboards/db"))
            .bearer_auth(self.token.expose_secret())
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        let answer: SaveAnswer = read(response).await?;
        Ok(self.saved(answer, dashboard))
    }

    async fn current_version(&self, uid: &str) -> Result<i64, GrafanaError> {
        let response = self
            .http
            .get(self.endpoint(&format!("/api/dashboards/uid/{uid}")))
            .bearer_auth(self.token.expose_secret())
            .send()
            .await
            .map_err(unreachable)?;
        let body: Value = read(response).await?;
        body["dashboard"]["version"]
            .as_i64()
            .ok_or_else(|| GrafanaError {
                status: None,
                kind: None,
                message: format!("dashboard {uid} came back without a version"),
            })
    }

    fn saved(&self, answer: SaveAnswer, dashboard: &Value) -> SavedDashboard {
        let origin = self.base.origin().ascii_serialization();
        let url = format!("{origin}{}", answer.url);
        let panels = dashboard["panels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|panel| {
                let id = panel["id"].as_i64()?;
                let title = panel["title"].as_str().unwrap_or_default().to_string();
                Some((title, format!("{url}?viewPanel={id}")))
            })
            .collect();
        SavedDashboard {
            uid: answer.uid,
            version: answer.version,
            url,
            panels,
            replaced_edits: false,
        }
    }
}

fn unreachable(error: reqwest::Error) -> GrafanaError {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    GrafanaError {
        status: None,
        kind: None,
        message,
    }
}

/// The body of a successful answer, or Grafana's error as it gave it.
async fn read<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, GrafanaError> {
    let status = response.status();
    let text = response.text().await.map_err(unreachable)?;
    if status == StatusCode::OK {
        return serde_json::from_str(&text).map_err(|error| GrafanaError {
            status: Some(status.as_u16()),
            kind: None,
            message: format!("unexpected answer: {error}"),
        });
    }
    let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
    let (message, kind) = match body {
        Some(body) => (body.message.unwrap_or_else(|| text.clone()), body.status),
        None => (text.trim().to_string(), None),
    };
    Err(GrafanaError {
        status: Some(status.as_u16()),
        kind,
        message,
    })
}

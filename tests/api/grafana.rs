//! monitor's Grafana client (`monitor::apps::grafana`) against the fake Grafana HTTP API:
//! dashboards created and updated with their versions, a 412 version-mismatch after an
//! edit in Grafana, and Grafana refusing or gone.

use monitor::apps::dashboard::{DashboardApp, dashboard_json, dashboard_uid};
use monitor::apps::grafana::Grafana;
use monitor::config::GrafanaSettings;
use secrecy::SecretString;
use serde_json::Value;

use crate::fake_grafana::FakeGrafana;

const APP_ID: &str = "01JD8ZQ7W1R6T9Y3X5V2B4N8MK";

fn client(fake: &FakeGrafana, token: &str) -> Grafana {
    let settings = GrafanaSettings {
        url: Some(fake.url()),
        token: Some(SecretString::from(token.to_string())),
    };
    Grafana::from_settings(&settings)
        .expect("valid settings")
        .expect("configured")
}

fn dashboard() -> Value {
    let namespaces = ["ml-demo-api".to_string()];
    dashboard_json(&DashboardApp {
        id: APP_ID,
        namespace: "ml",
        name: "demo",
        component_namespaces: &namespaces,
    })
}

#[tokio::test]
async fn a_dashboard_is_created_then_updated_under_its_apps_uid() {
    let fake = FakeGrafana::start().await;
    let grafana = client(&fake, &fake.token);

    let created = grafana.save(&dashboard(), None).await.expect("created");
    let updated = grafana
        .save(&dashboard(), Some(created.version))
        .await
        .expect("updated");

    let uid = dashboard_uid(APP_ID);
    assert_eq!((created.uid.as_str(), created.version), (uid.as_str(), 1));
    assert_eq!(updated.version, 2);
    assert!(!updated.replaced_edits);
    assert_eq!(
        created.url,
        format!("{}/d/{uid}/monitor-ml-demo", fake.url())
    );
    assert_eq!(created.panels.len(), 4);
    assert_eq!(created.panels[0].1, format!("{}?viewPanel=1", created.url));
    let stored = fake.dashboard(&uid).expect("stored");
    assert_eq!(stored["version"], 2);
    assert_eq!(fake.save_statuses(), [200, 200]);
}

#[tokio::test]
async fn an_edit_made_in_grafana_is_replaced_after_its_412_version_mismatch() {
    let fake = FakeGrafana::start().await;
    let grafana = client(&fake, &fake.token);
    let created = grafana.save(&dashboard(), None).await.expect("created");
    fake.edit_in_ui(&created.uid);

    let saved = grafana
        .save(&dashboard(), Some(created.version))
        .await
        .expect("saved over the edit");

    assert_eq!(fake.save_statuses(), [200, 412, 200]);
    assert!(saved.replaced_edits);
    assert_eq!(saved.version, 3);
}

#[tokio::test]
async fn a_dashboard_titled_like_another_is_refused_as_name_exists() {
    let fake = FakeGrafana::start().await;
    let grafana = client(&fake, &fake.token);
    grafana.save(&dashboard(), None).await.expect("created");
    let mut twin = dashboard();
    twin["uid"] = "someone-elses".into();

    let refused = grafana.save(&twin, None).await.expect_err("name-exists");

    assert_eq!(refused.status, Some(412));
    assert_eq!(refused.kind.as_deref(), Some("name-exists"));
    assert_eq!(
        refused.message,
        "A dashboard with the same name in the folder already exists"
    );
}

#[tokio::test]
async fn grafana_refusing_or_gone_is_unavailable_with_its_own_message() {
    let fake = FakeGrafana::start().await;
    let grafana = client(&fake, &fake.token);
    let wrong_token = client(&fake, "glsa_wrong");

    let unauthorized = wrong_token.save(&dashboard(), None).await.expect_err("401");
    fake.refuse(500, "Failed to save dashboard", 1);
    let failed = grafana.save(&dashboard(), None).await.expect_err("500");
    fake.go_down().await;
    let gone = grafana.save(&dashboard(), None).await.expect_err("down");
    let unhealthy = grafana.health().await;
    fake.come_back().await;
    let healthy = grafana.health().await;
    let saved = grafana.save(&dashboard(), None).await;

    assert_eq!(
        (unauthorized.status, unauthorized.message.as_str()),
        (Some(401), "Invalid API key")
    );
    assert_eq!(
        (failed.status, failed.message.as_str()),
        (Some(500), "Failed to save dashboard")
    );
    assert_eq!(gone.status, None);
    let error = monitor::error::Error::from(gone);
    assert_eq!(error.code(), "UNAVAILABLE");
    assert!(
        error.to_string().contains("Grafana is unreachable"),
        "{error}"
    );
    assert!(unhealthy.is_err());
    assert!(healthy.is_ok(), "{healthy:?}");
    assert_eq!(saved.expect("saved once Grafana is back").version, 1);
}

#[test]
fn a_grafana_url_without_a_token_is_a_configuration_error() {
    let settings = GrafanaSettings {
        url: Some("http://grafana:3000".into()),
        token: None,
    };
    let error = Grafana::from_settings(&settings).err().expect("an error");
    assert!(error.contains("grafana.token"), "{error}");
    let none = GrafanaSettings::default();
    assert!(Grafana::from_settings(&none).expect("valid").is_none());
}

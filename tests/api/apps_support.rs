//! What the app tests share: monitor started against the fake API server (through an
//! ordinary kubeconfig) with the fake controller running, graphs, and running an app
//! mutation that starts an operation to its end.

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fake_kube::{ControllerConfig, FakeKube};
use crate::helpers::TestApp;

pub const APP_FIELDS: &str = "id namespace name description active inCluster drifted versionCount \
     autoRevert readonly labels { key value } status { phase reason messages observedGeneration generation } \
     activeVersion { number hash } liveVersion { number } endpoints { component paths }";

pub struct AppsFixture {
    pub fake: FakeKube,
    pub app: TestApp,
    pub admin: String,
    pub kubeconfig: TempDir,
}

/// monitor reaching a fresh fake API server whose controller deploys in 50 ms.
pub async fn fixture() -> AppsFixture {
    fixture_with_env(Vec::new()).await
}

/// [`fixture`], with more settings in monitor's environment.
pub async fn fixture_with_env(extra_env: Vec<(String, String)>) -> AppsFixture {
    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig::default());
    let dir = tempfile::tempdir().expect("temporary directory");
    let kubeconfig = fake.write_kubeconfig(dir.path());
    let app = TestApp::spawn_with_env(
        vec![
            (
                "MONITOR_KUBERNETES__KUBECONFIG".into(),
                kubeconfig.display().to_string(),
            ),
            (
                "MONITOR_KUBERNETES__REQUEST_TIMEOUT_SECONDS".into(),
                "5".into(),
            ),
            (
                "MONITOR_KUBERNETES__DEPLOY_TIMEOUT_SECONDS".into(),
                "10".into(),
            ),
        ]
        .into_iter()
        .chain(extra_env)
        .collect(),
    )
    .await;
    let admin = app.admin_token().await;
    AppsFixture {
        fake,
        app,
        admin,
        kubeconfig: dir,
    }
}

/// A graph of one component (chart `version`) writing to one flow.
pub fn graph(version: &str) -> Value {
    json!({
        "components": {"api": {
            "chart": {"repo": "rampart-repo", "name": "api", "version": version},
            "config": {"replicas": 1},
            "outputs": {"out": {"type": "pulsar", "flow": "events"}}
        }},
        "flows": {"events": {"type": "pulsar"}}
    })
}

impl AppsFixture {
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.app.graphql(Some(&self.admin), query, variables).await
    }

    /// Creates `ml/<name>` with `graph(chart)` as version 1; returns the app.
    pub async fn create(&self, name: &str, chart: &str) -> Value {
        let body = self
            .graphql(
                &format!(
                    "mutation($input: CreateAppInput!) {{ createApp(input: $input) {{ {APP_FIELDS} }} }}"
                ),
                json!({"input": {"namespace": "ml", "name": name, "graph": graph(chart)}}),
            )
            .await;
        assert!(body["errors"].is_null(), "createApp: {body}");
        body["data"]["createApp"].clone()
    }

    /// Saves `graph(chart)` as a version of the app; returns the version.
    pub async fn save(&self, app_id: &str, chart: &str) -> Value {
        let body = self
            .graphql(
                "mutation($input: SaveAppGraphInput!) { saveAppGraph(input: $input) { number hash source } }",
                json!({"input": {"appId": app_id, "graph": graph(chart), "message": format!("chart {chart}")}}),
            )
            .await;
        assert!(body["errors"].is_null(), "saveAppGraph: {body}");
        body["data"]["saveAppGraph"].clone()
    }

    pub async fn get(&self, app_id: &str) -> Value {
        let body = self
            .graphql(
                &format!("query($id: ID!) {{ app(id: $id) {{ {APP_FIELDS} }} }}"),
                json!({"id": app_id}),
            )
            .await;
        assert!(body["errors"].is_null(), "app: {body}");
        body["data"]["app"].clone()
    }

    /// Runs `deployApp` (or `undeployApp`) with `input` to its end; returns the
    /// operation as it ended and its output lines.
    pub async fn run(&self, mutation: &str, input: Value) -> (Value, Vec<String>) {
        let query = format!(
            "mutation($input: {}Input!) {{ {mutation}(input: $input) {{ id status }} }}",
            upper_first(mutation)
        );
        crate::stacks::act(&self.app, &self.admin, &query, json!({"input": input})).await
    }

    /// The app's deployments, newest first.
    pub async fn deployments(&self, app_id: &str) -> Vec<Value> {
        let body = self
            .graphql(
                "query($id: ID!) { app(id: $id) { deployments { nodes { action fromVersion toVersion reason outcome message actor { name } operation { id status } } } } }",
                json!({"id": app_id}),
            )
            .await;
        body["data"]["app"]["deployments"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("deployments: {body}"))
            .clone()
    }

    /// Writes `ml/demo`'s status through `/status` as the controller does, from a client
    /// of its own.
    pub async fn controller_says(&self, status: Value) {
        // As monitor's client does: the dependency tree enables two rustls providers.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let kubeconfig =
            kube::config::Kubeconfig::read_from(self.kubeconfig.path().join("kubeconfig"))
                .expect("kubeconfig");
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
            .await
            .expect("config");
        let client = kube::Client::try_from(config).expect("client");
        let kind =
            kube::core::GroupVersionKind::gvk("rampart.petuum.com", "v1beta2", "RampartGraph");
        let resource = kube::api::ApiResource::from_gvk_with_plural(&kind, "rampartgraphs");
        let api: kube::Api<kube::api::DynamicObject> =
            kube::Api::namespaced_with(client, "ml", &resource);
        api.patch_status(
            "demo",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(json!({"status": status})),
        )
        .await
        .expect("the status is written");
    }

    /// The requests that would change something in the cluster.
    pub fn writes(&self) -> Vec<String> {
        self.fake
            .requests()
            .into_iter()
            .filter(|request| !matches!(request.method.as_str(), "GET" | "HEAD"))
            .map(|request| format!("{} {}", request.method, request.uri))
            .collect()
    }
}

fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

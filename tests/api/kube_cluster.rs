//! monitor's Kubernetes client (`monitor::kube`) against the fake API server, reached
//! through an ordinary kubeconfig file: apply and read back, ownership of the spec,
//! paging, and refusals with the API's own messages.

use kube::api::{Patch, PatchParams};
use monitor::apps::resource::{LiveGraph, apply_body};
use monitor::kube::{Environment, Kubernetes};
use serde_json::json;

use crate::fake_kube::FakeKube;
use crate::kube_support::{apply, cluster, connect, graph, other_client, settings};

#[tokio::test]
async fn a_graph_applied_by_monitor_reads_back_with_monitor_as_its_field_manager() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let created = apply(cluster, "demo", "1.0.0").await;
    let read = cluster
        .get("ml", "demo")
        .await
        .expect("get")
        .expect("the resource exists");

    let request = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("a PATCH");
    assert_eq!(
        request.content_type.as_deref(),
        Some("application/apply-patch+yaml")
    );
    assert!(
        request.uri.contains("fieldManager=monitor"),
        "{}",
        request.uri
    );
    assert_eq!(
        created.metadata.resource_version,
        read.metadata.resource_version
    );
    let live = LiveGraph::from_object(&read);
    assert_eq!(live.generation, Some(1));
    assert_eq!(live.graph, Some(graph("1.0.0")));
    assert!(live.deploy);
    let manager = live.spec_manager.expect("a spec manager");
    assert_eq!(
        (manager.manager.as_str(), manager.operation.as_str()),
        ("monitor", "Apply")
    );
}

#[tokio::test]
async fn an_out_of_band_edit_is_attributed_and_conflicts_until_monitor_forces_its_apply() {
    let fake = FakeKube::start().await;
    let (dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    apply(cluster, "demo", "1.0.0").await;
    let body = apply_body(cluster.resource(), "ml", "demo", &graph("1.0.0"), true);
    let api = other_client(&dir, cluster).await;
    let edit = json!({"spec": {"graph": {"components": {"api": {"chart": {"version": "1.0.1"}}}}}});
    let params = kube::api::PatchParams {
        field_manager: Some("kubectl-edit".into()),
        ..Default::default()
    };

    let edited = api
        .patch("demo", &params, &kube::api::Patch::Merge(&edit))
        .await
        .expect("edit");
    let refused = cluster
        .apply("ml", "demo", &body, false)
        .await
        .expect_err("a conflict");
    let forced = cluster
        .apply("ml", "demo", &body, true)
        .await
        .expect("a forced apply");

    let live = LiveGraph::from_object(&edited);
    assert_eq!(
        live.spec_manager.map(|m| m.manager).as_deref(),
        Some("kubectl-edit")
    );
    assert_eq!(live.generation, Some(2));
    assert_eq!(refused.code, Some(409));
    assert!(
        refused.message.starts_with("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using rampart.petuum.com/v1beta2")
            && refused.message.ends_with(": .spec.graph.components.api.chart.version"),
        "{}",
        refused.message
    );
    let live = LiveGraph::from_object(&forced);
    assert_eq!(live.graph, Some(graph("1.0.0")));
    assert_eq!(
        live.spec_manager.map(|m| m.manager).as_deref(),
        Some("monitor")
    );
}

#[tokio::test]
async fn a_list_in_pages_reads_every_resource_once_from_one_snapshot() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    for index in 0..7 {
        let name = format!("app-{index}");
        apply(cluster, &name, "1").await;
    }

    let first = cluster.list_page(None, 3, None).await.expect("page 1");
    apply(cluster, "app-late", "1").await;
    let second = cluster
        .list_page(None, 3, first.metadata.continue_.clone())
        .await
        .expect("page 2");
    let third = cluster
        .list_page(None, 3, second.metadata.continue_.clone())
        .await
        .expect("page 3");

    let names: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|page| {
            page.items
                .iter()
                .map(|item| item.metadata.name.clone().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        names,
        (0..7).map(|i| format!("app-{i}")).collect::<Vec<_>>()
    );
    assert_eq!(first.metadata.remaining_item_count, Some(4));
    assert!(
        third
            .metadata
            .continue_
            .as_deref()
            .unwrap_or_default()
            .is_empty()
    );
    assert_eq!(
        first.metadata.resource_version,
        third.metadata.resource_version
    );
    let fresh = cluster
        .list_page(Some("ml"), 100, None)
        .await
        .expect("a new list");
    assert_eq!(fresh.items.len(), 8);

    let page = cluster
        .list_page(None, 3, None)
        .await
        .expect("page 1 again");
    fake.compact();
    let gone = cluster
        .list_page(None, 3, page.metadata.continue_)
        .await
        .expect_err("410");
    assert_eq!((gone.code, gone.reason.as_str()), (Some(410), "Expired"));
}

#[tokio::test]
async fn refusals_come_back_with_the_api_servers_own_message() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let body = apply_body(cluster.resource(), "ml", "demo", &graph("1"), true);
    let mut invalid = body.clone();
    invalid["spec"]["deploy"] = json!("yes");

    let unprocessable = cluster
        .apply("ml", "demo", &invalid, false)
        .await
        .expect_err("422");
    fake.refuse(409, 1, Some("patch"), None);
    let conflict = cluster
        .apply("ml", "demo", &body, false)
        .await
        .expect_err("409");
    fake.refuse(500, 1, None, None);
    let internal = cluster.get("ml", "demo").await.expect_err("500");
    fake.forbid("patch", Some("ml"));
    let forbidden = cluster
        .apply("ml", "demo", &body, false)
        .await
        .expect_err("403");

    assert_eq!(unprocessable.code, Some(422));
    assert_eq!(
        unprocessable.message,
        "RampartGraph.rampart.petuum.com \"demo\" is invalid: spec.deploy: Invalid value: \"string\": \
         spec.deploy in body must be of type boolean: \"string\""
    );
    assert_eq!(conflict.code, Some(409));
    assert!(
        conflict.message.contains("the object has been modified"),
        "{}",
        conflict.message
    );
    assert_eq!(
        (internal.code, internal.message.as_str()),
        (
            Some(500),
            "Internal error occurred: etcdserver: request timed out"
        )
    );
    assert_eq!(forbidden.code, Some(403));
    assert_eq!(
        forbidden.message,
        "rampartgraphs.rampart.petuum.com \"demo\" is forbidden: User \"system:serviceaccount:monitor:monitor\" \
         cannot patch resource \"rampartgraphs\" in API group \"rampart.petuum.com\" in the namespace \"ml\""
    );
    assert!(fake.object("ml", "demo").is_none(), "nothing was stored");
    let client_error = monitor::error::Error::from(forbidden);
    assert_eq!(client_error.code(), "UNAVAILABLE");
}

#[tokio::test]
async fn a_wrong_token_is_refused_as_unauthorized() {
    let fake = FakeKube::start().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let kubeconfig = fake.write_kubeconfig(dir.path());
    let text = std::fs::read_to_string(&kubeconfig)
        .expect("read")
        .replace(&fake.shared.token, "stolen");
    std::fs::write(&kubeconfig, text).expect("write");
    let kubernetes =
        Kubernetes::from_settings(&settings(kubeconfig), &Environment::default()).await;

    let refused = cluster(&kubernetes)
        .get("ml", "demo")
        .await
        .expect_err("401");

    assert_eq!(
        (refused.code, refused.message.as_str()),
        (Some(401), "Unauthorized")
    );
}

#[tokio::test]
async fn status_goes_through_its_subresource_and_spec_writes_leave_it_alone() {
    let fake = FakeKube::start().await;
    let (dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    apply(cluster, "demo", "1").await;
    let controller = other_client(&dir, cluster).await;
    let status = json!({
        "apiVersion": "rampart.petuum.com/v1beta2",
        "kind": "RampartGraph",
        "metadata": {"name": "demo"},
        "spec": {"deploy": false},
        "status": {"phase": "Deployed", "observedGeneration": 1}
    });
    let as_controller = PatchParams::apply("rampart-controller");

    let after_status = controller
        .patch_status("demo", &as_controller, &Patch::Apply(&status))
        .await
        .expect("a status apply");
    let spec_with_status = json!({"spec": {"deploy": false}, "status": {"phase": "Failed"}});
    let after_spec = controller
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(&spec_with_status),
        )
        .await
        .expect("a merge patch");

    let live = LiveGraph::from_object(&after_status);
    assert!(live.deploy, "a status write leaves the spec alone");
    assert_eq!(live.generation, Some(1));
    assert!(live.is_settled());
    let entry = after_status
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .find(|entry| entry.manager.as_deref() == Some("rampart-controller"))
        .expect("the controller's entry");
    assert_eq!(entry.subresource.as_deref(), Some("status"));
    assert_eq!(
        live.spec_manager.map(|m| m.manager).as_deref(),
        Some("monitor")
    );
    let live = LiveGraph::from_object(&after_spec);
    assert!(!live.deploy);
    assert_eq!(live.generation, Some(2));
    assert_eq!(
        after_spec.data["status"]["phase"], "Deployed",
        "a spec write leaves the status alone"
    );
}

#[tokio::test]
async fn too_many_requests_are_retried_by_kube_rs_until_the_api_server_answers() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    apply(cluster, "demo", "1").await;
    fake.refuse(429, 2, Some("get"), None);

    let read = cluster
        .get("ml", "demo")
        .await
        .expect("answered after the retries");

    assert!(read.is_some());
    let gets = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.uri.ends_with("/rampartgraphs/demo"))
        .count();
    assert_eq!(gets, 3, "two refusals, then the answer");
}

#[tokio::test]
async fn an_apply_in_yaml_creates_then_updates_and_needs_a_field_manager() {
    let fake = FakeKube::start().await;
    let url = format!(
        "{}/apis/rampart.petuum.com/v1beta2/namespaces/ml/rampartgraphs/demo",
        fake.url()
    );
    let yaml = "apiVersion: rampart.petuum.com/v1beta2\nkind: RampartGraph\nmetadata:\n  name: demo\n\
                spec:\n  deploy: true\n  graph:\n    components: {}\n    flows: {}\n";
    let http = reqwest::Client::new();
    let send = |query: &'static str| {
        http.patch(format!("{url}{query}"))
            .bearer_auth(&fake.shared.token)
            .header("content-type", "application/apply-patch+yaml")
            .body(yaml)
            .send()
    };

    let created = send("?fieldManager=kubectl").await.expect("an answer");
    let updated = send("?fieldManager=kubectl").await.expect("an answer");
    let anonymous = send("").await.expect("an answer");

    assert_eq!(created.status(), 201);
    assert_eq!(updated.status(), 200);
    assert_eq!(anonymous.status(), 422);
    let refusal: serde_json::Value = anonymous.json().await.expect("a Status");
    assert_eq!(
        refusal["message"],
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
    );
    let stored = fake.object("ml", "demo").expect("stored");
    assert_eq!(stored["metadata"]["managedFields"][0]["manager"], "kubectl");
}

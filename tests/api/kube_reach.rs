//! Reaching the cluster: what health says when there is none, when it answers and when
//! it does not, and reading a flow service through the API server's service proxy.

use axum::http::StatusCode;
use axum::routing::get;
use monitor::config::KubernetesSettings;
use monitor::kube::{ClusterHealth, Environment, Kubernetes, ServicePort};

use crate::fake_kube::FakeKube;
use crate::kube_support::{cluster, connect, settings};

#[tokio::test]
async fn health_is_not_configured_up_or_down_with_the_reason() {
    let nowhere = Environment {
        home: Some("/nonexistent-home".into()),
        ..Environment::default()
    };
    let unconfigured = Kubernetes::from_settings(&KubernetesSettings::default(), &nowhere).await;
    let missing_file = settings("/nonexistent/kubeconfig".into());
    let misconfigured = Kubernetes::from_settings(&missing_file, &nowhere).await;
    let fake = FakeKube::start().await;
    let (dir, kubernetes) = connect(&fake).await;
    let wrong_plural = KubernetesSettings {
        plural: "rampartgraph".into(),
        ..settings(dir.path().join("kubeconfig"))
    };
    let no_crd = Kubernetes::from_settings(&wrong_plural, &nowhere).await;

    let up = kubernetes.health().await;
    let crd_missing = no_crd.health().await;
    fake.go_down().await;
    let down = kubernetes.health().await;

    assert_eq!(unconfigured.health().await, ClusterHealth::NotConfigured);
    let unavailable = unconfigured.cluster().err().expect("no cluster");
    assert_eq!(unavailable.code(), "UNAVAILABLE");
    let ClusterHealth::Down { reason } = misconfigured.health().await else {
        panic!("a missing kubeconfig is down")
    };
    assert!(reason.contains("/nonexistent/kubeconfig"), "{reason}");
    assert!(matches!(up, ClusterHealth::Up { .. }), "{up:?}");
    let ClusterHealth::Down { reason } = crd_missing else {
        panic!("a resource the server does not serve is down: {crd_missing:?}")
    };
    assert!(reason.contains("is its CRD installed?"), "{reason}");
    let ClusterHealth::Down { reason } = down else {
        panic!("a server that is gone is down: {down:?}")
    };
    assert!(reason.contains("unreachable"), "{reason}");
}

#[tokio::test]
async fn the_service_proxy_reads_a_service_tells_its_answers_from_the_api_servers_and_refuses_traversal()
 {
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = upstream.local_addr().expect("an address");
    let flow_service = axum::Router::new().route(
        "/flows/{flow}/file",
        get(
            |axum::extract::Path(flow): axum::extract::Path<String>,
             axum::extract::Query(query): axum::extract::Query<Vec<(String, String)>>| async move {
                if flow == "missing" {
                    return (StatusCode::NOT_FOUND, "no such flow".to_string());
                }
                (StatusCode::OK, format!("{flow}: {query:?}"))
            },
        ),
    );
    let server = tokio::spawn(async move { axum::serve(upstream, flow_service).await });
    let fake = FakeKube::start().await;
    fake.add_service("ml", "demo-flows", "8080", address);
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let service = |name: &str| ServicePort {
        namespace: "ml".into(),
        name: name.into(),
        port: "8080".into(),
    };
    let query = [("path", "runs/a b.txt")];

    let file = cluster
        .proxy_get(
            &service("demo-flows"),
            &["flows", "my events", "file"],
            &query,
            1024,
        )
        .await
        .expect("read through the proxy");
    let refused_by_service = cluster
        .proxy_get(
            &service("demo-flows"),
            &["flows", "missing", "file"],
            &[],
            1024,
        )
        .await
        .expect("the service's own answer");
    let truncated = cluster
        .proxy_get(
            &service("demo-flows"),
            &["flows", "events", "file"],
            &query,
            4,
        )
        .await
        .expect("the first bytes");
    let traversal = cluster
        .proxy_get(
            &service("demo-flows"),
            &["flows", "..", "secrets"],
            &[],
            1024,
        )
        .await
        .expect_err("traversal");
    let no_service = cluster
        .proxy_get(&service("nope"), &["flows"], &[], 1024)
        .await
        .expect_err("no such service");
    server.abort();
    let _ = server.await;
    let not_listening = cluster
        .proxy_get(
            &service("demo-flows"),
            &["flows", "events", "file"],
            &[],
            1024,
        )
        .await
        .expect_err("nothing listens");

    assert_eq!(file.code, 200);
    assert!(!file.truncated);
    assert_eq!(
        String::from_utf8(file.body).expect("UTF-8"),
        r#"my events: [("path", "runs/a b.txt")]"#
    );
    let proxied = fake
        .requests()
        .into_iter()
        .find(|r| r.uri.contains("/proxy/"))
        .expect("a proxied request");
    assert_eq!(
        proxied.uri,
        "/api/v1/namespaces/ml/services/demo-flows:8080/proxy/flows/my%20events/file?path=runs%2Fa+b.txt"
    );
    assert_eq!(
        (refused_by_service.code, refused_by_service.body.as_slice()),
        (404, b"no such flow".as_slice())
    );
    assert!(truncated.truncated);
    assert_eq!(truncated.body, b"even");
    assert!(traversal.message.contains("`..`"), "{}", traversal.message);
    assert_eq!(no_service.code, Some(404));
    assert_eq!(no_service.message, "services \"nope\" not found");
    assert_eq!(not_listening.code, Some(503));
    assert!(
        not_listening
            .message
            .contains("error trying to reach service"),
        "{}",
        not_listening.message
    );
}

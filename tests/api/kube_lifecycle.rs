//! A resource's life with the (fake) controller: generations and status through
//! `/status`, a failed deployment, one that never finishes, and deletion held by the
//! controller's finalizer.

use kube::runtime::watcher;
use monitor::apps::follow::{Ending, Follower};
use monitor::apps::resource::Phase;
use monitor::kube::Deletion;

use crate::fake_kube::{ControllerConfig, FakeKube, Outcome};
use crate::kube_support::{applied, apply, cluster, connect, until, watching};

#[tokio::test]
async fn the_same_graph_changes_nothing_and_only_spec_changes_bump_the_generation() {
    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig::default());
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let mut events = cluster.watch();
    apply(cluster, "demo", "1.0.0").await;
    let deployed = until(&mut events, "a deployed generation 1", |item| {
        applied(item).is_some_and(|live| live.status.phase == Some(Phase::Deployed))
    })
    .await;
    let live = deployed
        .last()
        .and_then(applied)
        .expect("the deployed resource");

    let again = apply(cluster, "demo", "1.0.0").await;
    let changed = apply(cluster, "demo", "2.0.0").await;

    assert_eq!(
        again.metadata.resource_version, live.resource_version,
        "a no-op apply commits nothing"
    );
    assert_eq!(
        live.generation,
        Some(1),
        "status writes leave the generation alone"
    );
    assert!(live.is_settled());
    assert_eq!(changed.metadata.generation, Some(2));
    let status = &changed.data["status"];
    assert_eq!(
        status["phase"], "Deployed",
        "the controller's status stays: {status}"
    );
    assert_eq!(live.status.endpoints["api"], ["/ml/demo/api/"]);
    assert_eq!(live.status.component_namespaces, ["ml-demo-api"]);
}

#[tokio::test]
async fn a_failed_deployment_carries_the_controllers_reason_and_messages() {
    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig {
        outcome: Outcome::Failed("helmfile sync failed: chart api:9.9.9 not found".into()),
        ..ControllerConfig::default()
    });
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let mut events = watching(cluster).await;
    apply(cluster, "demo", "9.9.9").await;
    let seen = until(&mut events, "a failed status", |item| {
        applied(item).is_some_and(|live| live.is_settled())
    })
    .await;

    let phases: Vec<Option<Phase>> = seen
        .iter()
        .filter_map(applied)
        .map(|live| live.status.phase)
        .collect();
    assert!(phases.contains(&Some(Phase::Deploying)), "{phases:?}");
    let live = seen.last().and_then(applied).expect("the failed resource");
    assert_eq!(live.status.phase, Some(Phase::Failed));
    assert_eq!(live.status.reason.as_deref(), Some("GraphDeploymentError"));
    assert_eq!(
        live.status.messages,
        ["helmfile sync failed: chart api:9.9.9 not found"]
    );
}

#[tokio::test]
async fn a_delete_waits_for_the_controllers_finalizer_then_the_resource_is_gone() {
    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig::default());
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let mut events = cluster.watch();
    apply(cluster, "demo", "1").await;
    until(&mut events, "a deployed resource", |item| {
        applied(item).is_some_and(|live| live.is_settled())
    })
    .await;

    let deletion = cluster.delete("ml", "demo").await.expect("delete");
    let Deletion::Pending(object) = deletion else {
        panic!("the finalizer holds the resource: {deletion:?}")
    };
    let seen = until(&mut events, "the resource gone", |item| {
        matches!(item, Ok(watcher::Event::Delete(_)))
    })
    .await;

    assert!(object.metadata.deletion_timestamp.is_some());
    assert_eq!(
        object.metadata.finalizers,
        Some(vec!["rampart.petuum.com/graph".to_string()])
    );
    let phases: Vec<Option<Phase>> = seen
        .iter()
        .filter_map(applied)
        .map(|live| live.status.phase)
        .collect();
    assert!(phases.contains(&Some(Phase::Deleting)), "{phases:?}");
    assert!(cluster.get("ml", "demo").await.expect("get").is_none());
}

#[tokio::test]
async fn a_resource_without_finalizers_is_gone_at_once() {
    let fake = FakeKube::start().await;
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    apply(cluster, "demo", "1").await;

    let deletion = cluster.delete("ml", "demo").await.expect("delete");
    let missing = cluster.delete("ml", "demo").await.expect_err("404");

    assert!(matches!(deletion, Deletion::Gone), "{deletion:?}");
    assert!(fake.object("ml", "demo").is_none());
    assert_eq!(missing.code, Some(404));
    assert_eq!(
        missing.message,
        "rampartgraphs.rampart.petuum.com \"demo\" not found"
    );
}

#[tokio::test]
async fn a_generation_the_controller_has_not_finished_is_not_settled() {
    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig {
        outcome: Outcome::Stalled,
        ..ControllerConfig::default()
    });
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let mut events = cluster.watch();
    apply(cluster, "demo", "1").await;

    let seen = until(&mut events, "a deploying resource", |item| {
        applied(item).is_some_and(|live| live.status.phase == Some(Phase::Deploying))
    })
    .await;

    let live = seen
        .last()
        .and_then(applied)
        .expect("the deploying resource");
    assert_eq!(live.generation, Some(1));
    assert_eq!(live.status.observed_generation, None);
    assert!(!live.is_settled());
    assert!(
        !seen
            .iter()
            .any(|item| matches!(item, Ok(watcher::Event::Delete(_))))
    );
}

#[tokio::test]
async fn following_a_deploy_through_the_watch_ends_deployed_with_a_line_per_phase() {
    let fake = FakeKube::start().await;
    fake.run_controller(ControllerConfig::default());
    let (_dir, kubernetes) = connect(&fake).await;
    let cluster = cluster(&kubernetes);
    let mut events = watching(cluster).await;
    let applied_object = apply(cluster, "demo", "1").await;
    let mut follower = Follower::new(applied_object.metadata.generation.expect("a generation"));
    let mut lines = Vec::new();
    let mut ending = None;

    until(&mut events, "the end of the deploy", |item| {
        if let Some(live) = applied(item).filter(|live| live.name == "demo") {
            let (line, end) = follower.observe(Some(&live));
            lines.extend(line);
            ending = end;
        }
        ending.is_some()
    })
    .await;

    assert_eq!(ending, Some(Ending::Done(Phase::Deployed)));
    assert!(
        lines
            .first()
            .is_some_and(|line| line.contains("waiting for the controller")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|line| line.starts_with("Deploying")),
        "{lines:?}"
    );
    assert!(
        lines
            .last()
            .is_some_and(|line| line.starts_with("Deployed (generation 1, finished generation 1)")),
        "{lines:?}"
    );
}

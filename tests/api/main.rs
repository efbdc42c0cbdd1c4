//! Integration tests: one binary (one link), a module per capability. Each test starts
//! the real `monitor` server and talks to it over HTTP and websockets; the `kube_*` and
//! `grafana` modules drive monitor's Kubernetes and Grafana clients directly against the
//! fakes in `fake_kube` and `fake_grafana` (no real API server or Grafana runs here).

mod apps_support;
mod dockerd;
mod fake_flows;
mod fake_grafana;
mod fake_kube;
mod gitrepo;
mod helpers;
mod kube_support;
mod registry;
mod restartable;
mod ws;

mod agent;
mod apps_dashboards;
mod apps_deploy;
mod apps_faults;
mod apps_flows;
mod apps_records;
mod apps_sync;
mod audit;
mod auth;
mod backup;
mod container_page;
mod containers;
mod damage;
mod dashboard;
mod disk;
mod durability;
mod engine_resources;
mod faults;
mod grafana;
mod graphql_over_http;
mod health;
mod kube_cluster;
mod kube_lifecycle;
mod kube_reach;
mod kube_watch;
mod limits;
mod logs;
mod operations;
mod probe;
mod relations;
mod schema;
mod servers;
mod shell;
mod stacks;
mod stacks_on_agents;
mod start_up;
mod users;
mod websocket;

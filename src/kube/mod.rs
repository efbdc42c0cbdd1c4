//! The Kubernetes cluster apps are deployed to, seen through kube-rs: where its
//! configuration comes from, the graph resource in it, reading from its services
//! through the API server's proxy, and its health. No rules about apps live here;
//! `apps` decides what to apply and when.
//!
//! A cluster is optional. With none configured, or one whose configuration is broken,
//! monitor starts and serves everything else, and what needs the cluster answers
//! `UNAVAILABLE` with the reason.

mod cluster;
mod config;
mod error;
mod health;
mod proxy;

use std::sync::Arc;

pub use cluster::{Cluster, Deletion, FIELD_MANAGER};
pub use config::{Environment, Source, find_source};
pub use error::ClusterError;
pub use health::ClusterHealth;
pub use proxy::{ProxyAnswer, ServicePort};

use crate::config::KubernetesSettings;
use crate::error::{Error, Result};

/// monitor's view of its cluster.
#[derive(Clone)]
pub enum Kubernetes {
    /// No kubeconfig anywhere and not in a pod: apps are off.
    NotConfigured,
    /// A configuration was found but cannot be used; the reason says why.
    Misconfigured { reason: Arc<str> },
    /// A client for the cluster (which may still be down: see [`Kubernetes::health`]).
    Configured {
        cluster: Box<Cluster>,
        source: Arc<str>,
    },
}

impl Kubernetes {
    /// Finds and reads the cluster configuration. Never fails: what is missing or broken
    /// becomes the state, so a missing cluster never stops monitor from starting.
    pub async fn from_settings(
        settings: &KubernetesSettings,
        environment: &Environment,
    ) -> Kubernetes {
        let Some(source) = find_source(settings, environment) else {
            return Kubernetes::NotConfigured;
        };
        let cluster = match config::load(&source, settings).await {
            Ok(config) => {
                Cluster::new(config, settings).map_err(|error| format!("{source}: {error}"))
            }
            Err(reason) => Err(reason),
        };
        match cluster {
            Ok(cluster) => {
                tracing::info!(%source, server = cluster.server(), "Kubernetes cluster configured");
                Kubernetes::Configured {
                    cluster: Box::new(cluster),
                    source: source.to_string().into(),
                }
            }
            Err(reason) => {
                tracing::warn!(%reason, "the Kubernetes configuration cannot be used");
                Kubernetes::Misconfigured {
                    reason: reason.into(),
                }
            }
        }
    }

    /// The cluster, or `UNAVAILABLE` saying why there is none.
    pub fn cluster(&self) -> Result<&Cluster> {
        match self {
            Kubernetes::Configured { cluster, .. } => Ok(cluster),
            Kubernetes::NotConfigured => Err(Error::Unavailable {
                component: "kubernetes",
                message: "no cluster is configured (set kubernetes.kubeconfig or KUBECONFIG, \
                          or run monitor in a pod)"
                    .into(),
            }),
            Kubernetes::Misconfigured { reason } => Err(Error::Unavailable {
                component: "kubernetes",
                message: reason.to_string(),
            }),
        }
    }
}

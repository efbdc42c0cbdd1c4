//! Apps on Kubernetes: graphs of components and flows with a version history, deployed
//! as `RampartGraph` resources.
//!
//! [`Apps`] is the service: apps, their numbered versions and deployments ([`model`],
//! stored by `store`), checked on the way in ([`input`]), and what the cluster tells
//! about them. Beside it, the pure parts, each with its tests: the graph model
//! ([`graph`]) and its validation ([`validate`]), the version hash ([`hash`]), the diff
//! between two graphs ([`diff`]), the mapping between an app and its resource
//! ([`resource`]), following a deploy through the resource's status ([`follow`]),
//! Grafana dashboards ([`dashboard`], [`grafana`]), and a graph's flows with their files
//! ([`flows`]). [`sync`] follows the cluster and tells the service what changed there.

pub mod catalog;
pub mod dashboard;
pub mod dashboards;
mod delete;
mod deploy;
pub mod diff;
pub mod flows;
pub mod follow;
pub mod grafana;
pub mod graph;
pub mod graphql;
pub mod hash;
pub mod input;
pub mod model;
mod observe;
pub mod resource;
mod service;
mod store;
pub mod sync;
pub mod validate;

pub use model::{App, AppStatus, AppStatusChanged, AppVersion};
pub use service::Apps;
pub use store::{ListFilter, ListOrder};

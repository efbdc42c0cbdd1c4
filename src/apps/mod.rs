//! Apps on Kubernetes: graphs of components and flows with a version history, deployed
//! as `RampartGraph` resources.
//!
//! What is here so far is the pure part, each with its tests beside it: the graph model
//! ([`graph`]) and its validation ([`validate`]), the version hash ([`hash`]), the diff
//! between two graphs ([`diff`]), the mapping between an app and its resource
//! ([`resource`]), following a deploy through the resource's status ([`follow`]), and
//! Grafana dashboards ([`dashboard`], [`grafana`]).

pub mod dashboard;
pub mod diff;
pub mod follow;
pub mod grafana;
pub mod graph;
pub mod hash;
pub mod resource;
pub mod validate;

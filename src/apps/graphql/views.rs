//! The shapes of app lists and diffs in GraphQL: the filter and order of `apps`, and a
//! graph diff as components and flows with the paths that changed.

use async_graphql::{Enum, InputObject, Json, SimpleObject};

use crate::apps::diff::{Change, EntryDiff, GraphDiff, PathChange};
use crate::apps::input::AppLabelInput;
use crate::apps::model::AppPhase;
use crate::apps::{ListFilter, ListOrder};
use crate::store::page::OrderDirection;

/// Narrows `apps`; every given condition must hold.
#[derive(Debug, Clone, Default, InputObject)]
pub struct AppFilter {
    pub namespace: Option<String>,
    /// Apps whose name contains this text.
    pub name_contains: Option<String>,
    /// Apps carrying this label with this value.
    pub label: Option<AppLabelInput>,
    /// Apps whose controller phase, as last seen, is this one.
    pub phase: Option<AppPhase>,
}

impl From<AppFilter> for ListFilter {
    fn from(filter: AppFilter) -> ListFilter {
        ListFilter {
            namespace: filter.namespace,
            name_contains: filter.name_contains,
            label: filter.label.map(|label| (label.key, label.value)),
            phase: filter.phase,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum AppOrderField {
    /// By namespace, then name.
    #[default]
    Name,
    CreatedAt,
}

#[derive(Debug, Clone, Copy, InputObject)]
pub struct AppOrder {
    pub field: AppOrderField,
    pub direction: Option<OrderDirection>,
}

impl Default for AppOrder {
    fn default() -> AppOrder {
        AppOrder {
            field: AppOrderField::Name,
            direction: Some(OrderDirection::Asc),
        }
    }
}

/// What a cursor of `apps` remembers: `(namespace, name)`, or `(id, "")` by creation.
pub type AppCursor = (String, String);

impl AppOrder {
    pub fn list_order(self, after: Option<AppCursor>) -> ListOrder {
        let descending = self.direction.unwrap_or(OrderDirection::Asc) == OrderDirection::Desc;
        match self.field {
            AppOrderField::Name => ListOrder::Name { descending, after },
            AppOrderField::CreatedAt => ListOrder::Created {
                descending,
                after: after.map(|(id, _)| id),
            },
        }
    }

    pub fn cursor_of(self, app: &crate::apps::App) -> AppCursor {
        match self.field {
            AppOrderField::Name => (app.namespace.clone(), app.name.clone()),
            AppOrderField::CreatedAt => (app.id.to_string(), String::new()),
        }
    }
}

/// Whether a component, flow or path is new, gone or different.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum GraphChange {
    Added,
    Removed,
    Changed,
}

impl From<Change> for GraphChange {
    fn from(change: Change) -> GraphChange {
        match change {
            Change::Added => GraphChange::Added,
            Change::Removed => GraphChange::Removed,
            Change::Changed => GraphChange::Changed,
        }
    }
}

/// One JSON Pointer inside a component or flow whose value differs; the path is empty
/// when the whole entry came or went.
#[derive(Debug, Clone, SimpleObject)]
pub struct GraphPathChange {
    pub path: String,
    pub change: GraphChange,
    pub old: Option<Json<serde_json::Value>>,
    pub new: Option<Json<serde_json::Value>>,
}

/// One component or flow that differs.
#[derive(Debug, Clone, SimpleObject)]
pub struct GraphEntryDiff {
    pub name: String,
    pub change: GraphChange,
    pub paths: Vec<GraphPathChange>,
}

/// What changed between two graphs, per component and per flow.
#[derive(Debug, Clone, SimpleObject)]
pub struct AppGraphDiff {
    /// The version the diff starts from.
    pub from_version: i64,
    /// The version it goes to; `null` for what is live in the cluster.
    pub to_version: Option<i64>,
    /// The hash of the graph it goes to.
    pub to_hash: String,
    pub identical: bool,
    pub components: Vec<GraphEntryDiff>,
    pub flows: Vec<GraphEntryDiff>,
}

impl AppGraphDiff {
    pub fn new(from: i64, to: Option<i64>, to_hash: String, diff: GraphDiff) -> AppGraphDiff {
        AppGraphDiff {
            from_version: from,
            to_version: to,
            to_hash,
            identical: diff.is_empty(),
            components: diff.components.into_iter().map(entry).collect(),
            flows: diff.flows.into_iter().map(entry).collect(),
        }
    }
}

fn entry(diff: EntryDiff) -> GraphEntryDiff {
    GraphEntryDiff {
        name: diff.name,
        change: diff.change.into(),
        paths: diff.paths.into_iter().map(path).collect(),
    }
}

fn path(change: PathChange) -> GraphPathChange {
    GraphPathChange {
        path: change.path,
        change: change.change.into(),
        old: change.old.map(Json),
        new: change.new.map(Json),
    }
}

//! Relay connections: a page read from the store becomes `edges`, `nodes` and
//! `pageInfo`, with opaque cursors. A page of objects that answer from memory answers
//! from memory too, in one pass (see [`crate::graphql::at_hand`]).

use async_graphql::connection::{Connection, Edge, EmptyFields, PageInfo};
use async_graphql::{ContextSelectionSet, Value};
use serde::Serialize;

use super::at_hand::{AtHand, objects, optional, scalar};
use crate::store::page::{PageRequest, encode_cursor};

/// Builds a Relay connection from `first + 1` fetched rows: the extra row only says
/// whether there is a next page. `cursor_of` says what a node's cursor remembers.
pub fn connection<K, N, C>(
    rows: Vec<N>,
    request: &PageRequest<K>,
    cursor_of: impl Fn(&N) -> C,
) -> Connection<String, N>
where
    N: async_graphql::OutputType,
    C: Serialize,
{
    edges_of(rows, request, |node| encode_cursor(&cursor_of(node)))
}

/// [`connection`] for the field `ctx` resolves: a selection with neither `edges` nor
/// `pageInfo` (only `nodes`) reads no cursor, so none is encoded.
pub fn connection_in<K, N, C>(
    ctx: &async_graphql::Context<'_>,
    rows: Vec<N>,
    request: &PageRequest<K>,
    cursor_of: impl Fn(&N) -> C,
) -> Connection<String, N>
where
    N: async_graphql::OutputType,
    C: Serialize,
{
    let selection = ctx.look_ahead();
    if selection.field("edges").exists() || selection.field("pageInfo").exists() {
        connection(rows, request, cursor_of)
    } else {
        edges_of(rows, request, |_| String::new())
    }
}

fn edges_of<K, N>(
    mut rows: Vec<N>,
    request: &PageRequest<K>,
    cursor_of: impl Fn(&N) -> String,
) -> Connection<String, N>
where
    N: async_graphql::OutputType,
{
    let has_next = rows.len() > request.first;
    rows.truncate(request.first);
    let mut connection = Connection::new(request.after.is_some(), has_next);
    connection.edges.extend(
        rows.into_iter()
            .map(|node| Edge::new(cursor_of(&node), node)),
    );
    connection
}

impl<N: AtHand> AtHand for Connection<String, N> {
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value> {
        Some(match name {
            "nodes" => objects(self.edges.iter().map(|edge| &edge.node), inner)?,
            "edges" => objects(&self.edges, inner)?,
            "pageInfo" => PageInfo {
                has_previous_page: self.has_previous_page,
                has_next_page: self.has_next_page,
                start_cursor: self.edges.first().map(|edge| edge.cursor.clone()),
                end_cursor: self.edges.last().map(|edge| edge.cursor.clone()),
            }
            .answer(inner)?,
            _ => return None,
        })
    }
}

impl<N: AtHand> AtHand for Edge<String, N, EmptyFields> {
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value> {
        Some(match name {
            "cursor" => scalar(&self.cursor),
            "node" => self.node.answer(inner)?,
            _ => return None,
        })
    }
}

impl AtHand for PageInfo {
    fn field(&self, name: &str, _inner: &ContextSelectionSet<'_>) -> Option<Value> {
        Some(match name {
            "hasPreviousPage" => scalar(&self.has_previous_page),
            "hasNextPage" => scalar(&self.has_next_page),
            "startCursor" => optional(&self.start_cursor),
            "endCursor" => optional(&self.end_cursor),
            _ => return None,
        })
    }
}

//! Relay connections: a page read from the store becomes `edges`, `nodes` and
//! `pageInfo`, with opaque cursors.

use serde::Serialize;

use crate::store::page::{PageRequest, encode_cursor};

/// Builds a Relay connection from `first + 1` fetched rows: the extra row only says
/// whether there is a next page. `cursor_of` says what a node's cursor remembers.
pub fn connection<K, N, C>(
    rows: Vec<N>,
    request: &PageRequest<K>,
    cursor_of: impl Fn(&N) -> C,
) -> async_graphql::connection::Connection<String, N>
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
) -> async_graphql::connection::Connection<String, N>
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
) -> async_graphql::connection::Connection<String, N>
where
    N: async_graphql::OutputType,
{
    let has_next = rows.len() > request.first;
    rows.truncate(request.first);
    let mut connection =
        async_graphql::connection::Connection::new(request.after.is_some(), has_next);
    connection.edges.extend(
        rows.into_iter()
            .map(|node| async_graphql::connection::Edge::new(cursor_of(&node), node)),
    );
    connection
}

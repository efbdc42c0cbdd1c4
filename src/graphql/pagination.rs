//! Relay connections: a page read from the store becomes `edges`, `nodes` and
//! `pageInfo`, with opaque cursors.

use serde::Serialize;

use crate::store::page::{PageRequest, encode_cursor};

/// Builds a Relay connection from `first + 1` fetched rows: the extra row only says
/// whether there is a next page. `cursor_of` says what a node's cursor remembers.
pub fn connection<K, N, C>(
    mut rows: Vec<N>,
    request: &PageRequest<K>,
    cursor_of: impl Fn(&N) -> C,
) -> async_graphql::connection::Connection<String, N>
where
    N: async_graphql::OutputType,
    C: Serialize,
{
    let has_next = rows.len() > request.first;
    rows.truncate(request.first);
    let mut connection =
        async_graphql::connection::Connection::new(request.after.is_some(), has_next);
    connection.edges.extend(
        rows.into_iter().map(|node| {
            async_graphql::connection::Edge::new(encode_cursor(&cursor_of(&node)), node)
        }),
    );
    connection
}

//! Page requests: page sizes, opaque cursors and sort directions, as every list and the
//! store code that reads its pages take them (building the GraphQL connection from a
//! page is `graphql::pagination`'s job).

use async_graphql::Enum;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Serialize, de::DeserializeOwned};

use crate::error::{Error, Result};

/// The most items one page may hold.
pub const MAX_PAGE_SIZE: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum OrderDirection {
    Asc,
    #[default]
    Desc,
}

impl OrderDirection {
    pub fn keyword(self) -> &'static str {
        match self {
            OrderDirection::Asc => "ASC",
            OrderDirection::Desc => "DESC",
        }
    }
}

/// A validated `first`/`after` pair; `K` is what the cursor remembers of the last item.
#[derive(Debug, Clone)]
pub struct PageRequest<K> {
    pub first: usize,
    pub after: Option<K>,
}

impl<K: DeserializeOwned> PageRequest<K> {
    /// Checks `first` (1 to [`MAX_PAGE_SIZE`]) and decodes `after`.
    pub fn parse(first: Option<i32>, after: Option<String>) -> Result<PageRequest<K>> {
        let first = match first {
            None => 50,
            Some(n) if (1..=MAX_PAGE_SIZE as i32).contains(&n) => n as usize,
            Some(_) => {
                return Err(Error::bad_input(
                    &["first"],
                    format!("first must be between 1 and {MAX_PAGE_SIZE}"),
                ));
            }
        };
        let after = after.map(|cursor| decode_cursor(&cursor)).transpose()?;
        Ok(PageRequest { first, after })
    }
}

/// Encodes a cursor; clients must treat it as opaque.
pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    let json = serde_json::to_vec(key).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> Result<K> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| Error::bad_input(&["after"], "after is not a cursor from this list"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_decodes_to_what_was_encoded() {
        let cursor = encode_cursor(&("KIND".to_string(), "01J".to_string()));
        let page: PageRequest<(String, String)> =
            PageRequest::parse(Some(10), Some(cursor)).expect("valid page");
        assert_eq!(page.after, Some(("KIND".to_string(), "01J".to_string())));
    }

    #[test]
    fn page_sizes_outside_one_to_a_hundred_are_refused() {
        for first in [0, -1, 101] {
            let error = PageRequest::<String>::parse(Some(first), None).expect_err("refused");
            assert_eq!(error.code(), "BAD_USER_INPUT");
        }
    }

    #[test]
    fn a_forged_cursor_is_bad_input() {
        let error = PageRequest::<String>::parse(None, Some("%%%".into())).expect_err("refused");
        assert_eq!(error.code(), "BAD_USER_INPUT");
    }
}

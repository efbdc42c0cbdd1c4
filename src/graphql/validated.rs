//! Queries that passed validation lately, so that a client asking the same again (a
//! dashboard polling its page) is neither parsed nor fully validated again.
//!
//! async-graphql validates in two passes: the rules of the GraphQL spec, then the
//! complexity, depth and cache-control count its limits are checked against. The rules'
//! verdict depends on the document, the operation chosen and the variables' values (an
//! argument given by a variable is checked with that value), and on nothing else once
//! the schema is built: a request equal in all three to one that passed passes again.
//! Such a request runs on a twin of the schema in async-graphql's fast validation mode,
//! which skips the rules but still counts complexity and depth with the request's own
//! variables and refuses what exceeds the limits, exactly as the strict schema does.
//!
//! Only queries are remembered: mutations rarely repeat, and their variables (a
//! password, a secret) are no business of a cache.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, Value, Variables};
use quick_cache::Equivalent;
use quick_cache::sync::Cache;

/// Bytes of query text and variables the remembered queries may hold in all (their
/// parsed documents take a few times that).
const REMEMBERED_BYTES: u64 = 1024 * 1024;
/// How many queries are expected to be remembered, to size the cache's table.
const EXPECTED_QUERIES: usize = 256;

/// Queries that passed validation, with their parsed documents.
pub struct Validated {
    queries: Cache<Key, Arc<ExecutableDocument>, Size>,
}

impl Default for Validated {
    fn default() -> Validated {
        Validated {
            queries: Cache::with_weighter(EXPECTED_QUERIES, REMEMBERED_BYTES, Size),
        }
    }
}

/// A query that is being validated for the first time, to remember if it passes.
pub struct Candidate {
    key: Key,
    document: Arc<ExecutableDocument>,
}

impl Validated {
    /// Whether a request equal to this one passed validation; if so, the request
    /// carries its parsed document from then on.
    pub fn recall(&self, request: &mut Request) -> bool {
        let asked = Asked {
            query: &request.query,
            operation: request.operation_name.as_deref(),
            variables: &request.variables,
        };
        let Some(document) = self.queries.get(&asked) else {
            return false;
        };
        request.set_parsed_query(ExecutableDocument::clone(&document));
        true
    }

    /// What to remember of a request about to be validated, if it is a query.
    pub fn candidate(request: &mut Request) -> Option<Candidate> {
        let operation = request.operation_name.clone();
        let document = request.parsed_query().ok()?;
        let selected = match &document.operations {
            DocumentOperations::Single(selected) => Some(selected),
            DocumentOperations::Multiple(operations) => match operation.as_deref() {
                Some(name) => operations.get(name),
                None if operations.len() == 1 => operations.values().next(),
                None => None,
            },
        }?;
        if selected.node.ty != OperationType::Query {
            return None;
        }
        let document = Arc::new(document.clone());
        let variables = request.variables.clone();
        let bytes =
            request.query.len() + serde_json::to_string(&variables).map_or(0, |text| text.len());
        Some(Candidate {
            key: Key {
                query: request.query.clone(),
                operation,
                variables,
                bytes,
            },
            document,
        })
    }

    /// Remembers a query that passed validation.
    pub fn remember(&self, candidate: Candidate) {
        self.queries.insert(candidate.key, candidate.document);
    }
}

struct Key {
    query: String,
    operation: Option<String>,
    variables: Variables,
    /// The text of the query and variables, what the cache's bound counts.
    bytes: usize,
}

impl Key {
    fn asked(&self) -> Asked<'_> {
        Asked {
            query: &self.query,
            operation: self.operation.as_deref(),
            variables: &self.variables,
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.asked().equivalent(other)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.asked().hash(state)
    }
}

/// A request's part of the key, looked up without copying it.
struct Asked<'a> {
    query: &'a str,
    operation: Option<&'a str>,
    variables: &'a Variables,
}

impl Hash for Asked<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.query.hash(state);
        self.operation.hash(state);
        for (name, value) in self.variables.iter() {
            name.hash(state);
            hash_value(value, state);
        }
    }
}

/// Hashes what a value's equality compares (async-graphql's values implement no `Hash`);
/// an object counts by its length alone, as its equality ignores the order of its fields.
fn hash_value<H: Hasher>(value: &Value, state: &mut H) {
    std::mem::discriminant(value).hash(state);
    match value {
        Value::Null => {}
        Value::Number(number) => number.hash(state),
        Value::String(text) => text.hash(state),
        Value::Boolean(boolean) => boolean.hash(state),
        Value::Binary(bytes) => bytes.hash(state),
        Value::Enum(name) => name.hash(state),
        Value::List(items) => {
            items.len().hash(state);
            for item in items {
                hash_value(item, state);
            }
        }
        Value::Object(fields) => fields.len().hash(state),
    }
}

impl Equivalent<Key> for Asked<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        self.query == key.query
            && self.operation == key.operation.as_deref()
            && *self.variables == key.variables
    }
}

#[derive(Clone)]
struct Size;

impl quick_cache::Weighter<Key, Arc<ExecutableDocument>> for Size {
    fn weight(&self, key: &Key, _: &Arc<ExecutableDocument>) -> u64 {
        key.bytes.max(1) as u64
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{Request, Variables};
    use serde_json::json;

    use super::Validated;

    fn request(query: &str, variables: serde_json::Value) -> Request {
        Request::new(query).variables(Variables::from_json(variables))
    }

    fn remembered(query: &str, variables: serde_json::Value) -> Validated {
        let validated = Validated::default();
        let candidate = Validated::candidate(&mut request(query, variables)).expect("a query");
        validated.remember(candidate);
        validated
    }

    #[test]
    fn the_same_query_with_the_same_values_is_recalled_with_its_document() {
        let query = "query($filter: Filter) { users(filter: $filter) { totalCount } }";
        let validated = remembered(query, json!({ "filter": { "a": 1, "b": [true] } }));

        let mut same = request(query, json!({ "filter": { "b": [true], "a": 1 } }));
        assert!(validated.recall(&mut same));
        assert!(same.parsed_query().is_ok());
    }

    #[test]
    fn another_value_another_operation_or_another_text_is_not_recalled() {
        let query = "query Page($first: Int) { users(first: $first) { totalCount } }";
        let validated = remembered(query, json!({ "first": 5 }));

        assert!(!validated.recall(&mut request(query, json!({ "first": "5" }))));
        assert!(!validated.recall(&mut request(query, json!({}))));
        assert!(
            !validated.recall(&mut request(query, json!({ "first": 5 })).operation_name("Page"))
        );
        assert!(!validated.recall(&mut request(&format!("{query} "), json!({ "first": 5 }))));
    }

    #[test]
    fn mutations_and_subscriptions_are_not_remembered() {
        let login =
            "mutation($p: String!) { login(input: { username: \"a\", password: $p }) { token } }";
        assert!(Validated::candidate(&mut request(login, json!({ "p": "secret" }))).is_none());
        let feed = "subscription { auditEventAdded { id } }";
        assert!(Validated::candidate(&mut request(feed, json!({}))).is_none());
        let named = "query A { health { status } } mutation B { logout }";
        let chosen = |name: &str| request(named, json!({})).operation_name(name);
        assert!(Validated::candidate(&mut chosen("A")).is_some());
        assert!(Validated::candidate(&mut chosen("B")).is_none());
    }
}

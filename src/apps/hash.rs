//! The identity of a graph version: SHA-256 of the canonical JSON of `spec.graph`.
//!
//! Canonical is RFC 8785 (JSON Canonicalization Scheme): keys sorted, no whitespace,
//! numbers and strings written one way. So the same graph hashes the same whether it was
//! typed in the editor, read back from the cluster or restored from a backup, and
//! `deploy` and the resource's metadata, which live outside `spec.graph`, never count.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of `graph`'s canonical JSON.
pub fn version_hash(graph: &Value) -> String {
    // A `Value` always serializes: its keys are strings and its numbers finite.
    let canonical = serde_jcs::to_vec(graph).unwrap_or_default();
    hex::encode(Sha256::digest(&canonical))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn key_order_and_whitespace_do_not_change_the_hash() {
        let a: Value =
            serde_json::from_str(r#"{"flows": {}, "components": {"a": {"x": 1, "b": [1, 2]}}}"#)
                .expect("json");
        let b: Value = serde_json::from_str(r#"{"components":{"a":{"b":[1,2],"x":1}},"flows":{}}"#)
            .expect("json");
        assert_eq!(version_hash(&a), version_hash(&b));
    }

    #[test]
    fn any_change_of_value_or_list_order_changes_the_hash() {
        let base = json!({"components": {"a": {"b": [1, 2]}}, "flows": {}});
        let reordered = json!({"components": {"a": {"b": [2, 1]}}, "flows": {}});
        let changed = json!({"components": {"a": {"b": [1, 3]}}, "flows": {}});
        assert_ne!(version_hash(&base), version_hash(&reordered));
        assert_ne!(version_hash(&base), version_hash(&changed));
    }

    #[test]
    fn the_hash_is_sha256_of_the_canonical_text() {
        let graph = json!({"flows": {}, "components": {}});
        let expected = hex::encode(Sha256::digest(br#"{"components":{},"flows":{}}"#));
        assert_eq!(version_hash(&graph), expected);
    }
}

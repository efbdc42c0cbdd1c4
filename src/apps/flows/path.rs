//! The paths and revisions a user asks a flow for, checked before anything reaches the
//! flow service: a path stays inside its flow (no `..`), and a revision is a git ref
//! or commit, never something git would read as an option.

use crate::error::{Error, Result};

/// The longest path accepted.
const MAX_PATH: usize = 4096;

/// The longest revision accepted.
const MAX_REVISION: usize = 255;

/// A path inside a flow, as its segments; the flow's root has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowPath(Vec<String>);

impl FlowPath {
    /// Reads `raw` (segments separated by `/`; empty and `.` segments ignored), or says
    /// at `field` why it is refused.
    pub fn parse(raw: &str, field: &[&str]) -> Result<FlowPath> {
        if raw.len() > MAX_PATH {
            return Err(Error::bad_input(
                field,
                format!("a path is at most {MAX_PATH} bytes"),
            ));
        }
        if raw.chars().any(char::is_control) {
            return Err(Error::bad_input(field, "a path has no control characters"));
        }
        let mut segments = Vec::new();
        for segment in raw.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    return Err(Error::bad_input(
                        field,
                        "a path may not contain `..`: it stays inside its flow",
                    ));
                }
                segment => segments.push(segment.to_string()),
            }
        }
        Ok(FlowPath(segments))
    }

    /// The path relative to the flow's root, as the flow service reads it (`""` for the
    /// root).
    pub fn relative(&self) -> String {
        self.0.join("/")
    }

    /// The path of `name` inside this directory.
    pub fn child(&self, name: &str) -> String {
        if self.0.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.relative())
        }
    }
}

/// Reads a git revision (a branch, tag or commit), or says at `field` why it is refused:
/// the rules of `git check-ref-format`, and no leading `-`.
pub fn parse_revision(raw: &str, field: &[&str]) -> Result<String> {
    let refused = |why: &str| Err(Error::bad_input(field, format!("revision `{raw}` {why}")));
    if raw.is_empty() || raw.len() > MAX_REVISION {
        return refused(&format!("is not 1 to {MAX_REVISION} bytes"));
    }
    if raw.starts_with('-') {
        return refused("starts with `-`");
    }
    if raw
        .chars()
        .any(|c| c.is_control() || c == ' ' || "~^:?*[\\".contains(c))
    {
        return refused("contains a space, a control character or one of ~^:?*[\\");
    }
    if raw.contains("..") || raw.contains("@{") || raw.contains("//") {
        return refused("contains `..`, `@{` or `//`");
    }
    if raw.starts_with('/') || raw.ends_with('/') || raw.ends_with('.') || raw.ends_with(".lock") {
        return refused("starts or ends with `/`, or ends with `.` or `.lock`");
    }
    Ok(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_read_as_segments_inside_the_flow() {
        let path = FlowPath::parse("/data//./runs/a b.txt", &["path"]).expect("a path");
        assert_eq!(path.relative(), "data/runs/a b.txt");
        assert_eq!(
            FlowPath::parse("", &["path"]).expect("the root").relative(),
            ""
        );
        assert_eq!(
            FlowPath::parse("/", &["path"])
                .expect("the root")
                .child("x"),
            "x"
        );
        assert_eq!(path.child("y"), "data/runs/a b.txt/y");
    }

    #[test]
    fn a_path_that_leaves_the_flow_or_hides_characters_is_refused_at_its_field() {
        for raw in ["..", "data/../../etc/passwd", "/..", "a/\u{0}", "a\nb"] {
            let error = FlowPath::parse(raw, &["path"]).expect_err(raw);
            assert_eq!(error.code(), "BAD_USER_INPUT", "{raw}");
            let Error::BadInput { field, .. } = error else {
                panic!("bad input")
            };
            assert_eq!(field, ["path"]);
        }
        let long = "a/".repeat(MAX_PATH);
        assert!(FlowPath::parse(&long, &["path"]).is_err());
    }

    #[test]
    fn a_revision_is_a_ref_or_commit_never_an_option() {
        for good in ["main", "release/1.2", "v1.0.0", "0a1b2c3d"] {
            assert_eq!(parse_revision(good, &["revision"]).expect(good), good);
        }
        for bad in [
            "",
            "--output=/tmp/x",
            "-p",
            "a..b",
            "HEAD~1",
            "a:b",
            "a b",
            "ref@{0}",
            "/main",
            "main/",
            "x.lock",
        ] {
            let error = parse_revision(bad, &["revision"]).expect_err(bad);
            assert_eq!(error.code(), "BAD_USER_INPUT", "{bad}");
        }
    }
}

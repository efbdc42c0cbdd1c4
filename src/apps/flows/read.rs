//! Reading a flow's directories and files from its flow service, through the API
//! server's service proxy, and telling the user plainly when that cannot happen: the app
//! is not deployed, the service is not there or not listening, or the service refused.

use serde::Deserialize;

use super::path::FlowPath;
use super::{FileFlow, FlowInfo, flow_service};
use crate::apps::{App, Apps};
use crate::error::{Error, Result};
use crate::kube::ProxyAnswer;

/// The most of a directory listing or a file monitor reads.
pub const MAX_FLOW_READ: usize = 1024 * 1024;

/// The revision of a repository flow read when none is asked for.
const DEFAULT_REVISION: &str = "HEAD";

/// One entry of a flow's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowEntry {
    pub name: String,
    /// Its path from the flow's root.
    pub path: String,
    pub directory: bool,
}

/// A directory of a flow and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowDirectory {
    pub path: String,
    pub entries: Vec<FlowEntry>,
}

/// What to read from a flow: where, and for a repository flow, at which revision.
pub struct FlowRead<'a> {
    pub app: &'a App,
    pub flow: &'a FlowInfo,
    pub path: &'a FlowPath,
    pub revision: Option<&'a str>,
}

/// A directory listing as flow services send it.
#[derive(Deserialize)]
struct Listing {
    contents: Vec<ListedEntry>,
}

#[derive(Deserialize)]
struct ListedEntry {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

impl Apps {
    /// The entries of a directory of a flow.
    pub async fn flow_directory(&self, read: FlowRead<'_>) -> Result<FlowDirectory> {
        let answer = self.flow_get(&read, "directory").await?;
        let listing: Listing = serde_json::from_slice(&answer).map_err(|error| {
            unavailable(
                read.app,
                read.flow,
                format!("its flow service sent a listing monitor cannot read: {error}"),
            )
        })?;
        let entries = listing
            .contents
            .into_iter()
            .map(|entry| FlowEntry {
                path: read.path.child(&entry.name),
                directory: entry.kind == "directory",
                name: entry.name,
            })
            .collect();
        Ok(FlowDirectory {
            path: read.path.relative(),
            entries,
        })
    }

    /// A file of a flow, whole.
    pub async fn flow_file(&self, read: FlowRead<'_>) -> Result<Vec<u8>> {
        self.flow_get(&read, "file").await
    }

    /// GETs `what` (`directory` or `file`, `repo-` prefixed for a repository flow) for
    /// `read.path` from the flow's service.
    async fn flow_get(&self, read: &FlowRead<'_>, what: &str) -> Result<Vec<u8>> {
        let FlowRead {
            app, flow, path, ..
        } = read;
        let kind = flow.files().ok_or_else(|| {
            Error::bad_input(
                &["path"],
                format!(
                    "flow `{}` is a {} flow: only volume and repository flows hold files",
                    flow.name,
                    flow.kind.as_deref().unwrap_or("typeless")
                ),
            )
        })?;
        let revision = match (kind, read.revision) {
            (FileFlow::Volume, Some(_)) => {
                return Err(Error::bad_input(
                    &["revision"],
                    format!("flow `{}` is a volume flow: it has no revisions", flow.name),
                ));
            }
            (FileFlow::Volume, None) => None,
            (FileFlow::Repository, revision) => Some(revision.unwrap_or(DEFAULT_REVISION)),
        };
        if !(app.in_cluster && app.active) {
            return Err(unavailable(
                app,
                flow,
                "the app is not deployed, and flow services run only while it is".into(),
            ));
        }
        let service = flow_service(&app.namespace, &app.name, kind);
        let endpoint = match kind {
            FileFlow::Volume => what.to_string(),
            FileFlow::Repository => format!("repo-{what}"),
        };
        let relative = path.relative();
        let mut query = vec![("path", relative.as_str())];
        if let Some(revision) = revision {
            query.push(("branch", revision));
        }
        let answer = self
            .cluster()?
            .proxy_get(
                &service,
                &["api", "v1", "app", "flows_service", &flow.title, &endpoint],
                &query,
                MAX_FLOW_READ,
            )
            .await
            .map_err(|error| {
                unavailable(
                    app,
                    flow,
                    format!(
                        "its flow service {}/{} cannot be reached: {error}",
                        service.namespace, service.name
                    ),
                )
            })?;
        service_answer(read, answer)
    }
}

/// The body of a successful answer, or the flow service's refusal as the user's error.
fn service_answer(read: &FlowRead<'_>, answer: ProxyAnswer) -> Result<Vec<u8>> {
    let path = read.path.relative();
    if answer.truncated {
        return Err(Error::bad_input(
            &["path"],
            format!(
                "`/{path}` in flow `{}` is larger than {} MiB, the most monitor reads",
                read.flow.name,
                MAX_FLOW_READ / (1024 * 1024)
            ),
        ));
    }
    if answer.is_success() {
        return Ok(answer.body);
    }
    let detail = detail(&answer.body);
    Err(match answer.code {
        404 => Error::NotFound {
            what: "path",
            id: format!("`/{path}` in flow `{}`", read.flow.name),
        },
        400 | 422 => Error::bad_input(
            &["path"],
            format!("the flow service refused `/{path}`: {detail}"),
        ),
        code => unavailable(
            read.app,
            read.flow,
            format!("its flow service answered {code}: {detail}"),
        ),
    })
}

/// What a flow service said when it refused: FastAPI's `{"detail": …}`, or its text.
fn detail(body: &[u8]) -> String {
    const MAX_DETAIL: usize = 500;
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => match value.get("detail") {
            Some(serde_json::Value::String(detail)) => detail.clone(),
            Some(other) => other.to_string(),
            None => value.to_string(),
        },
        Err(_) => String::from_utf8_lossy(body).trim().to_string(),
    };
    text.chars().take(MAX_DETAIL).collect()
}

fn unavailable(app: &App, flow: &FlowInfo, why: String) -> Error {
    Error::Unavailable {
        component: "kubernetes",
        message: format!(
            "cannot read flow `{}` of app {}/{}: {why}",
            flow.name, app.namespace, app.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_the_services_own_detail() {
        assert_eq!(
            detail(br#"{"detail": "Illegal request path: /x"}"#),
            "Illegal request path: /x"
        );
        assert_eq!(detail(b"  upstream failed \n"), "upstream failed");
        assert_eq!(detail(br#"{"error": 1}"#), r#"{"error":1}"#);
    }
}

//! An app's flows in GraphQL, and their directories and files read from the flow
//! services the controller runs (see [`crate::apps::flows`]).

use async_graphql::{ComplexObject, Context, Enum, Json, Object, SimpleObject};
use base64::Engine;

use crate::apps::App;
use crate::apps::flows::FlowInfo;
use crate::apps::flows::path::{FlowPath, parse_revision};
use crate::apps::flows::read::{FlowDirectory, FlowRead};
use crate::error::Result;
use crate::graphql::context::ContextExt;

/// One flow of an app's graph: a volume, a stream or a repository its components share.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct AppFlow {
    pub name: String,
    /// The flow's type as the graph says: `volume`, `repository`, `pulsar`…
    #[graphql(name = "type")]
    pub kind: Option<String>,
    pub config: Option<Json<serde_json::Value>>,
    /// The components reading from it (an input edge).
    pub read_by: Vec<String>,
    /// The components writing to it (an output edge).
    pub written_by: Vec<String>,
    /// Whether it holds files to read (volume and repository flows); its flow service
    /// serves them while the app is deployed.
    pub has_files: bool,
    #[graphql(skip)]
    pub info: FlowInfo,
    #[graphql(skip)]
    pub app: App,
}

impl AppFlow {
    pub fn new(app: &App, info: FlowInfo) -> AppFlow {
        AppFlow {
            name: info.name.clone(),
            kind: info.kind.clone(),
            config: info.config.clone().map(Json),
            read_by: info.read_by.clone(),
            written_by: info.written_by.clone(),
            has_files: info.files().is_some(),
            info,
            app: app.clone(),
        }
    }

    fn read<'a>(&'a self, path: &'a FlowPath, revision: Option<&'a str>) -> FlowRead<'a> {
        FlowRead {
            app: &self.app,
            flow: &self.info,
            path,
            revision,
        }
    }
}

#[ComplexObject]
impl AppFlow {
    /// A directory of the flow (its root by default), read from the flow service. For a
    /// repository flow, at `revision` (a branch, tag or commit; the repository's HEAD by
    /// default).
    async fn directory(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "From the flow's root; `..` is refused.")] path: String,
        revision: Option<String>,
    ) -> Result<AppFlowDirectory> {
        let (path, revision) = parse_read(&path, revision.as_deref())?;
        let directory = ctx
            .state()
            .apps
            .flow_directory(self.read(&path, revision.as_deref()))
            .await?;
        Ok(AppFlowDirectory::from(directory))
    }

    /// A file of the flow, up to 1 MiB, read from the flow service; for a repository
    /// flow, at `revision` as in `directory`.
    async fn file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "From the flow's root; `..` is refused.")] path: String,
        revision: Option<String>,
    ) -> Result<AppFlowFile> {
        let (path, revision) = parse_read(&path, revision.as_deref())?;
        let content = ctx
            .state()
            .apps
            .flow_file(self.read(&path, revision.as_deref()))
            .await?;
        Ok(AppFlowFile {
            path: path.relative(),
            content,
        })
    }
}

/// The `path` and `revision` arguments, checked.
fn parse_read(path: &str, revision: Option<&str>) -> Result<(FlowPath, Option<String>)> {
    let path = FlowPath::parse(path, &["path"])?;
    let revision = revision
        .map(|raw| parse_revision(raw, &["revision"]))
        .transpose()?;
    Ok((path, revision))
}

/// Whether an entry of a flow's directory is a file or a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum AppFlowEntryKind {
    File,
    Directory,
}

/// One entry of a flow's directory.
#[derive(Debug, Clone, SimpleObject)]
pub struct AppFlowEntry {
    pub name: String,
    /// Its path from the flow's root, to pass to `directory` or `file`.
    pub path: String,
    pub kind: AppFlowEntryKind,
}

/// A directory of a flow.
#[derive(Debug, Clone, SimpleObject)]
pub struct AppFlowDirectory {
    /// Its path from the flow's root (`""` for the root).
    pub path: String,
    pub entries: Vec<AppFlowEntry>,
}

impl From<FlowDirectory> for AppFlowDirectory {
    fn from(directory: FlowDirectory) -> AppFlowDirectory {
        AppFlowDirectory {
            path: directory.path,
            entries: directory
                .entries
                .into_iter()
                .map(|entry| AppFlowEntry {
                    name: entry.name,
                    path: entry.path,
                    kind: if entry.directory {
                        AppFlowEntryKind::Directory
                    } else {
                        AppFlowEntryKind::File
                    },
                })
                .collect(),
        }
    }
}

pub struct AppFlowFile {
    path: String,
    content: Vec<u8>,
}

/// A file of a flow, as its flow service sent it.
#[Object]
impl AppFlowFile {
    /// Its path from the flow's root.
    async fn path(&self) -> &str {
        &self.path
    }

    /// Its size in bytes.
    async fn size(&self) -> usize {
        self.content.len()
    }

    /// Its content as text; `null` when it is not UTF-8 (read `base64` then).
    async fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.content).ok()
    }

    /// Its content, base64-encoded.
    async fn base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.content)
    }
}

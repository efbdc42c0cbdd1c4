//! A fake of the flow service the Rampart controller runs for a graph's volume flows, for
//! machines where no controller runs: the same endpoints
//! (`/api/v1/app/flows_service/{flow title}/directory|file?path=…`), the same answers
//! (a listing as `{path, contents: [{path, name, type}]}`, a file's bytes, FastAPI's
//! `{"detail": …}` on a refusal) and the same confinement check, over a real directory
//! holding one subdirectory per flow title.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};

use axum::Json;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;
use tempfile::TempDir;
use tokio::task::JoinHandle;

pub struct FakeFlowService {
    pub root: TempDir,
    pub address: SocketAddr,
    server: JoinHandle<()>,
}

#[derive(Deserialize)]
struct PathQuery {
    path: String,
}

impl FakeFlowService {
    pub async fn start() -> FakeFlowService {
        let root = tempfile::tempdir().expect("temporary directory");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("an address");
        let router = axum::Router::new()
            .route(
                "/api/v1/app/flows_service/{flow_title}/{endpoint}",
                get(serve),
            )
            .with_state(root.path().to_path_buf());
        let server = tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("the flow service serves");
        });
        FakeFlowService {
            root,
            address,
            server,
        }
    }

    /// Writes `contents` at `path` inside the flow titled `title`.
    pub fn write(&self, title: &str, path: &str, contents: &[u8]) {
        let file = self.root.path().join(title).join(path);
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("directories");
        std::fs::write(file, contents).expect("the file is written");
    }

    /// Stops serving: the port no longer accepts connections.
    pub async fn stop(self) {
        self.server.abort();
        let _ = self.server.await;
    }
}

fn refuse(code: StatusCode, detail: String) -> Response {
    (code, Json(json!({"detail": detail}))).into_response()
}

/// The flow's directory and the path inside it, as the service's `validate_path` finds
/// them: normalized, and refused (with the detail of its 400) when it climbs out.
fn confine(root: &Path, title: &str, path: &str) -> Result<(PathBuf, Vec<String>), String> {
    let mut inside: Vec<String> = Vec::new();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => inside.push(part.to_string_lossy().into_owned()),
            Component::ParentDir if inside.pop().is_some() => {}
            Component::ParentDir => {
                return Err(format!("Illegal request path: {path}"));
            }
            _ => {}
        }
    }
    let full = inside
        .iter()
        .fold(root.join(title), |full, part| full.join(part));
    Ok((full, inside))
}

/// `directory` or `file` of a path in the flow titled `title`.
async fn serve(
    State(root): State<PathBuf>,
    UrlPath((title, endpoint)): UrlPath<(String, String)>,
    Query(query): Query<PathQuery>,
) -> Response {
    let (full, inside) = match confine(&root, &title, &query.path) {
        Ok(found) => found,
        Err(detail) => return refuse(StatusCode::BAD_REQUEST, detail),
    };
    match endpoint.as_str() {
        "directory" => directory(&full, &inside),
        "file" => match std::fs::read(&full) {
            Ok(bytes) => bytes.into_response(),
            Err(_) => refuse(StatusCode::NOT_FOUND, "File not found".into()),
        },
        _ => refuse(StatusCode::NOT_FOUND, "Not Found".into()),
    }
}

fn directory(full: &Path, inside: &[String]) -> Response {
    let Ok(read) = std::fs::read_dir(full) else {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error".into(),
        );
    };
    let mut contents: Vec<serde_json::Value> = read
        .filter_map(Result::ok)
        .map(|entry| {
            let kind = if entry.path().is_dir() {
                "directory"
            } else {
                "file"
            };
            json!({"path": inside, "name": entry.file_name().to_string_lossy(), "type": kind})
        })
        .collect();
    contents.sort_by_key(|entry| entry["name"].as_str().unwrap_or_default().to_string());
    Json(json!({"path": inside, "contents": contents})).into_response()
}

//! `POST /v1/exec/{id}?session=…`: a shell's exec, carried over the agent's HTTP/2
//! connection.
//!
//! The engine attaches to an exec by hijacking an HTTP/1.1 connection (`Upgrade: tcp`),
//! which an HTTP/2 stream cannot forward as it is. So the agent makes that connection
//! to its engine itself and joins it to one HTTP/2 stream: the request body is the
//! terminal's input, the response body its output, each passed on as it comes. When the
//! stream ends (monitor closed the session, or the connection died), the agent drops
//! the engine connection and hangs up the exec's process, which the engine would leave
//! running (see `crate::shell::hangup`): the agent runs on the engine's host.

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use super::proxy::{DockerProxy, docker_error};
use crate::shell::hangup;

#[derive(Deserialize)]
pub struct ExecQuery {
    /// The session whose marker the exec's process carries.
    session: String,
}

pub async fn attach(
    State(docker): State<DockerProxy>,
    Path(exec_id): Path<String>,
    Query(query): Query<ExecQuery>,
    request: Request,
) -> Response {
    let hex =
        |raw: &str, len: usize| raw.len() == len && raw.chars().all(|c| c.is_ascii_hexdigit());
    let ulid = |raw: &str| raw.len() == 26 && raw.chars().all(|c| c.is_ascii_alphanumeric());
    if !hex(&exec_id, 64) || !ulid(&query.session) {
        return docker_error(
            StatusCode::BAD_REQUEST,
            "an exec id and a session id are needed",
        );
    }
    let upgraded = match start(&docker, &exec_id).await {
        Ok(upgraded) => upgraded,
        Err(message) => return docker_error(StatusCode::BAD_GATEWAY, &message),
    };
    let (reader, mut writer) = tokio::io::split(TokioIo::new(upgraded));
    let mut input = request.into_body().into_data_stream();
    let typing = tokio::spawn(async move {
        while let Some(Ok(chunk)) = input.next().await {
            if writer.write_all(&chunk).await.is_err() || writer.flush().await.is_err() {
                break;
            }
        }
    });
    let guard = HangUp {
        docker,
        exec_id,
        session: query.session,
        typing,
    };
    let output = ReaderStream::new(reader).map(move |chunk| {
        let _ = &guard;
        chunk
    });
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from_stream(output),
    )
        .into_response()
}

/// Starts the exec attached, as the engine's API asks: the connection it answers on.
async fn start(docker: &DockerProxy, exec_id: &str) -> Result<hyper::upgrade::Upgraded, String> {
    let uri = docker
        .uri(&format!("/exec/{exec_id}/start"))
        .map_err(|e| e.to_string())?;
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONNECTION, "Upgrade")
        .header(header::UPGRADE, "tcp")
        .body(Body::from(r#"{"Detach":false,"Tty":true}"#))
        .map_err(|e| e.to_string())?;
    let response = docker
        .send(request)
        .await
        .map_err(|e| format!("the agent cannot reach the Docker engine: {e}"))?;
    if response.status() != StatusCode::SWITCHING_PROTOCOLS && !response.status().is_success() {
        return Err(format!(
            "the engine refused the exec: {}",
            response.status()
        ));
    }
    hyper::upgrade::on(response)
        .await
        .map_err(|e| format!("the engine did not hand over the exec's connection: {e}"))
}

/// Dropped with the response stream: stops the input, and hangs up the process.
struct HangUp {
    docker: DockerProxy,
    exec_id: String,
    session: String,
    typing: tokio::task::JoinHandle<()>,
}

impl Drop for HangUp {
    fn drop(&mut self) {
        self.typing.abort();
        let (docker, exec_id, session) = (
            self.docker.clone(),
            self.exec_id.clone(),
            self.session.clone(),
        );
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            if let Some(pid) = hangup::running_pid(|| exec_state(&docker, &exec_id)).await {
                hangup::end_marked(pid, &session).await;
            }
        });
    }
}

/// What the engine says of the exec.
async fn exec_state(docker: &DockerProxy, exec_id: &str) -> Option<hangup::ExecState> {
    let uri = docker.uri(&format!("/exec/{exec_id}/json")).ok()?;
    let request = Request::builder().uri(uri).body(Body::empty()).ok()?;
    let response = docker.send(request).await.ok()?;
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .ok()?;
    serde_json::from_slice(&body.to_bytes()).ok()
}

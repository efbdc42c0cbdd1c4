//! The core API's service proxy (`/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/…`):
//! a request forwarded to a real HTTP server the test registered as that service, and
//! answered as the API server answers when there is no such service or it is not
//! listening.

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::http::respond;
use super::status;

pub async fn forward(
    shared: &Shared,
    namespace: &str,
    service: &str,
    rest: &str,
    query: Option<&str>,
    method: &Method,
) -> Response {
    let (name, port) = service.split_once(':').unwrap_or((service, ""));
    let upstream = shared
        .services
        .lock()
        .expect("services lock")
        .get(&(namespace.to_string(), name.to_string(), port.to_string()))
        .copied();
    let Some(upstream) = upstream else {
        return respond(status::not_found(&super::services_resource(), name));
    };
    let mut url = format!("http://{upstream}/{rest}");
    if let Some(query) = query {
        url = format!("{url}?{query}");
    }
    let request = shared.http.request(method.clone(), &url);
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(_) => {
            return respond(status::service_unavailable(format!(
                "error trying to reach service: dial tcp {upstream}: connect: connection refused"
            )));
        }
    };
    let code = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = answer
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    match answer.bytes().await {
        Ok(body) => (code, [(header::CONTENT_TYPE, content_type)], body).into_response(),
        Err(error) => respond(status::service_unavailable(format!(
            "error reading from service: {error}"
        ))),
    }
}

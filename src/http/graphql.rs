//! GraphQL over HTTP, as the GraphQL-over-HTTP spec says: POST with a JSON body, GET
//! with query parameters (queries only), `application/graphql-response+json` or
//! `application/json` by the `Accept` header, and status codes that tell a request
//! error (400) from field errors (200).

use std::net::SocketAddr;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::RouterState;
use crate::auth::Authentication;
use crate::graphql::context::ClientAddress;
use crate::graphql::guard::is_request_error;
use async_graphql::Executor;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The response media type the client accepts, or `None` if it accepts neither.
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(JSON);
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|part| part.split(';').next().unwrap_or_default().trim())
        .collect();
    if types.contains(&GRAPHQL_RESPONSE) {
        Some(GRAPHQL_RESPONSE)
    } else if types
        .iter()
        .any(|t| *t == JSON || *t == "*/*" || *t == "application/*")
    {
        Some(JSON)
    } else {
        None
    }
}

/// A spec-shaped error for requests that never reach GraphQL execution.
pub fn request_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message.into(), "extensions": { "code": code } }]
    });
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

/// `POST /graphql`.
pub async fn post(State(state): State<RouterState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(media_type) = negotiate(&parts.headers) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            "BAD_REQUEST",
            "accept application/graphql-response+json or application/json",
        );
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with(JSON) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "send the request as application/json",
        );
    }
    let limit = state.app.settings.limits.max_body_bytes;
    let bytes: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!("the request body is larger than {limit} bytes"),
            );
        }
    };
    let request: async_graphql::Request = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(error) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("the body is not a GraphQL request: {error}"),
            );
        }
    };
    execute(
        &state,
        &parts.headers,
        client_address(&parts),
        request,
        media_type,
    )
    .await
}

/// `GET /graphql`: a query in the URL, a websocket upgrade, or a person with a browser.
pub async fn get(State(state): State<RouterState>, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    if parts.headers.get(header::UPGRADE).is_some() {
        return super::websocket::upgrade(&state, &mut parts).await;
    }
    let query_string = parts.uri.query().unwrap_or_default();
    if query_string.is_empty() && accepts_html(&parts.headers) {
        return Redirect::temporary("/graphiql").into_response();
    }
    let Some(media_type) = negotiate(&parts.headers) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            "BAD_REQUEST",
            "accept application/graphql-response+json or application/json",
        );
    };
    let request = match async_graphql::http::parse_query_string(query_string) {
        Ok(request) => request,
        Err(error) => {
            return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", error.to_string());
        }
    };
    if is_mutation(&request) {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_REQUEST",
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(
        &state,
        &parts.headers,
        client_address(&parts),
        request,
        media_type,
    )
    .await
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let name = request.operation_name.as_deref();
    document
        .operations
        .iter()
        .any(|(operation_name, operation)| {
            operation.node.ty == OperationType::Mutation
                && (name.is_none() || operation_name.map(|n| n.as_str()) == name)
        })
}

fn client_address(parts: &axum::http::request::Parts) -> ClientAddress {
    ClientAddress(
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip()),
    )
}

/// Authenticates from the `Authorization` header, for HTTP and websocket upgrades.
pub async fn authenticate(state: &RouterState, header: Option<&str>) -> Authentication {
    state.app.auth.check(header).await
}

async fn execute(
    state: &RouterState,
    headers: &HeaderMap,
    client: ClientAddress,
    request: async_graphql::Request,
    media_type: &'static str,
) -> Response {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let authentication = authenticate(state, header).await;
    let limit = Duration::from_secs(state.app.settings.limits.request_timeout_seconds);
    let execution = state
        .schema
        .execute(request.data(authentication).data(client));
    let Ok(response) = tokio::time::timeout(limit, execution).await else {
        tracing::warn!(seconds = limit.as_secs(), "a GraphQL request timed out");
        return request_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            format!("the request did not finish within {} s", limit.as_secs()),
        );
    };
    // A request that failed before execution has no `data` entry at all (the GraphQL
    // spec), not `data: null`, which would say execution ran and failed.
    let failed_before_execution =
        response.data == async_graphql::Value::Null && response.errors.iter().any(is_request_error);
    let status = if media_type == GRAPHQL_RESPONSE && failed_before_execution {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let encoded = if failed_before_execution {
        serde_json::to_vec(&serde_json::json!({ "errors": response.errors }))
    } else {
        serde_json::to_vec(&response)
    };
    let body = match encoded {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not encode a GraphQL response");
            return request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            );
        }
    };
    let mut http_response = (status, Body::from(body)).into_response();
    http_response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    http_response
}

/// Rejects methods other than GET and POST on `/graphql` with the spec's 405.
pub async fn other_method(method: Method) -> Response {
    let mut response = request_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "BAD_REQUEST",
        format!("{method} is not supported: use POST, or GET for queries"),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

/// Lets the websocket module run extractors on the parts it was handed.
pub async fn extract<T: FromRequestParts<RouterState>>(
    parts: &mut axum::http::request::Parts,
    state: &RouterState,
) -> Result<T, Response>
where
    T::Rejection: IntoResponse,
{
    T::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)
}

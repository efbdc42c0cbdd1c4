//! The fake's HTTP surface: bearer-token authentication, the resource's REST paths
//! (collection, object, `/status`), the core service proxy path, and the faults a test
//! injected, each answered with the `Status` body the API server would send.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::Shared;
use super::fields::Sub;
use super::status::{self, Refusal};
use super::store::Key;
use super::watch;

/// What a path names.
#[derive(Debug, Clone)]
pub enum Route {
    Collection {
        namespace: Option<String>,
    },
    Object {
        namespace: String,
        name: String,
        sub: Sub,
    },
    Proxy {
        namespace: String,
        service: String,
        rest: String,
    },
}

impl Route {
    fn parse(shared: &Shared, path: &str) -> Option<Route> {
        if let Some(rest) = path.strip_prefix("/api/v1/namespaces/") {
            let (namespace, rest) = rest.split_once("/services/")?;
            let (service, rest) = rest.split_once("/proxy")?;
            return Some(Route::Proxy {
                namespace: namespace.to_string(),
                service: service.to_string(),
                rest: rest.trim_start_matches('/').to_string(),
            });
        }
        let resource = &shared.resource;
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let route = match parts.as_slice() {
            ["apis", group, version, rest @ ..]
                if *group == resource.group && *version == resource.version =>
            {
                rest
            }
            _ => return None,
        };
        match route {
            [plural] if *plural == resource.plural => Some(Route::Collection { namespace: None }),
            ["namespaces", namespace, plural] if *plural == resource.plural => {
                Some(Route::Collection {
                    namespace: Some(namespace.to_string()),
                })
            }
            ["namespaces", namespace, plural, name, sub @ ..] if *plural == resource.plural => {
                let sub = match sub {
                    [] => Sub::Main,
                    ["status"] => Sub::Status,
                    _ => return None,
                };
                Some(Route::Object {
                    namespace: namespace.to_string(),
                    name: name.to_string(),
                    sub,
                })
            }
            _ => None,
        }
    }

    /// The RBAC verb a request is checked against.
    pub fn verb(&self, method: &Method, query: &HashMap<String, String>) -> &'static str {
        let watching = matches!(query.get("watch").map(String::as_str), Some("true" | "1"));
        match (self, method.as_str()) {
            (Route::Collection { .. }, "GET") if watching => "watch",
            (Route::Collection { .. }, "GET") => "list",
            (Route::Collection { .. }, "POST") => "create",
            (_, "GET") => "get",
            (_, "PATCH") => "patch",
            (_, "PUT") => "update",
            (_, "DELETE") => "delete",
            (_, "POST") => "create",
            _ => "unknown",
        }
    }

    fn namespace(&self) -> Option<&str> {
        match self {
            Route::Collection { namespace } => namespace.as_deref(),
            Route::Object { namespace, .. } | Route::Proxy { namespace, .. } => Some(namespace),
        }
    }

    fn name(&self) -> &str {
        match self {
            Route::Collection { .. } => "",
            Route::Object { name, .. } => name,
            Route::Proxy { service, .. } => service,
        }
    }
}

pub fn respond(refusal: Refusal) -> Response {
    let code = StatusCode::from_u16(refusal.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (code, json_body(&refusal.body)).into_response();
    if refusal.code == 429 {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

fn json_body(value: &Value) -> ([(header::HeaderName, &'static str); 1], String) {
    (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
}

fn ok(code: StatusCode, value: &Value) -> Response {
    (code, json_body(value)).into_response()
}

/// Every request the fake serves goes through here.
pub async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.record(&method, &uri, &headers);
    let expected = format!("Bearer {}", shared.token);
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        != Some(expected.as_str())
    {
        return respond(status::unauthorized());
    }
    let query: HashMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let Some(route) = Route::parse(&shared, uri.path()) else {
        return respond(status::no_such_path());
    };
    let verb = route.verb(&method, &query);
    if let Some(refusal) = shared.injected_refusal(&route, verb) {
        return respond(refusal);
    }
    if shared.is_forbidden(verb, route.namespace()) {
        let (resource_text, group_resource) = match &route {
            Route::Proxy { .. } => ("services/proxy".to_string(), super::services_resource()),
            Route::Object {
                sub: Sub::Status, ..
            } => (
                format!("{}/status", shared.resource.plural),
                shared.resource.group_resource(),
            ),
            _ => (
                shared.resource.plural.clone(),
                shared.resource.group_resource(),
            ),
        };
        return respond(status::forbidden(
            &group_resource,
            &resource_text,
            route.name(),
            &shared.user,
            verb,
            route.namespace(),
        ));
    }
    let result = match &route {
        Route::Proxy {
            namespace,
            service,
            rest,
        } => {
            return super::proxy::forward(&shared, namespace, service, rest, uri.query(), &method)
                .await;
        }
        Route::Collection { namespace } if verb == "watch" => {
            return watch_response(&shared, namespace.clone(), &query);
        }
        Route::Collection { namespace } if verb == "list" => {
            if query.contains_key("labelSelector") || query.contains_key("fieldSelector") {
                Err(status::bad_request(
                    "this fake API server does not filter lists by selector",
                ))
            } else {
                let limit = query.get("limit").and_then(|limit| limit.parse().ok());
                let mut store = shared.store();
                store
                    .list(
                        namespace.as_deref(),
                        limit,
                        query.get("continue").map(String::as_str),
                    )
                    .map(|list| (StatusCode::OK, list))
            }
        }
        Route::Object {
            namespace,
            name,
            sub,
        } => {
            let key = (namespace.clone(), name.clone());
            object_request(&shared, &key, *sub, &method, &query, &headers, &body)
        }
        Route::Collection { .. } => Err(status::method_not_supported(
            &shared.resource.group_resource(),
            method.as_str(),
        )),
    };
    match result {
        Ok((code, value)) => ok(code, &value),
        Err(refusal) => respond(refusal),
    }
}

fn object_request(
    shared: &Shared,
    key: &Key,
    sub: Sub,
    method: &Method,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(StatusCode, Value), Refusal> {
    match method.as_str() {
        "GET" => shared
            .store()
            .get(key)
            .map(|object| (StatusCode::OK, object)),
        "DELETE" if sub == Sub::Main => shared
            .store()
            .delete(key)
            .map(|answer| (StatusCode::OK, answer)),
        "PATCH" => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            let manager = query.get("fieldManager").cloned();
            match content_type {
                "application/apply-patch+yaml" => {
                    let Some(manager) = manager else {
                        return Err(status::invalid(
                            "PatchOptions",
                            "meta.k8s.io",
                            "",
                            "fieldManager",
                            "FieldValueRequired",
                            "Required value: is required for apply patch",
                        ));
                    };
                    let text = std::str::from_utf8(body)
                        .map_err(|_| status::bad_request("the body is not UTF-8"))?;
                    let applied: Value = serde_saphyr::from_str(text).map_err(|error| {
                        status::bad_request(format!("error decoding YAML: {error}"))
                    })?;
                    // An apply that creates the resource is authorized as a create too.
                    if shared.store().object(key).is_none()
                        && shared.is_forbidden("create", Some(&key.0))
                    {
                        let resource = shared.resource.group_resource();
                        let plural = &shared.resource.plural;
                        return Err(status::forbidden(
                            &resource,
                            plural,
                            &key.1,
                            &shared.user,
                            "create",
                            Some(&key.0),
                        ));
                    }
                    let force = query.get("force").is_some_and(|force| force == "true");
                    let (object, created) =
                        shared.store().apply(key, &applied, &manager, force, sub)?;
                    let code = if created {
                        StatusCode::CREATED
                    } else {
                        StatusCode::OK
                    };
                    Ok((code, object))
                }
                "application/merge-patch+json" => {
                    let patch: Value = serde_json::from_slice(body).map_err(|error| {
                        status::bad_request(format!("error decoding patch: {error}"))
                    })?;
                    let manager = manager.unwrap_or_else(|| user_agent_manager(headers));
                    shared
                        .store()
                        .merge_patch(key, &patch, &manager, sub)
                        .map(|object| (StatusCode::OK, object))
                }
                other => Err(status::unsupported_media_type(other)),
            }
        }
        other => Err(status::method_not_supported(
            &shared.resource.group_resource(),
            other,
        )),
    }
}

/// The manager the API server records for a write that named none: the user agent's
/// product name (`kubectl-edit/v1.31…` → `kubectl-edit`).
fn user_agent_manager(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .and_then(|agent| agent.split('/').next())
        .filter(|name| !name.is_empty())
        .unwrap_or("unknown")
        .to_string()
}

fn watch_response(
    shared: &Arc<Shared>,
    namespace: Option<String>,
    query: &HashMap<String, String>,
) -> Response {
    if query.contains_key("labelSelector") || query.contains_key("fieldSelector") {
        return respond(status::bad_request(
            "this fake API server does not filter watches by selector",
        ));
    }
    let start = match shared
        .store()
        .watch(query.get("resourceVersion").map(String::as_str))
    {
        Ok(start) => start,
        Err(refusal) => return respond(refusal),
    };
    let bookmarks = query
        .get("allowWatchBookmarks")
        .is_some_and(|value| value == "true");
    let timeout = query
        .get("timeoutSeconds")
        .and_then(|seconds| seconds.parse().ok())
        .map_or(Duration::from_secs(1800), Duration::from_secs);
    let stream = watch::events(shared.clone(), namespace, start, bookmarks, timeout);
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

//! `Status` bodies exactly as the API server writes them (apimachinery's
//! `pkg/api/errors`): the same messages, reasons, details and codes, so a client's
//! handling of a refusal is tested against what a cluster really says.

use serde_json::{Value, json};

/// A refusal: the HTTP status and the `Status` object sent with it.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: u16,
    pub body: Value,
}

/// Names a resource in messages: `rampartgraphs.rampart.petuum.com`.
#[derive(Debug, Clone)]
pub struct GroupResource {
    pub group: String,
    pub resource: String,
}

impl GroupResource {
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

fn status(code: u16, reason: &str, message: String, details: Option<Value>) -> Refusal {
    let mut body = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let Some(details) = details {
        body["details"] = details;
    }
    Refusal { code, body }
}

fn named(resource: &GroupResource, name: &str) -> Value {
    let mut details = json!({"group": resource.group, "kind": resource.resource});
    if !name.is_empty() {
        details["name"] = name.into();
    }
    details
}

pub fn not_found(resource: &GroupResource, name: &str) -> Refusal {
    let message = format!("{} {name:?} not found", resource.qualified());
    status(404, "NotFound", message, Some(named(resource, name)))
}

/// A path the server does not serve at all (an unknown group, version or plural).
pub fn no_such_path() -> Refusal {
    status(
        404,
        "NotFound",
        "the server could not find the requested resource".into(),
        Some(json!({})),
    )
}

pub fn unauthorized() -> Refusal {
    status(401, "Unauthorized", "Unauthorized".into(), None)
}

/// RBAC's refusal: what the user may not do, where. `resource_text` is the resource as
/// RBAC names it (`rampartgraphs/status` for the subresource).
pub fn forbidden(
    resource: &GroupResource,
    resource_text: &str,
    name: &str,
    user: &str,
    verb: &str,
    namespace: Option<&str>,
) -> Refusal {
    let scope = match namespace {
        Some(namespace) => format!("in the namespace {namespace:?}"),
        None => "at the cluster scope".into(),
    };
    let reason = format!(
        "User {user:?} cannot {verb} resource {resource_text:?} in API group {:?} {scope}",
        resource.group
    );
    let message = if name.is_empty() {
        format!("{} is forbidden: {reason}", resource.qualified())
    } else {
        format!("{} {name:?} is forbidden: {reason}", resource.qualified())
    };
    status(403, "Forbidden", message, Some(named(resource, name)))
}

/// An update against a stale `resourceVersion`.
pub fn conflict(resource: &GroupResource, name: &str) -> Refusal {
    let message = format!(
        "Operation cannot be fulfilled on {} {name:?}: the object has been modified; please \
         apply your changes to the latest version and try again",
        resource.qualified()
    );
    status(409, "Conflict", message, Some(named(resource, name)))
}

/// A server-side apply that would change fields other managers own; each conflict is
/// (the manager as apimachinery prints it, the field).
pub fn apply_conflict(conflicts: &[(String, String)]) -> Refusal {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(manager, field)| {
            json!({
                "reason": "FieldManagerConflict",
                "message": format!("conflict with {manager}"),
                "field": field,
            })
        })
        .collect();
    let message = match conflicts {
        [(manager, field)] => {
            format!("Apply failed with 1 conflict: conflict with {manager}: {field}")
        }
        _ => {
            let mut managers: Vec<&String> = conflicts.iter().map(|(manager, _)| manager).collect();
            managers.sort();
            managers.dedup();
            let lines: Vec<String> = managers
                .into_iter()
                .flat_map(|manager| {
                    let fields = conflicts
                        .iter()
                        .filter(move |(owner, _)| owner == manager)
                        .map(|(_, field)| format!("- {field}"));
                    std::iter::once(format!("conflicts with {manager}:")).chain(fields)
                })
                .collect();
            format!(
                "Apply failed with {} conflicts: {}",
                conflicts.len(),
                lines.join("\n")
            )
        }
    };
    status(409, "Conflict", message, Some(json!({"causes": causes})))
}

/// A refused field: `Kind.group "name" is invalid: field: <error>`, the error as
/// apimachinery words it (`Invalid value: …`, `Required value: …`) and its cause type
/// (`FieldValueTypeInvalid`, `FieldValueRequired`…).
pub fn invalid(
    kind: &str,
    group: &str,
    name: &str,
    field: &str,
    cause: &str,
    error: &str,
) -> Refusal {
    let message = format!("{kind}.{group} {name:?} is invalid: {field}: {error}");
    let details = json!({
        "name": name,
        "group": group,
        "kind": kind,
        "causes": [{"reason": cause, "message": error, "field": field}],
    });
    status(422, "Invalid", message, Some(details))
}

pub fn bad_request(message: impl Into<String>) -> Refusal {
    status(400, "BadRequest", message.into(), None)
}

pub fn unsupported_media_type(content_type: &str) -> Refusal {
    status(
        415,
        "UnsupportedMediaType",
        format!(
            "the body of the request was in an unknown format - accepted media types include: \
             application/merge-patch+json, application/apply-patch+yaml (got {content_type})"
        ),
        None,
    )
}

pub fn method_not_supported(resource: &GroupResource, action: &str) -> Refusal {
    status(
        405,
        "MethodNotAllowed",
        format!(
            "{action} is not supported on resources of kind {:?}",
            resource.qualified()
        ),
        Some(json!({"group": resource.group, "kind": resource.resource})),
    )
}

pub fn internal(cause: &str) -> Refusal {
    status(
        500,
        "InternalError",
        format!("Internal error occurred: {cause}"),
        Some(json!({"causes": [{"message": cause}]})),
    )
}

pub fn too_many_requests() -> Refusal {
    status(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.".into(),
        Some(json!({"retryAfterSeconds": 1})),
    )
}

pub fn service_unavailable(message: impl Into<String>) -> Refusal {
    status(503, "ServiceUnavailable", message.into(), None)
}

pub fn gateway_timeout() -> Refusal {
    status(
        504,
        "Timeout",
        "Timeout: request did not complete within the allotted timeout".into(),
        None,
    )
}

/// The history a watch or a continue token needs has been compacted away.
pub fn expired(message: impl Into<String>) -> Refusal {
    status(410, "Expired", message.into(), None)
}

//! The gate every GraphQL request passes before async-graphql runs it, over HTTP and
//! websocket alike:
//!
//! - a document whose text or expanded selections exceed [`DocumentBounds`] is refused
//!   before async-graphql validates it (validation cost grows with the expansion);
//! - root fields other than `health` and `login` need a signed-in caller; checking the
//!   operation's root selection here, once, means a new field is protected even if its
//!   resolver forgets to check;
//! - parse and validation failures carry the codes GraphQL servers name them by;
//! - resolver errors (monitor's [`Error`]) become the message and `extensions` clients
//!   are meant to see.
//!
//! This wraps the schema as an [`Executor`] instead of being an async-graphql extension
//! on purpose: with any extension installed, async-graphql sends every field and list
//! item of every response through the extension chain (a boxed future and type-name
//! strings each), which doubled the cost of a batch of output lines.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, Selection,
    SelectionSet,
};
use async_graphql::{
    Data, ErrorExtensions, Executor, Name, Pos, Positioned, Request, Response, ServerError, Value,
};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

use super::AppSchema;
use super::batches::{Batches, Driven};
use super::bounds::{DocumentBounds, expanded_selections};
use super::loaders::Loaders;
use super::validated::Validated;
use crate::auth::{Authentication, SocketCredentials};
use crate::error::Error;
use crate::state::AppState;
use crate::users::Role;

/// Root fields anyone may call.
const PUBLIC_ROOT_FIELDS: [&str; 2] = ["health", "login"];
/// Fragments nested deeper than this at the root are taken as selecting anything.
const MAX_FRAGMENT_NESTING: usize = 16;

/// Codes for errors that stop a request before execution, as GraphQL servers name them.
pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// A document larger than [`DocumentBounds`] allows, refused before validation.
pub const QUERY_TOO_LARGE: &str = "QUERY_TOO_LARGE";

/// The schema behind the gate; what the HTTP and websocket endpoints execute. Each
/// request runs with its own DataLoaders, driven as [`super::batches`] says.
#[derive(Clone)]
pub struct GuardedSchema {
    schema: AppSchema,
    state: AppState,
    bounds: DocumentBounds,
    validated: Arc<Validated>,
    /// The schema's twin for queries that passed validation before (see
    /// [`super::validated`]), built when the first one comes back.
    revalidating: Arc<OnceLock<AppSchema>>,
}

impl GuardedSchema {
    pub fn new(schema: AppSchema, state: AppState, bounds: DocumentBounds) -> GuardedSchema {
        GuardedSchema {
            schema,
            state,
            bounds,
            validated: Arc::default(),
            revalidating: Arc::default(),
        }
    }

    fn revalidating(&self) -> &AppSchema {
        self.revalidating
            .get_or_init(|| super::revalidating(self.state.clone()))
    }

    /// The request with its own loaders, and where their reads wait.
    fn with_loaders(&self, request: Request) -> (Request, Batches) {
        let batches = Batches::default();
        let loaders = Loaders::new(&self.state, &batches);
        (request.data(loaders), batches)
    }
}

impl Executor for GuardedSchema {
    async fn execute(&self, mut request: Request) -> Response {
        // A query over the size bound is refused below before anything is done with it.
        let seen =
            request.query.len() <= self.bounds.max_bytes && self.validated.recall(&mut request);
        if let Some(refused) = refusal(&mut request, None, self.bounds) {
            return refused;
        }
        let candidate = (!seen)
            .then(|| Validated::candidate(&mut request))
            .flatten();
        let (request, batches) = self.with_loaders(request);
        let schema = if seen {
            self.revalidating().clone()
        } else {
            self.schema.clone()
        };
        let execution: BoxFuture<'static, Response> =
            Box::pin(async move { schema.execute(request).await });
        let response = present(Driven::new(execution, batches).await);
        if let Some(candidate) = candidate
            && !response.errors.iter().any(is_request_error)
        {
            self.validated.remember(candidate);
        }
        response
    }

    /// A websocket's operations: each is authorized with the socket's credentials as
    /// they are when it starts, so a role lowered or a token revoked since the handshake
    /// counts at once.
    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let credentials = session_data
            .as_deref()
            .and_then(|data| data.get(&TypeId::of::<SocketCredentials>()))
            .and_then(|found| found.downcast_ref::<SocketCredentials>())
            .cloned();
        let Some(credentials) = credentials else {
            return self.stream(request, session_data);
        };
        if let Some(authentication) = credentials.current() {
            return self.stream(request.data(authentication), session_data);
        }
        let this = self.clone();
        futures::stream::once(async move {
            let authentication = credentials.check().await;
            this.stream(request.data(authentication), session_data)
        })
        .flatten()
        .boxed()
    }
}

impl GuardedSchema {
    fn stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if let Some(refused) = refusal(&mut request, session_data.as_deref(), self.bounds) {
            return futures::stream::once(std::future::ready(refused)).boxed();
        }
        let (request, batches) = self.with_loaders(request);
        let responses = Executor::execute_stream(&self.schema, request, session_data);
        Driven::new(responses, batches).map(present).boxed()
    }
}

/// Parses the request (async-graphql reuses the parsed document), bounds its size, and
/// checks that its caller may select its root fields; returns the response that
/// refuses it, if any.
fn refusal(
    request: &mut Request,
    session: Option<&Data>,
    bounds: DocumentBounds,
) -> Option<Response> {
    if request.query.len() > bounds.max_bytes {
        return Some(too_large(format!(
            "the query is {} bytes long; at most {} are accepted",
            request.query.len(),
            bounds.max_bytes
        )));
    }
    let authentication = [Some(&request.data), session]
        .into_iter()
        .flatten()
        .find_map(|data| data.get(&TypeId::of::<Authentication>()))
        .and_then(|found| found.downcast_ref::<Authentication>())
        .cloned();
    let operation_name = request.operation_name.clone();
    let document = match request.parsed_query() {
        Ok(document) => document,
        Err(error) => return Some(Response::from_errors(vec![with_code(error, PARSE_FAILED)])),
    };
    let selections = expanded_selections(document);
    if selections > bounds.max_selections {
        return Some(too_large(format!(
            "the query selects {selections} fields once its fragments are expanded; at most \
             {} are accepted",
            bounds.max_selections
        )));
    }
    let at = needs_sign_in(document, operation_name.as_deref())?;
    crate::auth::require(authentication.as_ref(), Role::Viewer)
        .err()
        .map(|error| Response::from_errors(vec![error.extend().into_server_error(at)]))
}

fn too_large(message: String) -> Response {
    Response::from_errors(vec![with_code(
        ServerError::new(message, None),
        QUERY_TOO_LARGE,
    )])
}

/// Where the operation to run selects a root field that is not public, if it does.
/// Introspection (`__schema`, `__type`, `__typename`) stays open: the schema is public
/// anyway, and GraphiQL needs it before anyone has signed in. Without a usable operation
/// name every operation counts; async-graphql refuses the request anyway.
fn needs_sign_in(document: &ExecutableDocument, operation_name: Option<&str>) -> Option<Pos> {
    let protected = |operation: &Positioned<OperationDefinition>| {
        protected_selection(&operation.node.selection_set, &document.fragments, 0)
    };
    match &document.operations {
        DocumentOperations::Single(operation) => protected(operation),
        DocumentOperations::Multiple(operations) => {
            match operation_name.and_then(|name| operations.get(name)) {
                Some(operation) => protected(operation),
                None => operations.values().find_map(protected),
            }
        }
    }
}

/// The position of the first selection in `set` that is not public.
fn protected_selection(
    set: &Positioned<SelectionSet>,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    nesting: usize,
) -> Option<Pos> {
    if nesting > MAX_FRAGMENT_NESTING {
        return Some(set.pos);
    }
    set.node
        .items
        .iter()
        .find_map(|selection| match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                (!name.starts_with("__") && !PUBLIC_ROOT_FIELDS.contains(&name))
                    .then_some(field.pos)
            }
            Selection::FragmentSpread(spread) => {
                match fragments.get(&spread.node.fragment_name.node) {
                    Some(fragment) => {
                        protected_selection(&fragment.node.selection_set, fragments, nesting + 1)
                    }
                    None => Some(spread.pos),
                }
            }
            Selection::InlineFragment(inline) => {
                protected_selection(&inline.node.selection_set, fragments, nesting + 1)
            }
        })
}

/// Codes and presents a response's errors: a request that failed before execution (no
/// data, and errors that belong to no field and come from no resolver) failed
/// validation; resolver errors are shown as monitor means them.
fn present(mut response: Response) -> Response {
    let failed_validation = response.data == Value::Null
        && !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|error| error.path.is_empty() && error.source::<Error>().is_none());
    response.errors = response
        .errors
        .into_iter()
        .map(|error| {
            if failed_validation {
                with_code(with_argument_field(error), VALIDATION_FAILED)
            } else {
                present_error(error)
            }
        })
        .collect();
    response
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// async-graphql names the argument whose value the schema refuses in its message
/// (`Invalid value for argument "input.kind", enumeration type …`): that path becomes
/// `extensions.field`, where a client looks for it on monitor's own input errors.
fn with_argument_field(mut error: ServerError) -> ServerError {
    let path = error
        .message
        .strip_prefix("Invalid value for argument \"")
        .and_then(|rest| rest.split_once('"'))
        .map(|(path, _)| path.split('.').map(str::to_string).collect::<Vec<_>>());
    if let Some(path) = path {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("field", path);
    }
    error
}

/// Resolvers return monitor's [`Error`]; async-graphql keeps it as the error's source.
/// Errors async-graphql raises itself while executing (a variable that was not given,
/// a value its scalar cannot parse) are about the request's input.
fn present_error(mut error: ServerError) -> ServerError {
    let Some(ours) = error.source::<Error>() else {
        return with_code(error, "BAD_USER_INPUT");
    };
    let presented = ours.extend();
    error.message = presented.message;
    error.extensions = presented.extensions;
    error
}

/// Whether an error stopped the request before execution (HTTP 400 under
/// `application/graphql-response+json`).
pub fn is_request_error(error: &ServerError) -> bool {
    let code = error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .and_then(|code| match code {
            Value::String(code) => Some(code.as_str()),
            _ => None,
        });
    matches!(
        code,
        Some(PARSE_FAILED) | Some(VALIDATION_FAILED) | Some(QUERY_TOO_LARGE)
    )
}

#[cfg(test)]
mod tests {
    use super::{needs_sign_in, present};

    fn needs(query: &str, operation: Option<&str>) -> bool {
        let document = async_graphql::parser::parse_query(query).expect("a valid query");
        needs_sign_in(&document, operation).is_some()
    }

    #[test]
    fn the_refusal_points_at_the_field_that_needs_sign_in() {
        let document =
            async_graphql::parser::parse_query("{\n  health { status }\n  viewer { id }\n}")
                .expect("a valid query");
        let at = needs_sign_in(&document, None).expect("protected");
        assert_eq!((at.line, at.column), (3, 3));
    }

    #[test]
    fn public_fields_and_introspection_are_open() {
        assert!(!needs("{ health { status } login: __typename }", None));
        assert!(!needs("{ __schema { types { name } } }", None));
        assert!(!needs("{ ... on Query { health { status } } }", None));
    }

    #[test]
    fn other_root_fields_need_sign_in_however_they_are_selected() {
        assert!(needs("{ health { status } viewer { id } }", None));
        assert!(needs(
            "{ ...Everything } fragment Everything on Query { users { totalCount } }",
            None
        ));
        assert!(needs(
            "{ ... on Query { ... on Query { viewer { id } } } }",
            None
        ));
        assert!(needs("subscription { auditEventAdded { id } }", None));
    }

    #[test]
    fn the_named_operation_is_the_one_checked() {
        let document = "query Open { health { status } } query Closed { viewer { id } }";
        assert!(!needs(document, Some("Open")));
        assert!(needs(document, Some("Closed")));
        assert!(needs(document, None));
    }

    #[tokio::test]
    async fn a_value_the_schema_refuses_names_its_argument_as_the_field() {
        #[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
        enum Kind {
            Ping,
        }
        #[derive(async_graphql::InputObject)]
        struct Input {
            kind: Kind,
        }
        struct Query;
        #[async_graphql::Object]
        impl Query {
            async fn take(&self, input: Input) -> bool {
                input.kind == Kind::Ping
            }
        }
        let schema = async_graphql::Schema::new(
            Query,
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        );
        let request = async_graphql::Request::new("query($input: Input!) { take(input: $input) }")
            .variables(async_graphql::Variables::from_json(
                serde_json::json!({ "input": { "kind": "SMTP" } }),
            ));
        let response = present(schema.execute(request).await);
        let extensions = response.errors[0].extensions.as_ref().expect("extensions");
        assert_eq!(
            extensions.get("field"),
            Some(&async_graphql::Value::from(vec!["input", "kind"]))
        );
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from(super::VALIDATION_FAILED))
        );
    }
}

//! Schema-wide request handling: authentication by default, and codes on request errors.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextResolve,
    NextSubscribe, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ErrorExtensions, Pos, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::auth::Authentication;
use crate::error::Error;

/// Root fields anyone may call; everything else needs a valid token. Checking here, once,
/// means a new field is protected even if its resolver forgets to check.
const PUBLIC_ROOT_FIELDS: [&str; 2] = ["health", "login"];

/// Codes for errors that stop a request before execution, as GraphQL servers name them.
pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

pub struct Guard;

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Guard)
    }
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// Resolvers return monitor's [`Error`]; async-graphql keeps it as the error's source.
/// This turns it into the message and `extensions` clients are meant to see.
fn present(mut error: ServerError) -> ServerError {
    let Some(ours) = error.source::<Error>() else {
        return error;
    };
    let presented = ours.extend();
    error.message = presented.message;
    error.extensions = presented.extensions;
    error
}

fn present_all(mut response: Response) -> Response {
    response.errors = response.errors.into_iter().map(present).collect();
    response
}

#[async_trait::async_trait]
impl Extension for Guard {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        present_all(next.run(ctx, operation_name).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(present_all).boxed()
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|error| with_code(error, PARSE_FAILED))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| with_code(error, VALIDATION_FAILED))
                .collect()
        })
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let is_root = info.path_node.parent.is_none();
        // Introspection (`__schema`, `__type`) stays open: the schema is public anyway,
        // and GraphiQL needs it before anyone has logged in.
        let introspection = info.is_for_introspection || info.name.starts_with("__");
        if is_root && !introspection && !PUBLIC_ROOT_FIELDS.contains(&info.name) {
            let authentication = ctx.data_opt::<Authentication>();
            if let Err(error) =
                crate::graphql::context::require(authentication, crate::users::Role::Viewer)
            {
                return Err(error.extend().into_server_error(Pos::default()));
            }
        }
        next.run(ctx, info).await
    }
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
    matches!(code, Some(PARSE_FAILED) | Some(VALIDATION_FAILED))
}

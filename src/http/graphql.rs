//! `POST /graphql` (JSON) and `GET /graphql` (queries only), with the checks
//! async-graphql-axum leaves to the service: content type, body size, no
//! batches, no mutations over GET, and a cap on selections that counts
//! aliases and `__typename` too.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{Request, Variables};
use async_graphql_axum::GraphQLResponse;
use axum::body::Bytes;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::HttpState;
use crate::auth::session::{self, Principal, token_from_headers};
use crate::auth::{ClientAddress, RequestAuth};
use crate::graphql::loaders::Loaders;

/// Most fields one document may select, fragments expanded, aliases and
/// `__typename` included. GraphiQL's introspection query selects about 200.
pub const MAX_SELECTIONS: usize = 400;

fn refuse(status: StatusCode, message: &str) -> Response {
    let body =
        json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] });
    (status, axum::Json(body)).into_response()
}

pub async fn post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type: application/json で送信してください。",
        );
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return refuse(
            StatusCode::BAD_REQUEST,
            "一括リクエスト（バッチ）には対応していません。",
        );
    }
    let request: Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "GraphQL リクエストの JSON が不正です。",
            );
        }
    };
    execute(&state, peer, &headers, request).await
}

pub async fn get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(query) = params.get("query") else {
        return refuse(StatusCode::BAD_REQUEST, "query を指定してください。");
    };
    let mut request = Request::new(query.clone());
    if let Some(name) = params.get("operationName") {
        request = request.operation_name(name.clone());
    }
    if let Some(raw) = params.get("variables") {
        match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(value) => request = request.variables(Variables::from_json(value)),
            Err(_) => return refuse(StatusCode::BAD_REQUEST, "variables の JSON が不正です。"),
        }
    }
    let operation = request.operation_name.clone();
    if let Ok(doc) = request.parsed_query()
        && selected_operation_type(doc, operation.as_deref()) != Some(OperationType::Query)
    {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "GET で送れるのは query だけです。mutation は POST で送信してください。",
        );
    }
    execute(&state, peer, &headers, request).await
}

/// The client's address: the peer, or behind a trusted reverse proxy the
/// last `X-Forwarded-For` entry (the one the proxy itself added).
fn client_address(state: &HttpState, peer: SocketAddr, headers: &HeaderMap) -> ClientAddress {
    let forwarded = state
        .app
        .config
        .trust_forwarded_for
        .then(|| {
            headers
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()
                .map(str::trim)
                .map(str::to_string)
        })
        .flatten()
        .filter(|a| a.parse::<std::net::IpAddr>().is_ok());
    ClientAddress(forwarded.unwrap_or_else(|| peer.ip().to_string()))
}

async fn execute(
    state: &HttpState,
    peer: SocketAddr,
    headers: &HeaderMap,
    mut request: Request,
) -> Response {
    if let Ok(doc) = request.parsed_query()
        && count_selections(doc) > MAX_SELECTIONS
    {
        return refuse(StatusCode::BAD_REQUEST, "クエリが大きすぎます。");
    }
    let token = token_from_headers(headers);
    // With introspection for staff only, the session is needed up front.
    let auth = if state.app.config.introspection_for_staff_only {
        let principal = match &token {
            Some(t) => match session::resolve(&state.app.db, &state.app.config, t).await {
                Ok(principal) => principal,
                Err(err) => {
                    tracing::error!(error = ?err, "session lookup failed");
                    None
                }
            },
            None => None,
        };
        if !matches!(principal, Some(Principal::Staff { .. })) {
            request = request.disable_introspection();
        }
        RequestAuth::resolved(token, principal)
    } else {
        RequestAuth::new(token)
    };
    let request = request
        .data(auth)
        .data(client_address(state, peer, headers))
        .data(Loaders::new(&state.app.db));
    let mut response = state.schema.execute(request).await;
    // Errors from parsing, validation or input coercion carry no code of
    // their own: they are the client's request at fault.
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "BAD_REQUEST");
        }
    }
    let mut response = GraphQLResponse::from(response).into_response();
    // Members' data must not be kept by shared or browser caches.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn selected_operation_type(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op.node.ty),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Counts every selected field of every operation, expanding fragments;
/// stops counting past the limit.
fn count_selections(doc: &ExecutableDocument) -> usize {
    fn walk(doc: &ExecutableDocument, set: &SelectionSet, depth: usize, total: &mut usize) {
        if depth > 64 || *total > MAX_SELECTIONS {
            // Deeper nesting or larger totals are refused anyway.
            *total = total.saturating_add(MAX_SELECTIONS);
            return;
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    *total += 1;
                    walk(doc, &field.node.selection_set.node, depth + 1, total);
                }
                Selection::InlineFragment(fragment) => {
                    walk(doc, &fragment.node.selection_set.node, depth + 1, total);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                        walk(doc, &fragment.node.selection_set.node, depth + 1, total);
                    }
                }
            }
        }
    }
    let mut total = 0;
    for (_, operation) in doc.operations.iter() {
        walk(doc, &operation.node.selection_set.node, 0, &mut total);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    #[test]
    fn aliases_of_typename_count_against_the_limit() {
        let many: String = (0..500).map(|i| format!("a{i}: __typename ")).collect();
        let doc = parse_query(format!("{{ {many} }}")).expect("parses");
        assert!(count_selections(&doc) > MAX_SELECTIONS);
    }

    #[test]
    fn fragments_are_expanded_and_cycles_stop() {
        let doc = parse_query(
            "query { me { ...A ...A } } fragment A on Customer { id displayName ...B } \
             fragment B on Customer { ...A }",
        )
        .expect("parses");
        assert!(count_selections(&doc) > MAX_SELECTIONS);
        let small =
            parse_query("query { me { ...A } } fragment A on Customer { id }").expect("parses");
        assert_eq!(count_selections(&small), 2);
    }

    #[test]
    fn only_the_named_operation_decides_the_method() {
        let doc =
            parse_query("query Q { me { id } } mutation M { logout { success } }").expect("parses");
        assert_eq!(
            selected_operation_type(&doc, Some("Q")),
            Some(OperationType::Query)
        );
        assert_eq!(
            selected_operation_type(&doc, Some("M")),
            Some(OperationType::Mutation)
        );
        assert_eq!(selected_operation_type(&doc, None), None);
    }
}

//! `POST /graphql` and `GET /graphql` as the GraphQL-over-HTTP
//! specification has them: the response media type follows `Accept`,
//! request errors are 4xx under `application/graphql-response+json`, and
//! every refusal is a JSON GraphQL error with `extensions.code`.
//!
//! A request names its document by `documentId` (a trusted document) or
//! sends its text; with `PORTAL_DOCUMENTS=trusted` only staff may send a
//! text that is not trusted. The document is validated (once per distinct
//! text), its variables coerced and its cost checked before async-graphql
//! runs it; its answer is then put in the specification's shape.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, OriginalUri, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;
use serde_json::{Map, Value, json};

use super::HttpState;
use crate::auth::session::{self, Principal, token_from_headers};
use crate::auth::{ClientAddress, RequestAuth};
use crate::config::DocumentPolicy;
use crate::error::AppError;
use crate::graphql::contract::{Prepared, RequestErrors, complete, cost};
use crate::graphql::loaders::Loaders;
use crate::i18n::Lang;
use crate::t;

/// Longest request target accepted (a GET carrying a whole document fits).
pub const MAX_URI_BYTES: usize = 16 * 1024;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// The media type of the answer, chosen from `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: request errors get 4xx.
    GraphqlResponse,
    /// `application/json` (also for `*/*` or no `Accept`): request errors
    /// that reached GraphQL are 200, as legacy clients expect.
    Json,
}

impl Media {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => GRAPHQL_RESPONSE,
            Self::Json => JSON,
        })
    }
}

/// Picks the media type by the `Accept` header's q-values; `None` when
/// neither JSON type is acceptable.
pub fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let accepts: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if accepts.is_empty() {
        return Some(Media::Json);
    }
    let (mut graphql, mut json, mut wildcard) = (None::<f32>, None::<f32>, None::<f32>);
    for range in accepts {
        let mut parts = range.split(';').map(str::trim);
        let mime = parts.next().unwrap_or("").to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let slot = match mime.as_str() {
            "application/graphql-response+json" => &mut graphql,
            "application/json" => &mut json,
            "*/*" | "application/*" => &mut wildcard,
            _ => continue,
        };
        *slot = Some(slot.map_or(q, |old: f32| old.max(q)));
    }
    let json = json.or(wildcard).unwrap_or(0.0);
    let graphql = graphql.unwrap_or(0.0);
    if graphql > 0.0 && graphql >= json {
        Some(Media::GraphqlResponse)
    } else if json > 0.0 {
        Some(Media::Json)
    } else {
        None
    }
}

/// The language a request asks its messages in (`Accept-Language`).
pub fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

/// A refusal at the edge: a JSON GraphQL error with a code and the
/// catalogue's message `message_id`, no `data`.
pub fn refuse(lang: Lang, status: StatusCode, code: &str, message_id: &str) -> Response {
    let message = crate::i18n::text(lang, message_id, &[]);
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (status, axum::Json(body)).into_response();
    no_store(&mut response);
    response
}

/// An [`AppError`] as the API words it, for the plain-HTTP endpoints
/// (downloads, exports).
pub fn app_error(
    lang: Lang,
    status: StatusCode,
    err: &AppError,
    hours: crate::portal::ServiceHours,
) -> Response {
    let message = crate::graphql::errors::message_with_hours(err, lang, hours);
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": err.code() } }] });
    let mut response = (status, axum::Json(body)).into_response();
    no_store(&mut response);
    response
}

/// Whose session (cookie or bearer) a plain-HTTP request carries, if any.
pub async fn session_principal(
    app: &crate::graphql::AppState,
    headers: &HeaderMap,
) -> Result<Option<crate::auth::Principal>, AppError> {
    let Some(token) = crate::auth::session::token_from_headers(headers, &app.config) else {
        return Ok(None);
    };
    crate::auth::session::resolve(&app.db, &app.config, &token).await
}

/// The signed-in member a plain-HTTP request's session (cookie or bearer)
/// belongs to, if any.
pub async fn session_member(
    app: &crate::graphql::AppState,
    headers: &HeaderMap,
) -> Result<Option<i64>, AppError> {
    Ok(match session_principal(app, headers).await? {
        Some(crate::auth::Principal::Member { member_id, .. }) => Some(member_id),
        _ => None,
    })
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// What a GraphQL-over-HTTP request carries.
#[derive(Debug, Default)]
struct Params {
    query: Option<String>,
    document_id: Option<String>,
    operation_name: Option<String>,
    variables: Map<String, Value>,
}

impl Params {
    /// From a POST body's JSON object; wrongly typed members are refused.
    fn from_json(body: Value) -> Result<Self, &'static str> {
        let Value::Object(mut map) = body else {
            return Err("http-not-json-object");
        };
        let string = |v: Option<Value>, what| match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(what),
        };
        let object = |v: Option<Value>, what| match v {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m),
            Some(_) => Err(what),
        };
        object(map.remove("extensions"), "http-extensions-object")?;
        Ok(Self {
            query: string(map.remove("query"), "http-query-string")?,
            document_id: string(map.remove("documentId"), "http-document-id-string")?,
            operation_name: string(map.remove("operationName"), "http-operation-name-string")?,
            variables: object(map.remove("variables"), "http-variables-object")?,
        })
    }

    /// From a GET's query string (`variables` and `extensions` as JSON).
    fn from_query(mut params: HashMap<String, String>) -> Result<Self, &'static str> {
        let json_object = |raw: Option<String>, what| match raw.filter(|s| !s.is_empty()) {
            None => Ok(Map::new()),
            Some(raw) => match serde_json::from_str::<Value>(&raw) {
                Ok(Value::Object(m)) => Ok(m),
                Ok(Value::Null) => Ok(Map::new()),
                _ => Err(what),
            },
        };
        json_object(params.remove("extensions"), "http-extensions-json")?;
        Ok(Self {
            query: params.remove("query"),
            document_id: params.remove("documentId"),
            operation_name: params.remove("operationName").filter(|s| !s.is_empty()),
            variables: json_object(params.remove("variables"), "http-variables-json")?,
        })
    }
}

/// How the request arrived: GET may only run queries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

pub async fn post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let lang = request_lang(&headers);
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(lang);
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = content_type.split(';').map(str::trim);
    let is_json = parts
        .next()
        .is_some_and(|v| v.eq_ignore_ascii_case("application/json"));
    let charset_ok = parts.all(|p| {
        p.split_once('=').is_none_or(|(k, v)| {
            !k.trim().eq_ignore_ascii_case("charset")
                || v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        })
    });
    if !is_json || !charset_ok {
        return refuse(
            lang,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "http-content-type",
        );
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > super::MAX_BODY_BYTES) {
        return too_large(lang);
    }
    let body_timeout = std::time::Duration::from_secs(state.app.config.body_timeout_seconds);
    let body = match tokio::time::timeout(
        body_timeout,
        axum::body::to_bytes(body, super::MAX_BODY_BYTES),
    )
    .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return too_large(lang),
        Err(_) => {
            return refuse(
                lang,
                StatusCode::REQUEST_TIMEOUT,
                "BAD_REQUEST",
                "http-body-timeout",
            );
        }
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return refuse(lang, StatusCode::BAD_REQUEST, "BAD_REQUEST", "http-batch");
    }
    let params = match serde_json::from_slice::<Value>(&body)
        .map_err(|_| "http-invalid-json")
        .and_then(Params::from_json)
    {
        Ok(params) => params,
        Err(message) => return refuse(lang, StatusCode::BAD_REQUEST, "BAD_REQUEST", message),
    };
    execute(&state, peer, &headers, params, media, Method::Post).await
}

pub async fn get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let lang = request_lang(&headers);
    if uri.to_string().len() > MAX_URI_BYTES {
        return refuse(
            lang,
            StatusCode::URI_TOO_LONG,
            "BAD_REQUEST",
            "http-uri-too-long",
        );
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(lang);
    };
    let params = match query
        .map_err(|_| "http-bad-query-string")
        .and_then(|Query(q)| Params::from_query(q))
    {
        Ok(params) => params,
        Err(message) => return refuse(lang, StatusCode::BAD_REQUEST, "BAD_REQUEST", message),
    };
    execute(&state, peer, &headers, params, media, Method::Get).await
}

/// Any other method on `/graphql`.
pub async fn other_method(headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let mut response = refuse(
        lang,
        StatusCode::METHOD_NOT_ALLOWED,
        "BAD_REQUEST",
        "http-method",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

fn too_large(lang: Lang) -> Response {
    refuse(
        lang,
        StatusCode::PAYLOAD_TOO_LARGE,
        "BAD_REQUEST",
        "http-too-large",
    )
}

fn not_acceptable(lang: Lang) -> Response {
    refuse(
        lang,
        StatusCode::NOT_ACCEPTABLE,
        "BAD_REQUEST",
        "http-not-acceptable",
    )
}

/// The client's address, as `net::client_address` reads it.
fn client_address(state: &HttpState, peer: SocketAddr, headers: &HeaderMap) -> ClientAddress {
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let config = &state.app.config;
    crate::net::client_address(
        peer.ip(),
        &lines,
        config.trust_forwarded_for,
        &config.trusted_proxies,
    )
}

/// The request's credentials, resolved only when a decision needs them.
struct Credentials<'a> {
    state: &'a HttpState,
    token: Option<String>,
    /// The session with its member row, once looked up.
    resolved: Option<Option<session::Resolved>>,
}

impl Credentials<'_> {
    async fn resolved(&mut self) -> Option<&session::Resolved> {
        if self.resolved.is_none() {
            let found = match &self.token {
                // Always on the primary: the look-up may record the use.
                Some(t) => {
                    session::resolve_with_member(&self.state.app.db, &self.state.app.config, t)
                        .await
                        .unwrap_or_else(|err| {
                            tracing::error!(error = ?err, "session lookup failed");
                            None
                        })
                }
                None => None,
            };
            self.resolved = Some(found);
        }
        self.resolved.as_ref().and_then(Option::as_ref)
    }

    async fn principal(&mut self) -> Option<Principal> {
        self.resolved().await.map(|r| r.principal)
    }

    async fn is_staff(&mut self) -> bool {
        matches!(self.principal().await, Some(Principal::Staff { .. }))
    }

    /// The member's id when the request is a member's.
    async fn member_id(&mut self) -> Option<i64> {
        match self.principal().await {
            Some(Principal::Member { member_id, .. }) => Some(member_id),
            _ => None,
        }
    }

    /// What the resolvers see; made again if the request runs again.
    fn auth(&self) -> RequestAuth {
        match &self.resolved {
            Some(resolved) => RequestAuth::resolved(self.token.clone(), resolved.as_ref()),
            None => RequestAuth::new(self.token.clone()),
        }
    }

    /// The read replica's pool, when this request may read from it: a
    /// signed-in member's query, the replica serving, and no write of the
    /// member's own (or sign-in) within `PORTAL_READ_YOUR_WRITES_SECONDS`,
    /// which outlasts the lag the replica is allowed.
    async fn read_replica(&mut self) -> Option<DatabaseConnection> {
        let state = self.state;
        let serving = state.app.replica.as_ref()?.serving()?.clone();
        let resolved = self.resolved().await?;
        if !matches!(resolved.principal, Principal::Member { .. }) {
            return None;
        }
        let window =
            chrono::Duration::seconds(i64::from(state.app.config.read_your_writes_seconds));
        (crate::clock::now() - resolved.last_own_write() >= window).then_some(serving)
    }
}

/// Why a request's document does not run.
enum Refusal {
    /// Refused at the edge, before parsing.
    Edge(Response),
    /// Parsed or validated with errors: a request error.
    Invalid(RequestErrors),
}

/// The document a request names, if it may run it.
async fn document(
    lang: Lang,
    state: &HttpState,
    credentials: &mut Credentials<'_>,
    params: &Params,
) -> Result<Arc<Prepared>, Refusal> {
    let contract = &state.contract;
    let edge = |code: &str, message: &str| {
        Refusal::Edge(refuse(lang, StatusCode::BAD_REQUEST, code, message))
    };
    match (&params.document_id, &params.query) {
        (Some(_), Some(_)) => Err(edge("BAD_REQUEST", "http-query-and-document-id")),
        (Some(id), None) => contract
            .trusted(id)
            .ok_or_else(|| edge("TRUSTED_DOCUMENT_REQUIRED", "http-unknown-document")),
        (None, Some(text)) => {
            // The text is hashed once: for the trusted look-up and the cache.
            let id = crate::graphql::contract::document_id(text);
            if let Some(trusted) = contract.trusted(&id) {
                return Ok(trusted);
            }
            if state.app.config.documents == DocumentPolicy::Trusted
                && !credentials.is_staff().await
            {
                return Err(edge("TRUSTED_DOCUMENT_REQUIRED", "http-untrusted-document"));
            }
            contract.prepare(id, text).map_err(Refusal::Invalid)
        }
        (None, None) => Err(edge("BAD_REQUEST", "http-missing-query")),
    }
}

/// A request error: no `data`; 400 for `application/graphql-response+json`,
/// 200 for `application/json`.
fn request_error(errors: RequestErrors, cost: Option<Value>, media: Media) -> Response {
    let mut body = json!({ "errors": errors.0 });
    if let Some(cost) = cost {
        body["extensions"] = json!({ "cost": cost });
    }
    let status = match media {
        Media::GraphqlResponse => StatusCode::BAD_REQUEST,
        Media::Json => StatusCode::OK,
    };
    respond(status, media, &body)
}

/// An executed operation's answer, serialised in the order of its maps.
#[derive(serde::Serialize)]
struct Answer<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    data: Option<&'a async_graphql::Value>,
    extensions: Value,
}

fn respond(status: StatusCode, media: Media, body: &impl serde::Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    no_store(&mut response);
    response
}

async fn execute(
    state: &HttpState,
    peer: SocketAddr,
    headers: &HeaderMap,
    params: Params,
    media: Media,
    method: Method,
) -> Response {
    let mut credentials = Credentials {
        state,
        token: token_from_headers(headers, &state.app.config),
        resolved: None,
    };
    let lang = request_lang(headers);
    let prepared = match document(lang, state, &mut credentials, &params).await {
        Ok(prepared) => prepared,
        Err(Refusal::Edge(response)) => return response,
        Err(Refusal::Invalid(errors)) => return request_error(errors, None, media),
    };
    let contract = &state.contract;
    let (operation, variables) = match contract.operation(
        &prepared,
        params.operation_name.as_deref(),
        &params.variables,
    ) {
        Ok(found) => found,
        Err(errors) => return request_error(errors, None, media),
    };
    if method == Method::Get && !operation.is_query() {
        let mut response = refuse(
            lang,
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_REQUEST",
            "http-get-mutation",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if crate::graphql::contract::hashing_fields(&prepared.document, operation) > 1 {
        let error = json!({
            "message": t!(lang, "http-one-hashing-field"),
            "extensions": { "code": "BAD_REQUEST" },
        });
        return request_error(RequestErrors(vec![error]), None, media);
    }
    if state.app.config.introspection_for_staff_only
        && operation
            .all_fields(&prepared.document)
            .any(|f| matches!(f.name.as_str(), "__schema" | "__type"))
        && !credentials.is_staff().await
    {
        let error = json!({
            "message": t!(lang, "http-introspection-staff"),
            "extensions": { "code": "FORBIDDEN" },
        });
        return request_error(RequestErrors(vec![error]), None, media);
    }
    let requested = cost::cost(
        contract.schema(),
        &prepared.document,
        operation,
        &variables,
        cost::MAX_COST,
    );
    let cost_extension = json!({
        "requestedQueryCost": requested,
        "maximumQueryCost": cost::MAX_COST,
    });
    if requested > cost::MAX_COST {
        let error = json!({
            "message": t!(lang, "http-too-costly", cost = requested, max = cost::MAX_COST),
            "extensions": { "code": "QUERY_TOO_COSTLY", "cost": requested, "limit": cost::MAX_COST },
        });
        let mut response = request_error(RequestErrors(vec![error]), Some(cost_extension), media);
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    }

    let anonymous = credentials.token.is_none();
    let client = client_address(state, peer, headers);
    let request_id = crate::auth::session::new_token()[..16].to_string();
    let meta = crate::security::RequestMeta {
        client,
        request_id: request_id.clone(),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(200).collect()),
    };
    let is_query = operation.is_query();
    let replica = if is_query {
        credentials.read_replica().await
    } else {
        None
    };
    let build = |credentials: &Credentials<'_>, replica: Option<DatabaseConnection>| {
        let mut request = async_graphql::Request::new(prepared.text.to_string()).variables(
            async_graphql::Variables::from_json(Value::Object(params.variables.clone())),
        );
        if let Some(name) = &params.operation_name {
            request = request.operation_name(name.clone());
        }
        // Parsed when the document was prepared (once for a trusted one).
        request.set_parsed_query(prepared.parsed.clone());
        let loaders = Loaders::new(replica.as_ref().unwrap_or(&state.app.db));
        let mut request = request
            .data(credentials.auth())
            .data(meta.clone())
            .data(client)
            .data(loaders);
        if let Some(replica) = replica {
            request = request.data(crate::graphql::ReadFrom(replica));
        }
        request
    };
    let hours = state.app.config.service_hours;
    let on_replica = replica.is_some();
    let mut response = crate::graphql::errors::in_request(
        lang,
        hours,
        state.schema.execute(build(&credentials, replica)),
    )
    .await;
    if on_replica && response.errors.iter().any(is_internal) {
        // The replica failed under the request: it serves nothing until
        // the monitor finds it answering again, and this read-only
        // request runs again on the primary.
        if let Some(replica) = &state.app.replica {
            replica.mark_down();
        }
        tracing::warn!(
            request_id,
            "read replica failed a request; ran it on the primary"
        );
        response = crate::graphql::errors::in_request(
            lang,
            hours,
            state.schema.execute(build(&credentials, None)),
        )
        .await;
    }
    if !is_query
        && state.app.replica.is_some()
        && let Some(member_id) = credentials.member_id().await
    {
        // A member's own write: their next reads stay on the primary until
        // the replica has surely replayed it.
        if let Err(err) = crate::accounts::service::record_own_write(&state.app.db, member_id).await
        {
            tracing::error!(error = ?err, "could not record the member's write");
        }
    }

    for error in &mut response.errors {
        // Errors from async-graphql's own checks carry no code: the
        // client's request is at fault.
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "BAD_REQUEST");
        }
    }
    if !response.errors.is_empty() && response.errors.iter().all(|e| e.path.is_empty()) {
        // Refused before execution (async-graphql's own limits).
        let errors = response
            .errors
            .iter()
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        return request_error(RequestErrors(errors), Some(cost_extension), media);
    }
    let paths: Vec<&[async_graphql::PathSegment]> =
        response.errors.iter().map(|e| e.path.as_slice()).collect();
    let data = complete::complete(
        contract.schema(),
        &prepared.document,
        operation,
        &variables,
        std::mem::take(&mut response.data),
        &paths,
    );
    let body = Answer {
        errors: &response.errors,
        data: data.as_ref(),
        extensions: json!({ "cost": cost_extension }),
    };
    let mut http = respond(StatusCode::OK, media, &body);
    for (name, value) in response.http_headers.iter() {
        http.headers_mut().append(name, value.clone());
    }
    if method == Method::Get && anonymous && response.errors.is_empty() {
        // Public answers to a GET by documentId may be kept by a proxy.
        http.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
    }
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        http.headers_mut().insert("x-request-id", id);
    }
    http.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language, Authorization, Cookie"),
    );
    http
}

/// An error the service's own failure caused (a database that failed).
fn is_internal(error: &async_graphql::ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .is_some_and(|code| *code == async_graphql::Value::from("INTERNAL"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn the_media_type_follows_accept() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(negotiate(&accept("*/*")), Some(Media::Json));
        assert_eq!(negotiate(&accept("application/json")), Some(Media::Json));
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json"
            )),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Media::Json)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
        assert_eq!(
            negotiate(&accept("text/html, */*;q=0.8")),
            Some(Media::Json)
        );
    }
}

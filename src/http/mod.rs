//! The HTTP edge: routes, limits and the few endpoints beside GraphQL.

mod documents;
mod exports;
mod graphql;
mod letters;
mod playground;
pub mod serve;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::graphql::contract::Contract;
use crate::graphql::{AppState, PortalSchema};

/// Largest request body accepted; the clients' biggest document is ~2 KB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub schema: PortalSchema,
    pub contract: std::sync::Arc<Contract>,
    pub app: AppState,
}

/// All routes of the service.
pub fn router(state: HttpState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(graphql::get)
                .post(graphql::post)
                .fallback(graphql::other_method),
        )
        .route("/playground", get(playground::index))
        .route("/register", get(playground::from_mail))
        .route("/password/reset", get(playground::from_mail))
        .route("/email/confirm", get(playground::from_mail))
        .route("/unlock", get(playground::from_mail))
        .route("/recover", get(playground::from_mail))
        .route("/password/letter", get(playground::from_mail))
        .route("/playground/assets/{file}", get(playground::asset))
        .route("/playground/operations/{file}", get(playground::operation))
        .route("/documents/{id}", get(documents::download))
        .route("/exports/usage.csv", get(exports::csv))
        .route("/support/reset-letters/{id}", get(letters::download))
        .route("/exports/usage.json", get(exports::json))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .layer(axum::middleware::map_response_with_state(
            state.app.config.cookie_secure,
            security_headers,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            // One line per request; the path only, never a query string
            // (it may carry variables).
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Headers every answer carries: no MIME sniffing, no referrer, no framing
/// (clickjacking), and HSTS wherever cookies are `Secure` (served over TLS).
async fn security_headers(
    State(https): State<bool>,
    mut response: axum::response::Response,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// The operator's endpoints, served on `PORTAL_METRICS_LISTEN` only.
pub fn metrics_router(state: HttpState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Any other path.
async fn not_found(headers: axum::http::HeaderMap) -> axum::response::Response {
    graphql::refuse(
        graphql::request_lang(&headers),
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "http-page-not-found",
    )
}

/// 200 once the service is up and its database answers, with the read
/// replica's state when there is one (its failure is not the service's:
/// reads go to the primary meanwhile).
async fn healthz(State(state): State<HttpState>) -> impl IntoResponse {
    let replica = state.app.replica.as_ref().map(|r| {
        serde_json::json!({
            "state": r.state().as_str(),
            "lagMs": r.lag().as_millis() as u64,
            "servingReads": r.serving().is_some(),
        })
    });
    let (status, database) = match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "up"),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "down")
        }
    };
    (
        status,
        axum::Json(serde_json::json!({ "database": database, "replica": replica })),
    )
}

/// Counters in the Prometheus text format.
async fn metrics(State(state): State<HttpState>) -> impl IntoResponse {
    let m = &state.app.metrics;
    let body = format!(
        "# HELP portal_db_statements_total SQL statements sent to the database.\n\
         # TYPE portal_db_statements_total counter\n\
         portal_db_statements_total {}\n\
         # HELP portal_db_statements_failed_total SQL statements that failed.\n\
         # TYPE portal_db_statements_failed_total counter\n\
         portal_db_statements_failed_total {}\n\
         # HELP portal_db_replica_statements_total Of those, statements sent to the read replica.\n\
         # TYPE portal_db_replica_statements_total counter\n\
         portal_db_replica_statements_total {}\n\
         # HELP portal_password_hashes_total Password and secret-answer hashes computed.\n\
         # TYPE portal_password_hashes_total counter\n\
         portal_password_hashes_total {}\n",
        m.statements(),
        m.failed_statements(),
        m.replica_statements(),
        state.app.hasher.computed()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}

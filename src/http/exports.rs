//! `GET /exports/usage.csv` and `/exports/usage.json`: a member takes their
//! bills and readings away (`from`, `to`: billing months `YYYY-MM`, both
//! optional). With the member's session (cookie or bearer), or a signed
//! link from `me { usageExport }` that works without headers for a few
//! minutes, for that member and period only.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::HttpState;
use super::graphql::app_error as error;
use super::graphql::request_lang;
use crate::billing::export;
use crate::domain::BillingMonth;
use crate::error::{AppError, BadInput};

/// The format asked for, by path.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

pub async fn csv(
    state: State<HttpState>,
    params: Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    usage(state, params, headers, Format::Csv).await
}

pub async fn json(
    state: State<HttpState>,
    params: Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    usage(state, params, headers, Format::Json).await
}

async fn usage(
    State(state): State<HttpState>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    format: Format,
) -> Response {
    let app = &state.app;
    let lang = request_lang(&headers);
    let hours = app.config.service_hours;
    if let Err(closed) = hours.ensure_open(crate::clock::now()) {
        return error(lang, StatusCode::SERVICE_UNAVAILABLE, &closed, hours);
    }
    let month = |name: &str| match params.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => BillingMonth::parse(raw)
            .map(Some)
            .map_err(|_| AppError::BadRequest(BadInput::Month)),
    };
    let (from, to) = match (month("from"), month("to")) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(err), _) | (_, Err(err)) => {
            return error(lang, StatusCode::BAD_REQUEST, &err, hours);
        }
    };
    let file = match format {
        Format::Csv => "usage.csv",
        Format::Json => "usage.json",
    };
    let member_id = match (
        params.get("member"),
        params.get("expires"),
        params.get("signature"),
    ) {
        // A signed link: that member, that period, for a few minutes.
        (Some(member), Some(expires), Some(signature)) => export::verify_link(
            &app.secrets,
            file,
            member,
            from,
            to,
            expires,
            signature,
            crate::clock::now(),
        ),
        _ => match super::graphql::session_member(app, &headers).await {
            Ok(member) => member,
            Err(err) => return error(lang, StatusCode::INTERNAL_SERVER_ERROR, &err, hours),
        },
    };
    let Some(member_id) = member_id else {
        return error(
            lang,
            StatusCode::UNAUTHORIZED,
            &AppError::Unauthenticated,
            hours,
        );
    };
    let rows = match export::rows(&app.db, member_id, from, to).await {
        Ok(rows) => rows,
        Err(err) => return error(lang, StatusCode::INTERNAL_SERVER_ERROR, &err, hours),
    };
    let (body, content_type, file) = match format {
        Format::Csv => match export::to_csv(&rows) {
            Ok(bytes) => (bytes, "text/csv; charset=utf-8", "usage.csv"),
            Err(err) => {
                let err = AppError::internal(err);
                return error(lang, StatusCode::INTERNAL_SERVER_ERROR, &err, hours);
            }
        },
        Format::Json => (
            serde_json::to_vec(&serde_json::json!({ "columns": export::COLUMNS, "rows": rows }))
                .unwrap_or_default(),
            "application/json",
            "usage.json",
        ),
    };
    let mut response = Response::new(Body::from(body));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

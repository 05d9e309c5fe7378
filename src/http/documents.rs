//! `GET /documents/{id}`: the PDF, to its owner only — by session (cookie
//! or bearer) or by a signed link a mobile PDF viewer can open without
//! headers. Everyone else gets the same 404.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::HttpState;
use super::graphql::app_error as error;
use super::graphql::{refuse, request_lang};
use crate::documents::service;
use crate::i18n::Lang;

fn not_found(lang: Lang) -> Response {
    refuse(
        lang,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "error-not-found-document",
    )
}

/// RFC 5987 `attr-char`s stay, everything else is percent-encoded.
fn rfc5987(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn download(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let app = &state.app;
    let lang = request_lang(&headers);
    let hours = app.config.service_hours;
    let Ok(id) = id.parse::<i64>() else {
        return not_found(lang);
    };
    let now = crate::clock::now();
    if let Err(closed) = hours.ensure_open(now) {
        return error(lang, StatusCode::SERVICE_UNAVAILABLE, &closed, hours);
    }
    let member_id = match (
        params.get("member"),
        params.get("expires"),
        params.get("signature"),
    ) {
        (Some(member), Some(expires), Some(signature)) => {
            service::verify_link(&app.secrets, id, member, expires, signature, now)
        }
        _ => match super::graphql::session_member(app, &headers).await {
            Ok(member) => member,
            Err(err) => return error(lang, StatusCode::INTERNAL_SERVER_ERROR, &err, hours),
        },
    };
    let Some(member_id) = member_id else {
        return not_found(lang);
    };
    let doc = match service::document_of_member(&app.db, id, member_id).await {
        Ok(Some(doc)) => doc,
        Ok(None) => return not_found(lang),
        Err(err) => return error(lang, StatusCode::INTERNAL_SERVER_ERROR, &err, hours),
    };
    let disposition = format!(
        "attachment; filename=\"document-{}.pdf\"; filename*=UTF-8''{}.pdf",
        doc.id,
        rfc5987(&doc.title)
    );
    pdf(doc.content, &disposition)
}

/// A PDF to download: not cached, not sniffed, saved under `disposition`.
pub(super) fn pdf(content: Vec<u8>, disposition: &str) -> Response {
    let mut response = Response::new(Body::from(content));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_are_percent_encoded_for_filename_star() {
        assert_eq!(super::rfc5987("検針 A.pdf"), "%E6%A4%9C%E9%87%9D%20A.pdf");
    }
}

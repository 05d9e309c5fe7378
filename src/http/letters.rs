//! `GET /support/reset-letters/{id}`: a posted password-reset letter's
//! PDF, for a staff session other than the issuing clerk's, once (it is
//! wiped as it is handed over, so the code stays nowhere but on paper). Anyone else, and a second
//! download, gets the same 404.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::HttpState;
use super::graphql::app_error as error;
use super::graphql::{refuse, request_lang};
use crate::auth::Principal;
use crate::support::letters::Taken;

pub async fn download(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let app = &state.app;
    let lang = request_lang(&headers);
    let hours = app.config.service_hours;
    let not_found = || {
        refuse(
            lang,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "error-not-found-document",
        )
    };
    let staff_id = match super::graphql::session_principal(app, &headers).await {
        Ok(Some(Principal::Staff { staff_id, .. })) => staff_id,
        Ok(_) => return not_found(),
        Err(err) => return error(lang, StatusCode::INTERNAL_SERVER_ERROR, &err, hours),
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let pdf = match crate::support::letters::take_pdf(&app.db, staff_id, id).await {
        Ok(Taken::Pdf(pdf)) => pdf,
        Ok(Taken::NotFound) => return not_found(),
        Ok(Taken::SameStaff) => {
            return refuse(
                lang,
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "http-letter-second-clerk",
            );
        }
        Err(err) => return error(lang, StatusCode::INTERNAL_SERVER_ERROR, &err, hours),
    };
    super::documents::pdf(
        pdf,
        &format!("attachment; filename=\"reset-letter-{id}.pdf\""),
    )
}

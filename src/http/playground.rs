//! GraphiQL from assets compiled into the binary: no CDN, so it works on
//! networks without internet access.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("../../playground/index.html");

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../playground/assets/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../playground/assets/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../playground/assets/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../playground/assets/react-dom.production.min.js"),
    ),
];

/// The clients' operations, offered as examples in the playground.
pub const OPERATIONS: &[(&str, &str)] = &[
    (
        "login-screen.graphql",
        include_str!("../../playground/operations/login-screen.graphql"),
    ),
    (
        "portal-info.graphql",
        include_str!("../../playground/operations/portal-info.graphql"),
    ),
    (
        "support-desk.graphql",
        include_str!("../../playground/operations/support-desk.graphql"),
    ),
    (
        "compared.graphql",
        include_str!("../../playground/operations/compared.graphql"),
    ),
    (
        "charges.graphql",
        include_str!("../../playground/operations/charges.graphql"),
    ),
    (
        "usage-alert.graphql",
        include_str!("../../playground/operations/usage-alert.graphql"),
    ),
    (
        "reset-letter.graphql",
        include_str!("../../playground/operations/reset-letter.graphql"),
    ),
    (
        "export.graphql",
        include_str!("../../playground/operations/export.graphql"),
    ),
    (
        "whats-next.graphql",
        include_str!("../../playground/operations/whats-next.graphql"),
    ),
    (
        "mail-links.graphql",
        include_str!("../../playground/operations/mail-links.graphql"),
    ),
    (
        "password-reset.graphql",
        include_str!("../../playground/operations/password-reset.graphql"),
    ),
    (
        "unlock.graphql",
        include_str!("../../playground/operations/unlock.graphql"),
    ),
    (
        "dashboard.graphql",
        include_str!("../../playground/operations/dashboard.graphql"),
    ),
    (
        "usage-and-bills.graphql",
        include_str!("../../playground/operations/usage-and-bills.graphql"),
    ),
    (
        "account.graphql",
        include_str!("../../playground/operations/account.graphql"),
    ),
    (
        "documents.graphql",
        include_str!("../../playground/operations/documents.graphql"),
    ),
    (
        "sessions.graphql",
        include_str!("../../playground/operations/sessions.graphql"),
    ),
    (
        "support.graphql",
        include_str!("../../playground/operations/support.graphql"),
    ),
];

/// The page may run its own inline script and talk to this origin only.
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
    connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

fn serve(content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

pub async fn index() -> Response {
    serve("text/html; charset=utf-8", INDEX)
}

pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => serve(content_type, *bytes),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn operation(Path(file): Path<String>) -> Response {
    if file == "index.json" {
        let names: Vec<&str> = OPERATIONS.iter().map(|(name, _)| *name).collect();
        return serve(
            "application/json",
            serde_json::to_string(&names).unwrap_or_default(),
        );
    }
    match OPERATIONS.iter().find(|(name, _)| *name == file) {
        Some((_, text)) => serve("text/plain; charset=utf-8", *text),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Where each link in the portal's mails leads: the playground document
/// and operation that use its token, and the variables to fill in.
fn mail_link(path: &str, token: &str) -> Option<(&'static str, &'static str, serde_json::Value)> {
    use serde_json::json;
    Some(match path {
        "/register" => (
            "login-screen.graphql",
            "CompleteRegistration",
            json!({ "input": {
                "token": token, "loginId": "", "password": "",
                "portalCustomerNumber": "", "displayName": "",
                "secretQuestionId": "1", "secretAnswer": "",
            } }),
        ),
        "/password/reset" => (
            "password-reset.graphql",
            "CompletePasswordReset",
            json!({ "token": token }),
        ),
        "/email/confirm" => (
            "mail-links.graphql",
            "ConfirmEmailChange",
            json!({ "token": token }),
        ),
        "/unlock" => (
            "unlock.graphql",
            "UnlockSignIn",
            json!({ "token": token, "password": "" }),
        ),
        "/password/letter" => (
            "reset-letter.graphql",
            "ResetPasswordWithLetter",
            json!({ "input": {
                "portalCustomerNumber": "", "code": "", "newPassword": "",
                "secretQuestionId": "1", "secretAnswer": "",
            } }),
        ),
        "/recover" => (
            "mail-links.graphql",
            "RecoverLoginIdWithLink",
            json!({ "portalCustomerNumber": "", "secretAnswer": "", "unlockToken": token }),
        ),
        _ => return None,
    })
}

/// Percent-encodes all but RFC 3986 unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A link from a mail (`/register?token=…` and the others): opens the
/// playground on the document that uses it, token filled in. The token
/// travels in the fragment, which browsers do not send on.
pub async fn from_mail(
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let token = params
        .get("token")
        .or_else(|| params.get("unlock"))
        .map(String::as_str)
        .unwrap_or("");
    let Some((file, operation, variables)) = mail_link(uri.path(), token) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let location = format!(
        "/playground#file={}&operation={}&variables={}",
        encode(file),
        encode(operation),
        encode(&variables.to_string())
    );
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

//! How the service's errors reach a GraphQL client, in the request's
//! language: `extensions.code` and a catalogue message on errors, and each
//! domain's typed refusals as `userErrors` — the one place that knows
//! codes, input fields and messages.

use async_graphql::{ErrorExtensions, SimpleObject};
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Asia::Tokyo;

use crate::accounts::AccountError;
use crate::domain::{LoginIdProblem, NameProblem, NumberProblem, PasswordProblem};
use crate::error::{AppError, BadInput, Missing};
use crate::i18n::{Lang, format};
use crate::portal::ServiceHours;
use crate::t;

tokio::task_local! {
    /// The language of the request being executed (`Accept-Language`),
    /// set by the HTTP edge around the schema's execution.
    static REQUEST_LANG: Lang;
    /// The portal's hours, for the closed-hours message.
    static REQUEST_HOURS: ServiceHours;
}

/// Runs `fut` with the request's language and the portal's hours in scope.
pub async fn in_request<F: std::future::Future>(
    lang: Lang,
    hours: ServiceHours,
    fut: F,
) -> F::Output {
    REQUEST_LANG
        .scope(lang, REQUEST_HOURS.scope(hours, fut))
        .await
}

/// The current request's language; Japanese outside a request.
pub fn lang() -> Lang {
    REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
}

/// What a resolver returns: an [`AppError`] on its way to the client.
///
/// It deliberately has no `Display`: async-graphql turns any `Display` error
/// into a bare message, and this conversion is what adds `extensions.code`
/// and keeps internal detail in the log.
#[derive(Clone, Debug)]
pub struct GqlError(AppError);

impl From<AppError> for GqlError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl From<sea_orm::DbErr> for GqlError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self(err.into())
    }
}

impl From<GqlError> for async_graphql::Error {
    fn from(err: GqlError) -> Self {
        err.0.extend()
    }
}

/// Result of a resolver.
pub type GqlResult<T> = Result<T, GqlError>;

fn wall_clock(lang: Lang, at: chrono::NaiveTime) -> String {
    format::clock(lang, at.hour(), at.minute())
}

/// The catalogue message of an error, in `lang`, inside a request.
pub fn message(err: &AppError, lang: Lang) -> String {
    let hours = REQUEST_HOURS
        .try_with(|h| *h)
        .unwrap_or(ServiceHours::Always);
    message_with_hours(err, lang, hours)
}

/// [`message`] with the portal's hours given.
pub fn message_with_hours(err: &AppError, lang: Lang, hours: ServiceHours) -> String {
    if let AppError::Internal(detail) = err {
        tracing::error!(error = %detail, "internal error");
    }
    match err {
        AppError::Unauthenticated => t!(lang, "error-unauthenticated"),
        AppError::Forbidden => t!(lang, "error-forbidden"),
        AppError::NotFound(what) => match what {
            Missing::Location => t!(lang, "error-not-found-location"),
            Missing::Bill => t!(lang, "error-not-found-bill"),
            Missing::Notice => t!(lang, "error-not-found-notice"),
            Missing::Member => t!(lang, "error-not-found-member"),
            Missing::Document => t!(lang, "error-not-found-document"),
            Missing::SecretQuestion => t!(lang, "error-not-found-question"),
            Missing::Other => t!(lang, "error-not-found-other"),
        },
        AppError::BadRequest(input) => match *input {
            BadInput::Cursor => t!(lang, "bad-cursor"),
            BadInput::PageSize { max } => t!(lang, "bad-page-size", max = max),
            BadInput::HistoryMonths { max } => t!(lang, "bad-history-months", max = max),
            BadInput::PortalNumber => t!(lang, "bad-portal-number"),
            BadInput::Month => t!(lang, "bad-month"),
            BadInput::SearchQuery => t!(lang, "bad-search-query"),
        },
        AppError::OutsideServiceHours { .. } => match hours {
            ServiceHours::Daily { opens, closes } if closes < opens => t!(
                lang,
                "error-outside-hours-overnight",
                opens = wall_clock(lang, opens),
                closes = wall_clock(lang, closes)
            ),
            ServiceHours::Daily { opens, closes } => t!(
                lang,
                "error-outside-hours",
                opens = wall_clock(lang, opens),
                closes = wall_clock(lang, closes)
            ),
            ServiceHours::Always => t!(lang, "error-internal"),
        },
        AppError::RateLimited { until: Some(until) } => t!(
            lang,
            "error-rate-limited-until",
            until = format::date_time(lang, *until)
        ),
        AppError::RateLimited { until: None } => t!(lang, "error-rate-limited"),
        AppError::Internal(_) => t!(lang, "error-internal"),
    }
}

/// RFC 3339 in Asia/Tokyo, as the API's times are.
fn tokyo(at: DateTime<Utc>) -> String {
    at.with_timezone(&Tokyo)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(message(self, lang())).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                Self::OutsideServiceHours {
                    next_opens_at: Some(at),
                } => ext.set("nextOpensAt", tokyo(*at)),
                Self::RateLimited { until: Some(at) } => ext.set("retryAt", tokyo(*at)),
                _ => {}
            }
        })
    }
}

/// An expected failure of a mutation, caused by the member's input.
#[derive(Clone, Debug, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// The input field it concerns, if one.
    pub field: Option<String>,
    /// Stable, SCREAMING_SNAKE_CASE.
    pub code: String,
    /// In the request's language (`Accept-Language`; Japanese by default),
    /// fit to show a member.
    pub message: String,
}

impl UserError {
    pub fn new(field: Option<&str>, code: &str, message: String) -> Self {
        Self {
            field: field.map(str::to_string),
            code: code.to_string(),
            message,
        }
    }
}

fn password(problem: PasswordProblem, lang: Lang) -> (&'static str, String) {
    match problem {
        PasswordProblem::TooShort => ("PASSWORD_TOO_SHORT", t!(lang, "user-password-too-short")),
        PasswordProblem::TooLong => ("PASSWORD_TOO_LONG", t!(lang, "user-password-too-long")),
        PasswordProblem::Common => ("PASSWORD_TOO_COMMON", t!(lang, "user-password-too-common")),
        PasswordProblem::ContainsPersonal => (
            "PASSWORD_CONTAINS_PERSONAL_INFO",
            t!(lang, "user-password-personal"),
        ),
    }
}

/// The `userErrors` entry of an accounts refusal.
pub fn account_error(err: AccountError, lang: Lang) -> UserError {
    use AccountError as E;
    let (field, code, message) = match err {
        E::TermsNotAgreed => (
            Some("agreeToTerms"),
            "TERMS_NOT_AGREED",
            t!(lang, "user-terms-not-agreed"),
        ),
        E::Email(_) => (
            Some("email"),
            "INVALID_EMAIL",
            t!(lang, "user-invalid-email"),
        ),
        E::LoginId(LoginIdProblem::Length) => (
            Some("loginId"),
            "INVALID_LOGIN_ID",
            t!(lang, "user-login-id-length"),
        ),
        E::LoginId(LoginIdProblem::Characters) => (
            Some("loginId"),
            "INVALID_LOGIN_ID",
            t!(lang, "user-login-id-chars"),
        ),
        E::PortalNumber(NumberProblem::Format) => (
            Some("portalCustomerNumber"),
            "INVALID_CUSTOMER_NUMBER",
            t!(lang, "user-portal-number-format"),
        ),
        E::PortalNumber(NumberProblem::CheckDigit) => (
            Some("portalCustomerNumber"),
            "INVALID_CUSTOMER_NUMBER",
            t!(lang, "user-portal-number-check"),
        ),
        E::Password(p) => {
            let (code, message) = password(p, lang);
            (Some("password"), code, message)
        }
        E::NewPassword(p) => {
            let (code, message) = password(p, lang);
            (Some("newPassword"), code, message)
        }
        E::DisplayName(NameProblem::Length) => (
            Some("displayName"),
            "INVALID_DISPLAY_NAME",
            t!(lang, "user-display-name-length"),
        ),
        E::DisplayName(NameProblem::Characters) => (
            Some("displayName"),
            "INVALID_DISPLAY_NAME",
            t!(lang, "user-display-name-chars"),
        ),
        E::SecretQuestion => (
            Some("secretQuestionId"),
            "INVALID_SECRET_QUESTION",
            t!(lang, "user-secret-question"),
        ),
        E::SecretAnswer => (
            Some("secretAnswer"),
            "INVALID_SECRET_ANSWER",
            t!(lang, "user-secret-answer"),
        ),
        E::RegistrationLinkInvalid => (
            Some("token"),
            "TOKEN_INVALID",
            t!(lang, "user-registration-link-invalid"),
        ),
        E::ResetLinkInvalid => (
            Some("token"),
            "TOKEN_INVALID",
            t!(lang, "user-reset-link-invalid"),
        ),
        E::EmailLinkInvalid => (
            Some("token"),
            "TOKEN_INVALID",
            t!(lang, "user-email-link-invalid"),
        ),
        E::LoginIdTaken => (
            Some("loginId"),
            "LOGIN_ID_TAKEN",
            t!(lang, "user-login-id-taken"),
        ),
        E::NumberUnavailable => (
            Some("portalCustomerNumber"),
            "CUSTOMER_NUMBER_UNAVAILABLE",
            t!(lang, "user-number-unavailable"),
        ),
        E::AlreadyLinked => (
            Some("portalCustomerNumber"),
            "ALREADY_LINKED",
            t!(lang, "user-already-linked"),
        ),
        E::LocationNotFound => (Some("id"), "NOT_FOUND", t!(lang, "user-location-not-found")),
        E::LastLocation => (
            Some("id"),
            "LAST_SERVICE_LOCATION",
            t!(lang, "user-last-location"),
        ),
        E::WrongPassword => (
            Some("currentPassword"),
            "WRONG_PASSWORD",
            t!(lang, "user-wrong-password"),
        ),
        E::SamePassword => (
            Some("newPassword"),
            "SAME_AS_CURRENT",
            t!(lang, "user-same-password"),
        ),
        E::SameEmail => (Some("email"), "SAME_EMAIL", t!(lang, "user-same-email")),
        E::WrongAnswer => (
            Some("secretAnswer"),
            "WRONG_ANSWER",
            t!(lang, "user-wrong-answer"),
        ),
        E::RecoveryLocked { until } => (
            None,
            "ACCOUNT_LOCKED",
            t!(
                lang,
                "user-recovery-locked",
                until = format::date_time(lang, until)
            ),
        ),
        E::SessionNotFound => (Some("id"), "NOT_FOUND", t!(lang, "user-session-not-found")),
        E::LetterInvalid => (
            Some("code"),
            "CODE_INVALID",
            t!(lang, "user-letter-invalid"),
        ),
    };
    UserError::new(field, code, message)
}

/// The `userErrors` of accounts refusals, in the request's language.
pub fn account_errors(errors: Vec<AccountError>) -> Vec<UserError> {
    let lang = lang();
    errors.into_iter().map(|e| account_error(e, lang)).collect()
}

/// Refusals of the API layer's own checks (sign-in outcomes, look-ups by
/// id), which no domain enum carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    SignInLocked { until: DateTime<Utc> },
    InvalidCredentials,
    UnlockInvalid,
    StaffLocked,
    MemberNotFound,
    NoticeNotFound,
}

/// The `userErrors` entry of a [`Refusal`], in the request's language.
pub fn refusal(refused: Refusal) -> UserError {
    let lang = lang();
    let (field, code, message) = match refused {
        Refusal::SignInLocked { until } => (
            None,
            "ACCOUNT_LOCKED",
            t!(
                lang,
                "user-sign-in-locked",
                until = format::date_time(lang, until)
            ),
        ),
        Refusal::InvalidCredentials => (
            None,
            "INVALID_CREDENTIALS",
            t!(lang, "user-invalid-credentials"),
        ),
        Refusal::UnlockInvalid => (None, "INVALID_CREDENTIALS", t!(lang, "user-unlock-invalid")),
        Refusal::StaffLocked => (None, "ACCOUNT_LOCKED", t!(lang, "user-staff-locked")),
        Refusal::MemberNotFound => (Some("id"), "NOT_FOUND", t!(lang, "user-member-not-found")),
        Refusal::NoticeNotFound => (Some("id"), "NOT_FOUND", t!(lang, "user-notice-not-found")),
    };
    UserError::new(field, code, message)
}

/// The `userErrors` entry of a letter not issued.
pub fn letter_error(err: crate::support::letters::LetterError) -> UserError {
    use crate::support::letters::LetterError as E;
    let lang = lang();
    match err {
        E::MemberNotFound => UserError::new(
            Some("memberId"),
            "NOT_FOUND",
            t!(lang, "user-letter-member-not-found"),
        ),
        E::NoAddress => UserError::new(
            Some("serviceLocationId"),
            "NO_ADDRESS",
            t!(lang, "user-letter-no-address"),
        ),
    }
}

/// The `userErrors` entry of a refused unlink.
pub fn unlink_error(err: crate::support::service::UnlinkError) -> UserError {
    use crate::support::service::UnlinkError as E;
    let lang = lang();
    match err {
        E::NotLinked => UserError::new(
            Some("id"),
            "NOT_FOUND",
            t!(lang, "user-location-not-linked"),
        ),
        E::ReasonMissing => UserError::new(
            Some("reason"),
            "REASON_REQUIRED",
            t!(lang, "user-reason-required"),
        ),
    }
}

//! The one error type of the service and how it reaches a client.
//!
//! Which variant to use:
//! - a member's *input* that is wrong (bad password, taken login ID) is not an
//!   error at all: mutations answer it in `userErrors` (see [`UserError`]);
//! - everything a client can act on otherwise is a variant here, with a stable
//!   `extensions.code`;
//! - anything else is [`AppError::Internal`]: its detail is logged and the
//!   client sees only a generic message.

use std::sync::Arc;

use async_graphql::{ErrorExtensions, SimpleObject};
use chrono::{DateTime, Utc};

/// A failure that is not the member's input.
#[derive(Clone, Debug, thiserror::Error)]
pub enum AppError {
    #[error("ログインしてください。")]
    Unauthenticated,
    #[error("この操作は許可されていません。")]
    Forbidden,
    #[error("{0}が見つかりません。")]
    NotFound(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("ただいまの時間はご利用いただけません（サービス時間外です）。")]
    OutsideServiceHours {
        next_opens_at: Option<DateTime<Utc>>,
    },
    #[error("しばらく時間をおいてから、もう一度お試しください。")]
    RateLimited,
    #[error("システムエラーが発生しました。しばらくしてからもう一度お試しください。")]
    Internal(Arc<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// The stable code a client switches on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadRequest(_) => "BAD_REQUEST",
            Self::OutsideServiceHours { .. } => "OUTSIDE_SERVICE_HOURS",
            Self::RateLimited => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// Wraps an unexpected failure; its text is logged, never shown.
    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Arc::new(err))
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::internal(err)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
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

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if let Self::Internal(detail) = self {
            tracing::error!(error = %detail, "internal error");
        }
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let Self::OutsideServiceHours {
                next_opens_at: Some(at),
            } = self
            {
                ext.set(
                    "nextOpensAt",
                    crate::graphql::scalars::to_tokyo_rfc3339(*at),
                );
            }
        })
    }
}

/// Result of a service function.
pub type AppResult<T> = Result<T, AppError>;

/// An expected failure of a mutation, caused by the member's input.
#[derive(Clone, Debug, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// The input field it concerns, if one.
    pub field: Option<String>,
    /// Stable, SCREAMING_SNAKE_CASE.
    pub code: String,
    /// Japanese, fit to show a member.
    pub message: String,
}

impl UserError {
    pub fn new(field: Option<&str>, code: &str, message: &str) -> Self {
        Self {
            field: field.map(str::to_string),
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}

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

/// Result of a service function.
pub type AppResult<T> = Result<T, AppError>;

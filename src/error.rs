//! The one error type of the service and how it reaches a client.
//!
//! Which variant to use:
//! - a member's *input* that is wrong (bad password, taken login ID) is not an
//!   error at all: each domain returns a typed refusal (`AccountError`…),
//!   which the GraphQL layer answers in `userErrors`;
//! - everything a client can act on otherwise is a variant here, with a stable
//!   `extensions.code`;
//! - anything else is [`AppError::Internal`]: its detail is logged and the
//!   client sees only a generic message.

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// What was not found, for the message a member reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    Location,
    Bill,
    Notice,
    Member,
    Document,
    SecretQuestion,
    /// A key or row the service itself needs.
    Other,
}

/// Which argument was out of bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadInput {
    Cursor,
    PageSize {
        max: u32,
    },
    HistoryMonths {
        max: u32,
    },
    PortalNumber,
    /// Not a `YYYY-MM` billing month.
    Month,
    /// A search of fewer than 2 or more than 100 characters.
    SearchQuery,
}

/// A failure that is not the member's input. `Display` is for the log;
/// what a client reads comes from the catalogue.
#[derive(Clone, Debug, thiserror::Error)]
pub enum AppError {
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found: {0:?}")]
    NotFound(Missing),
    #[error("bad request: {0:?}")]
    BadRequest(BadInput),
    #[error("outside service hours")]
    OutsideServiceHours {
        next_opens_at: Option<DateTime<Utc>>,
    },
    #[error("rate limited")]
    RateLimited {
        /// When the limit lifts, if known.
        until: Option<DateTime<Utc>>,
    },
    #[error("internal: {0}")]
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
            Self::RateLimited { .. } => "RATE_LIMITED",
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

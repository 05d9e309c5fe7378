//! How the service's errors reach a GraphQL client: `extensions.code` on
//! errors, `userErrors` on mutations.

use async_graphql::{ErrorExtensions, SimpleObject};

use crate::error::AppError;

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

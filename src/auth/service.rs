//! Signing in and out.

use entity::member;
use entity::types::MemberStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use unicode_normalization::UnicodeNormalization as _;

use super::password::Hasher;
use super::session::{self, NewSession};
use crate::config::Config;
use crate::domain::LoginId;
use crate::error::AppResult;

/// What a sign-in attempt came to.
pub enum LoginOutcome {
    SignedIn {
        member: Box<member::Model>,
        session: NewSession,
    },
    /// Unknown login ID or wrong password: told apart by nothing.
    InvalidCredentials,
}

/// Checks a member's login ID and password and starts a session.
pub async fn login(
    db: &impl ConnectionTrait,
    config: &Config,
    hasher: &Hasher,
    raw_login_id: &str,
    password: &str,
) -> AppResult<LoginOutcome> {
    let found = match LoginId::parse(raw_login_id) {
        Ok(login_id) => {
            member::Entity::find()
                .filter(member::Column::LoginId.eq(login_id.as_str()))
                .filter(member::Column::Status.eq(MemberStatus::Active))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    // An unknown ID is checked against a dummy hash: same work, same answer.
    let stored = found.as_ref().and_then(|m| m.password_hash.clone());
    if !hasher.verify(normalise_password(password), stored).await? {
        return Ok(LoginOutcome::InvalidCredentials);
    }
    let Some(member) = found else {
        return Ok(LoginOutcome::InvalidCredentials);
    };
    let session = session::create(db, config, Some(member.id), None).await?;
    Ok(LoginOutcome::SignedIn {
        member: Box::new(member),
        session,
    })
}

/// Passwords are compared after NFKC (a full-width password typed on a
/// phone matches), never trimmed, case-folded or truncated.
pub fn normalise_password(raw: &str) -> String {
    raw.nfkc().collect()
}

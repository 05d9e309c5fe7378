//! Signing in and out.

use chrono::{DateTime, Utc};
use entity::types::MemberStatus;
use entity::{member, staff};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use unicode_normalization::UnicodeNormalization as _;

use super::password::Hasher;
use super::session::{self, NewSession};
use super::throttle::{self, Key};
use crate::config::Config;
use crate::domain::{LoginId, normalise};
use crate::error::{AppError, AppResult};

/// What a sign-in attempt came to.
pub enum LoginOutcome {
    SignedIn {
        member: Box<member::Model>,
        session: NewSession,
    },
    /// Unknown login ID or wrong password: told apart by nothing.
    InvalidCredentials,
    /// Too many failures in a row; says nothing of this attempt's password.
    Locked { until: DateTime<Utc> },
}

/// Checks a member's login ID and password and starts a session.
pub async fn login(
    db: &impl ConnectionTrait,
    config: &Config,
    hasher: &Hasher,
    client: &str,
    raw_login_id: &str,
    password: &str,
) -> AppResult<LoginOutcome> {
    let address_key = Key::address("login", client);
    if throttle::locked_until(db, &address_key).await?.is_some() {
        return Err(AppError::RateLimited);
    }
    let login_id = LoginId::parse(raw_login_id).ok();
    // Unknown and malformed IDs are counted too, so a lock tells nothing
    // about whether an account exists.
    let key = Key::login(&match &login_id {
        Some(id) => id.as_str().to_string(),
        None => normalise(raw_login_id).chars().take(100).collect(),
    });
    let found = match &login_id {
        Some(login_id) => {
            member::Entity::find()
                .filter(member::Column::LoginId.eq(login_id.as_str()))
                .filter(member::Column::Status.eq(MemberStatus::Active))
                .one(db)
                .await?
        }
        None => None,
    };
    // An unknown ID is checked against a dummy hash: same work, same answer.
    let stored = found.as_ref().and_then(|m| m.password_hash.clone());
    let matched = hasher.verify(normalise_password(password), stored).await?;
    if let Some(until) = throttle::locked_until(db, &key).await? {
        return Ok(LoginOutcome::Locked { until });
    }
    match found {
        Some(member) if matched => {
            throttle::clear(db, &key).await?;
            let session = session::create(db, config, Some(member.id), None).await?;
            Ok(LoginOutcome::SignedIn {
                member: Box::new(member),
                session,
            })
        }
        _ => {
            throttle::record_failure(db, &key, throttle::LOGIN).await?;
            throttle::record_failure(
                db,
                &address_key,
                throttle::per_address(config.address_failure_limit),
            )
            .await?;
            Ok(LoginOutcome::InvalidCredentials)
        }
    }
}

/// What a staff sign-in came to.
pub enum StaffLoginOutcome {
    SignedIn { session: NewSession },
    InvalidCredentials,
    Locked { until: DateTime<Utc> },
}

/// Checks a staff account's login ID and password (disabled accounts never
/// match) and starts a staff session.
pub async fn staff_login(
    db: &impl ConnectionTrait,
    config: &Config,
    hasher: &Hasher,
    client: &str,
    raw_login_id: &str,
    password: &str,
) -> AppResult<StaffLoginOutcome> {
    let address_key = Key::address("staff-login", client);
    if throttle::locked_until(db, &address_key).await?.is_some() {
        return Err(AppError::RateLimited);
    }
    let login_id = normalise(raw_login_id);
    let key = Key::staff_login(&login_id.chars().take(100).collect::<String>());
    let found = staff::Entity::find()
        .filter(staff::Column::LoginId.eq(login_id.as_str()))
        .filter(staff::Column::Disabled.eq(false))
        .one(db)
        .await?;
    let stored = found.as_ref().map(|s| s.password_hash.clone());
    let matched = hasher.verify(normalise_password(password), stored).await?;
    if let Some(until) = throttle::locked_until(db, &key).await? {
        return Ok(StaffLoginOutcome::Locked { until });
    }
    match found {
        Some(account) if matched => {
            throttle::clear(db, &key).await?;
            let session = session::create(db, config, None, Some(account.id)).await?;
            Ok(StaffLoginOutcome::SignedIn { session })
        }
        _ => {
            throttle::record_failure(db, &key, throttle::LOGIN).await?;
            throttle::record_failure(
                db,
                &address_key,
                throttle::per_address(config.address_failure_limit),
            )
            .await?;
            Ok(StaffLoginOutcome::InvalidCredentials)
        }
    }
}

/// Passwords are compared after NFKC (a full-width password typed on a
/// phone matches), never trimmed, case-folded or truncated.
pub fn normalise_password(raw: &str) -> String {
    raw.nfkc().collect()
}

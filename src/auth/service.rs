//! Signing in, for members and for staff.

use chrono::{DateTime, Utc};
use entity::types::MemberStatus;
use entity::{member, sign_in_link, staff};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use unicode_normalization::UnicodeNormalization as _;

use super::password::Hasher;
use super::session::{self, NewSession};
use super::throttle::{self, Key};
use crate::config::Config;
use crate::domain::{LoginId, normalise};
use crate::error::{AppError, AppResult};

/// What a sign-in attempt came to.
pub enum LoginOutcome<T> {
    SignedIn {
        account: T,
        session: NewSession,
    },
    /// Unknown login ID or wrong password: told apart by nothing.
    InvalidCredentials,
    /// The same, and this failure locked the ID: the client is told only
    /// `InvalidCredentials`; the account, if there is one, can be mailed a
    /// way past the lock.
    LockedByThisFailure {
        account: Option<T>,
        until: DateTime<Utc>,
    },
    /// Too many failures in a row; says nothing of this attempt's password.
    Locked {
        until: DateTime<Utc>,
    },
}

/// A password check under the attempt limits.
enum Checked {
    Matched,
    Wrong { locked_now: Option<DateTime<Utc>> },
    Locked(DateTime<Utc>),
}

/// Checks the lock on `key` first (a locked ID costs no hash), then
/// `password` against `stored` (a dummy hash when there is none, so unknown
/// accounts cost the same), and counts a failure against the key. The
/// client's address was counted by [`admit`] before; a success gives that
/// count back.
async fn check(
    db: &impl ConnectionTrait,
    hasher: &Hasher,
    key: &Key,
    address_key: &Key,
    stored: Option<String>,
    password: &str,
) -> AppResult<Checked> {
    if let Some(until) = throttle::locked_until(db, key).await? {
        return Ok(Checked::Locked(until));
    }
    let matched = hasher.verify(normalise_password(password), stored).await?;
    if matched {
        throttle::clear(db, key).await?;
        throttle::forgive(db, address_key).await?;
        return Ok(Checked::Matched);
    }
    let locked_now = throttle::record_failure_locking(db, key, throttle::LOGIN).await?;
    Ok(Checked::Wrong { locked_now })
}

/// Counts a sign-in attempt against the client's address before any work,
/// atomically, and refuses it past the address's limit.
async fn admit(db: &impl ConnectionTrait, config: &Config, address_key: &Key) -> AppResult<()> {
    let policy = throttle::per_address(config.address_failure_limit);
    match throttle::attempt(db, address_key, policy).await? {
        Ok(()) => Ok(()),
        Err(until) => Err(AppError::RateLimited { until: Some(until) }),
    }
}

/// Checks a member's login ID and password and starts a session.
pub async fn login(
    db: &impl ConnectionTrait,
    config: &Config,
    hasher: &Hasher,
    origin: &session::Origin,
    client: &str,
    raw_login_id: &str,
    password: &str,
) -> AppResult<LoginOutcome<member::Model>> {
    let address_key = Key::address("login", client);
    admit(db, config, &address_key).await?;
    let login_id = LoginId::parse(raw_login_id).ok();
    // Unknown and malformed IDs are counted too, so a lock tells nothing
    // about whether an account exists.
    let key = hasher.keyring().login(&match &login_id {
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
    let stored = found.as_ref().and_then(|m| m.password_hash.clone());
    match (
        check(db, hasher, &key, &address_key, stored, password).await?,
        found,
    ) {
        (Checked::Locked(until), _) => Ok(LoginOutcome::Locked { until }),
        (Checked::Matched, Some(account)) => {
            let session = session::create(db, config, origin, Some(account.id), None).await?;
            Ok(LoginOutcome::SignedIn { account, session })
        }
        (
            Checked::Wrong {
                locked_now: Some(until),
            },
            account,
        ) => Ok(LoginOutcome::LockedByThisFailure { account, until }),
        _ => Ok(LoginOutcome::InvalidCredentials),
    }
}

/// Signs a member in past a lock on their login ID with the one-time link
/// mailed when it locked and their password: the link proves the mailbox,
/// so an attacker who keeps the ID locked cannot keep its member out. The
/// link is spent and the lock lifted only when the password is right.
pub async fn sign_in_with_link(
    db: &DatabaseConnection,
    config: &Config,
    hasher: &Hasher,
    origin: &session::Origin,
    client: &str,
    token: &str,
    password: &str,
) -> AppResult<LoginOutcome<member::Model>> {
    let address_key = Key::address("login", client);
    admit(db, config, &address_key).await?;
    let now = crate::clock::now();
    let link = sign_in_link::Entity::find()
        .filter(sign_in_link::Column::TokenHash.eq(session::hash_token(token.trim())))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    let account = match &link {
        Some(link) => {
            member::Entity::find_by_id(link.member_id)
                .filter(member::Column::Status.eq(MemberStatus::Active))
                .one(db)
                .await?
        }
        None => None,
    };
    let stored = account.as_ref().and_then(|m| m.password_hash.clone());
    let matched = hasher.verify(normalise_password(password), stored).await?;
    let (Some(link), Some(account), true) = (link, account, matched) else {
        return Ok(LoginOutcome::InvalidCredentials);
    };
    let txn = crate::db::write_txn(db).await?;
    let spent = sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::UsedAt, Expr::value(now))
        .filter(sign_in_link::Column::Id.eq(link.id))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(LoginOutcome::InvalidCredentials);
    }
    if let Some(login_id) = &account.login_id {
        throttle::clear(&txn, &hasher.keyring().login(login_id)).await?;
    }
    throttle::forgive(&txn, &address_key).await?;
    let session = session::create(&txn, config, origin, Some(account.id), None).await?;
    txn.commit().await?;
    Ok(LoginOutcome::SignedIn { account, session })
}

/// Spends `member_id`'s lock link `token` if it is valid: the caller may
/// then act once despite a lock.
pub async fn spend_lock_link(
    db: &impl ConnectionTrait,
    member_id: i64,
    token: &str,
) -> AppResult<bool> {
    let spent = sign_in_link::Entity::update_many()
        .col_expr(
            sign_in_link::Column::UsedAt,
            Expr::value(crate::clock::now()),
        )
        .filter(sign_in_link::Column::TokenHash.eq(session::hash_token(token.trim())))
        .filter(sign_in_link::Column::MemberId.eq(member_id))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::ExpiresAt.gt(crate::clock::now()))
        .exec(db)
        .await?;
    Ok(spent.rows_affected == 1)
}

/// Makes the one-time sign-in link mailed when `member`'s login ID locks;
/// returns its token (an hour, once; only its hash is kept).
pub async fn new_sign_in_link(
    db: &impl ConnectionTrait,
    member: &member::Model,
) -> AppResult<(String, DateTime<Utc>)> {
    let token = session::new_token();
    let now = crate::clock::now();
    let expires_at = now + chrono::Duration::hours(1);
    sign_in_link::ActiveModel {
        token_hash: Set(session::hash_token(&token)),
        member_id: Set(member.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, expires_at))
}

/// Checks a staff account's login ID and password (disabled accounts never
/// match) and starts a staff session.
pub async fn staff_login(
    db: &impl ConnectionTrait,
    config: &Config,
    hasher: &Hasher,
    origin: &session::Origin,
    client: &str,
    raw_login_id: &str,
    password: &str,
) -> AppResult<LoginOutcome<staff::Model>> {
    let address_key = Key::address("staff-login", client);
    admit(db, config, &address_key).await?;
    let login_id: String = normalise(raw_login_id).chars().take(100).collect();
    let key = hasher.keyring().staff_login(&login_id);
    let found = staff::Entity::find()
        .filter(staff::Column::LoginId.eq(login_id.as_str()))
        .filter(staff::Column::Disabled.eq(false))
        .one(db)
        .await?;
    let stored = found.as_ref().map(|s| s.password_hash.clone());
    match (
        check(db, hasher, &key, &address_key, stored, password).await?,
        found,
    ) {
        (Checked::Locked(until), _) => Ok(LoginOutcome::Locked { until }),
        (Checked::Matched, Some(account)) => {
            let session = session::create(db, config, origin, None, Some(account.id)).await?;
            Ok(LoginOutcome::SignedIn { account, session })
        }
        (
            Checked::Wrong {
                locked_now: Some(until),
            },
            account,
        ) => Ok(LoginOutcome::LockedByThisFailure { account, until }),
        _ => Ok(LoginOutcome::InvalidCredentials),
    }
}

/// Passwords are compared after NFKC (a full-width password typed on a
/// phone matches), never trimmed, case-folded or truncated.
pub fn normalise_password(raw: &str) -> String {
    raw.nfkc().collect()
}

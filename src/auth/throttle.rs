//! Counting failed attempts in the database, so limits hold across every
//! service instance: per account (a login ID, a portal customer number,
//! known or not, so a lock never tells whether an account exists) and per
//! client address.

use chrono::{DateTime, Duration, Utc};
use entity::throttle;
use sea_orm::sea_query::{Expr, ExprTrait as _, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::AppResult;

/// What an attempt is counted against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

/// Keys identifiers (login IDs, e-mail addresses, customer numbers) for
/// the counters: a counter row holds a keyed hash, so nothing personal is
/// left in it after a withdrawal, and a database dump alone does not tell
/// which IDs were tried. The key is the database's own (`Secrets`), shared
/// by every instance.
#[derive(Clone)]
pub struct Keyring(Arc<[u8]>);

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyring(***)")
    }
}

impl Keyring {
    pub fn new(key: &[u8]) -> Self {
        Self(key.into())
    }

    /// SHA-256 over the fixed-length key, the kind and the value: stable
    /// for a value, unguessable without the key (as `Secrets::decoy_hash`).
    fn keyed(&self, kind: &str, value: &str) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(&self.0);
        hasher.update(kind.as_bytes());
        hasher.update(b":");
        hasher.update(value.as_bytes());
        Key(format!("{kind}:{}", hex::encode(&hasher.finalize()[..16])))
    }

    /// Sign-ins to one login ID.
    pub fn login(&self, login_id: &str) -> Key {
        self.keyed("login", login_id)
    }
    /// Sign-ins to one staff account.
    pub fn staff_login(&self, login_id: &str) -> Key {
        self.keyed("staff-login", login_id)
    }
    /// Secret-question answers for one portal customer number.
    pub fn recovery(&self, portal_customer_number: &str) -> Key {
        self.keyed("recovery", portal_customer_number)
    }
    /// Reset-letter codes tried for one portal customer number.
    pub fn letter(&self, portal_customer_number: &str) -> Key {
        self.keyed("letter", portal_customer_number)
    }
    /// Registration mails requested for one address.
    pub fn registration_mail(&self, email: &str) -> Key {
        self.keyed("registration-mail", email)
    }
}

impl Key {
    /// Failures of one kind from one client address.
    pub fn address(action: &str, address: &str) -> Self {
        Self(format!("ip:{action}:{address}"))
    }
    /// Numbers a member tried to add to their account.
    pub fn add_location(member_id: i64) -> Self {
        Self(format!("add-location:{member_id}"))
    }
    /// Completions tried with one registration link.
    pub fn registration_token(registration_id: i64) -> Self {
        Self(format!("registration-token:{registration_id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// When a key locks, and for how long.
#[derive(Clone, Copy, Debug)]
pub enum Policy {
    /// Locks after `after` failures for `base`, doubling with each further
    /// failure up to `max`; the count starts afresh once `decay` passes
    /// without a failure.
    Consecutive {
        after: i32,
        base: Duration,
        max: Duration,
        decay: Duration,
    },
    /// Locks once `limit` failures fall within one `window`, until the
    /// window ends.
    Window { limit: i32, window: Duration },
}

/// Sign-in: locked after 5 failures, 1 minute, doubling up to an hour;
/// forgotten after an hour without a failure.
pub const LOGIN: Policy = Policy::Consecutive {
    after: 5,
    base: Duration::minutes(1),
    max: Duration::hours(1),
    decay: Duration::hours(1),
};

/// Secret-question answers: 5 wrong answers lock recovery for 24 hours;
/// forgotten a day after the last.
pub const RECOVERY: Policy = Policy::Consecutive {
    after: 5,
    base: Duration::hours(24),
    max: Duration::hours(24),
    decay: Duration::hours(24),
};

/// Registration mails to one address: 5 an hour.
pub const REGISTRATION_MAIL: Policy = Policy::Window {
    limit: 5,
    window: Duration::hours(1),
};

/// Failed completions with one registration link: the fifth spends it.
pub const REGISTRATION_TOKEN: Policy = Policy::Consecutive {
    after: 5,
    base: Duration::hours(24),
    max: Duration::hours(24),
    decay: Duration::hours(24),
};

/// Registration mails requested from one client address: 10 an hour.
pub const REGISTRATION_MAILS_PER_ADDRESS: Policy = Policy::Window {
    limit: 10,
    window: Duration::hours(1),
};

/// Numbers tried by one member: 10 failures an hour.
pub const ADD_LOCATION: Policy = Policy::Window {
    limit: 10,
    window: Duration::hours(1),
};

/// One client address: `limit` failures in 15 minutes.
pub fn per_address(limit: u32) -> Policy {
    Policy::Window {
        limit: i32::try_from(limit).unwrap_or(i32::MAX),
        window: Duration::minutes(15),
    }
}

/// Until when `key` is locked, if it is.
pub async fn locked_until(
    db: &impl ConnectionTrait,
    key: &Key,
) -> AppResult<Option<DateTime<Utc>>> {
    let row = throttle::Entity::find_by_id(key.0.clone()).one(db).await?;
    let now = crate::clock::now();
    Ok(row
        .and_then(|r| r.locked_until)
        .filter(|until| *until > now))
}

/// Counts one failure; returns the lock's end if the key is now locked.
///
/// One statement adds the failure (or starts the count afresh once its
/// window or decay has passed) and returns the new count, so concurrent
/// failures on several instances all count.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    key: &Key,
    policy: Policy,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(count(db, key, policy).await?.1)
}

/// [`record_failure`], returning the lock's end only when this failure is
/// the one that locked the key (not one that extends a lock).
pub async fn record_failure_locking(
    db: &impl ConnectionTrait,
    key: &Key,
    policy: Policy,
) -> AppResult<Option<DateTime<Utc>>> {
    let (failures, lock) = count(db, key, policy).await?;
    let first = match policy {
        Policy::Consecutive { after, .. } => failures == after,
        Policy::Window { limit, .. } => failures == limit,
    };
    Ok(lock.filter(|_| first))
}

/// Adds one to `key`'s count: the new count and the lock it brings.
async fn count(
    db: &impl ConnectionTrait,
    key: &Key,
    policy: Policy,
) -> AppResult<(i32, Option<DateTime<Utc>>)> {
    let now = crate::clock::now();
    let (since, stale_after) = match policy {
        Policy::Consecutive { decay, .. } => (throttle::Column::UpdatedAt, decay),
        Policy::Window { window, .. } => (throttle::Column::WindowStartedAt, window),
    };
    let stale = || Expr::col((throttle::Entity, since)).lte(now - stale_after);
    let current = |column| Expr::col((throttle::Entity, column));
    let row = throttle::Entity::insert(throttle::ActiveModel {
        key: Set(key.0.clone()),
        failures: Set(1),
        window_started_at: Set(now),
        locked_until: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(throttle::Column::Key)
            .value(
                throttle::Column::Failures,
                Expr::case(stale(), 1).finally(current(throttle::Column::Failures).add(1)),
            )
            .value(
                throttle::Column::WindowStartedAt,
                Expr::case(stale(), now).finally(current(throttle::Column::WindowStartedAt)),
            )
            .value(
                throttle::Column::LockedUntil,
                Expr::case(stale(), Option::<DateTime<Utc>>::None)
                    .finally(current(throttle::Column::LockedUntil)),
            )
            .value(throttle::Column::UpdatedAt, Expr::value(now))
            .to_owned(),
    )
    .exec_with_returning(db)
    .await?;
    let lock = match policy {
        Policy::Consecutive {
            after, base, max, ..
        } => (row.failures >= after).then(|| {
            let doublings = (row.failures - after).clamp(0, 20);
            let wait = base * 2i32.pow(doublings as u32);
            now + wait.min(max)
        }),
        Policy::Window { limit, window } => {
            (row.failures >= limit).then_some(row.window_started_at + window)
        }
    };
    if let Some(until) = lock
        && row.locked_until != Some(until)
    {
        throttle::Entity::update_many()
            .col_expr(throttle::Column::LockedUntil, Expr::value(until))
            .filter(throttle::Column::Key.eq(key.0.clone()))
            .exec(db)
            .await?;
    }
    Ok((row.failures, lock))
}

/// Counts an attempt before it is made (so attempts running at once cannot
/// all slip under the limit) and refuses it once the key is past its limit,
/// counting the refused attempt too; a successful attempt gives its count
/// back with [`forgive`].
pub async fn attempt(
    db: &impl ConnectionTrait,
    key: &Key,
    policy: Policy,
) -> AppResult<Result<(), DateTime<Utc>>> {
    let (failures, lock) = count(db, key, policy).await?;
    let limit = match policy {
        Policy::Consecutive { after, .. } => after,
        Policy::Window { limit, .. } => limit,
    };
    Ok(if failures > limit {
        Err(lock.unwrap_or_else(Utc::now))
    } else {
        Ok(())
    })
}

/// Takes back the count of an attempt that succeeded.
pub async fn forgive(db: &impl ConnectionTrait, key: &Key) -> AppResult<()> {
    throttle::Entity::update_many()
        .col_expr(
            throttle::Column::Failures,
            Expr::col(throttle::Column::Failures).sub(1),
        )
        .filter(throttle::Column::Key.eq(key.0.clone()))
        .filter(throttle::Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the failures of `key` (after a success, or a staff unlock).
pub async fn clear(db: &impl ConnectionTrait, key: &Key) -> AppResult<()> {
    throttle::Entity::delete_by_id(key.0.clone())
        .exec(db)
        .await?;
    Ok(())
}

//! Counting failed attempts in the database, so limits hold across every
//! service instance: per account (a login ID, a portal customer number,
//! known or not, so a lock never tells whether an account exists) and per
//! client address.

use chrono::{DateTime, Duration, Utc};
use entity::throttle;
use sea_orm::sea_query::{Expr, ExprTrait as _, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::error::AppResult;

/// What an attempt is counted against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// Sign-ins to one login ID.
    pub fn login(login_id: &str) -> Self {
        Self(format!("login:{login_id}"))
    }
    /// Sign-ins to one staff account.
    pub fn staff_login(login_id: &str) -> Self {
        Self(format!("staff-login:{login_id}"))
    }
    /// Secret-question answers for one portal customer number.
    pub fn recovery(portal_customer_number: &str) -> Self {
        Self(format!("recovery:{portal_customer_number}"))
    }
    /// Failures of one kind from one client address.
    pub fn address(action: &str, address: &str) -> Self {
        Self(format!("ip:{action}:{address}"))
    }
    /// Numbers a member tried to add to their account.
    pub fn add_location(member_id: i64) -> Self {
        Self(format!("add-location:{member_id}"))
    }
    /// Registration mails requested for one address.
    pub fn registration_mail(email: &str) -> Self {
        Self(format!("registration-mail:{email}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// When a key locks, and for how long.
#[derive(Clone, Copy, Debug)]
pub enum Policy {
    /// Locks after `after` consecutive failures for `base`, doubling with
    /// each further failure up to `max`.
    Consecutive {
        after: i32,
        base: Duration,
        max: Duration,
    },
    /// Locks once `limit` failures fall within one `window`, until the
    /// window ends.
    Window { limit: i32, window: Duration },
}

/// Sign-in: locked after 5 failures, 1 minute, doubling up to an hour.
pub const LOGIN: Policy = Policy::Consecutive {
    after: 5,
    base: Duration::minutes(1),
    max: Duration::hours(1),
};

/// Secret-question answers: 5 wrong answers lock recovery for 24 hours.
pub const RECOVERY: Policy = Policy::Consecutive {
    after: 5,
    base: Duration::hours(24),
    max: Duration::hours(24),
};

/// Registration mails to one address: 5 an hour.
pub const REGISTRATION_MAIL: Policy = Policy::Window {
    limit: 5,
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
    let now = Utc::now();
    Ok(row
        .and_then(|r| r.locked_until)
        .filter(|until| *until > now))
}

/// Counts one failure; returns the lock's end if the key is now locked.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    key: &Key,
    policy: Policy,
) -> AppResult<Option<DateTime<Utc>>> {
    let now = Utc::now();
    // Insert or add one, atomically, so concurrent failures all count.
    throttle::Entity::insert(throttle::ActiveModel {
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
                Expr::col((throttle::Entity, throttle::Column::Failures)).add(1),
            )
            .value(throttle::Column::UpdatedAt, Expr::value(now))
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let Some(row) = throttle::Entity::find_by_id(key.0.clone()).one(db).await? else {
        return Ok(None);
    };
    let lock = match policy {
        Policy::Consecutive { after, base, max } => (row.failures >= after).then(|| {
            let doublings = (row.failures - after).clamp(0, 20);
            let wait = base * 2i32.pow(doublings as u32);
            now + wait.min(max)
        }),
        Policy::Window { limit, window } => {
            if row.window_started_at + window <= now {
                // The window has passed: this failure starts a new one.
                throttle::Entity::update_many()
                    .col_expr(throttle::Column::Failures, Expr::value(1))
                    .col_expr(throttle::Column::WindowStartedAt, Expr::value(now))
                    .col_expr(
                        throttle::Column::LockedUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .filter(throttle::Column::Key.eq(key.0.clone()))
                    .exec(db)
                    .await?;
                return Ok(None);
            }
            (row.failures >= limit).then_some(row.window_started_at + window)
        }
    };
    if let Some(until) = lock {
        throttle::Entity::update_many()
            .col_expr(throttle::Column::LockedUntil, Expr::value(until))
            .filter(throttle::Column::Key.eq(key.0.clone()))
            .exec(db)
            .await?;
    }
    Ok(lock)
}

/// Forgets the failures of `key` (after a success, or a staff unlock).
pub async fn clear(db: &impl ConnectionTrait, key: &Key) -> AppResult<()> {
    throttle::Entity::delete_by_id(key.0.clone())
        .exec(db)
        .await?;
    Ok(())
}

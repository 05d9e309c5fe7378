//! Removing what has served its purpose, hourly: ended sessions, spent or
//! expired links, forgotten attempt counters, and the (already text-free)
//! records of mail sent long ago. Keeps tables small and personal data
//! short-lived.

use chrono::{DateTime, Duration, Utc};
use entity::{
    email_change, mail_outbox, password_reset, registration, session, sign_in_link, throttle,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppResult;

/// How often the purge runs.
pub const INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);
/// Sent mail is remembered this long (for dedup keys: a bill's mail is
/// never sent twice within it).
pub const MAIL_RECORDS_DAYS: i64 = 400;

/// Rows removed by one purge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub registrations: u64,
    pub email_changes: u64,
    pub password_resets: u64,
    pub sign_in_links: u64,
    pub throttles: u64,
    pub mails: u64,
}

/// Deletes what ended more than a day before `now`.
pub async fn purge(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<Purged> {
    let day_ago = now - Duration::days(1);
    let sessions = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::RevokedAt.lt(day_ago))
                .add(session::Column::ExpiresAt.lt(day_ago))
                // Idle sessions end after at most a day (the setting's cap).
                .add(session::Column::LastSeenAt.lt(day_ago - Duration::days(1))),
        )
        .exec(db)
        .await?
        .rows_affected;
    let registrations = registration::Entity::delete_many()
        .filter(registration::Column::ExpiresAt.lt(day_ago))
        .exec(db)
        .await?
        .rows_affected;
    let email_changes = email_change::Entity::delete_many()
        .filter(email_change::Column::ExpiresAt.lt(day_ago))
        .exec(db)
        .await?
        .rows_affected;
    let password_resets = password_reset::Entity::delete_many()
        .filter(password_reset::Column::ExpiresAt.lt(day_ago))
        .exec(db)
        .await?
        .rows_affected;
    let sign_in_links = sign_in_link::Entity::delete_many()
        .filter(sign_in_link::Column::ExpiresAt.lt(day_ago))
        .exec(db)
        .await?
        .rows_affected;
    let throttles = throttle::Entity::delete_many()
        .filter(throttle::Column::UpdatedAt.lt(day_ago))
        .filter(
            Condition::any()
                .add(throttle::Column::LockedUntil.is_null())
                .add(throttle::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?
        .rows_affected;
    let mails = mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::SentAt.lt(now - Duration::days(MAIL_RECORDS_DAYS)))
        .exec(db)
        .await?
        .rows_affected;
    Ok(Purged {
        sessions,
        registrations,
        email_changes,
        password_resets,
        sign_in_links,
        throttles,
        mails,
    })
}

/// Purges now and then every [`INTERVAL`], until the task is dropped.
pub async fn run(db: DatabaseConnection) {
    loop {
        match purge(&db, crate::clock::now()).await {
            Ok(purged) if purged != Purged::default() => tracing::info!(?purged, "housekeeping"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = ?err, "housekeeping failed"),
        }
        tokio::time::sleep(INTERVAL).await;
    }
}

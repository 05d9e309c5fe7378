//! Outgoing mail through an outbox: a mail is a row written in the same
//! transaction as the change it reports, and a background worker delivers
//! it (to `.eml` files or over SMTP), retrying until it goes out. A mail
//! server that is down loses nothing.

mod worker;

use entity::mail_outbox;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

pub use worker::{MailWorker, Transport};

use crate::error::AppResult;

/// A plain-text mail to one address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The member it is for, if one: kept after sending, when the address
    /// and text are erased.
    pub member_id: Option<i64>,
}

/// Queues a mail. With a `dedup_key`, a mail with the same key is queued
/// only once, ever (e.g. one notification per bill).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    mail: OutgoingMail,
    dedup_key: Option<String>,
) -> AppResult<()> {
    let now = crate::clock::now();
    mail_outbox::Entity::insert(mail_outbox::ActiveModel {
        dedup_key: Set(dedup_key),
        member_id: Set(mail.member_id),
        to_address: Set(mail.to),
        subject: Set(mail.subject),
        body: Set(mail.body),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(mail_outbox::Column::DedupKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

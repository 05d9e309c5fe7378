//! What a clerk needs to answer a member's call: every lock in their way
//! (with its failure count and end), when they last signed in, the
//! documents and notices they were sent, and what became of each mail
//! ("the mail never came": queued, sent, or failing with the last error).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use entity::{
    document, mail_outbox, member, notice, notice_read, service_location, session, throttle,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::auth::throttle::{Key, Keyring};
use crate::error::AppResult;

/// Most rows a clerk sees of each list (newest first).
pub const MAX_ROWS: u64 = 50;
/// Client addresses a member signed in from this recently are checked for
/// address locks.
const ADDRESS_DAYS: i64 = 30;
/// The address-lock kinds a member can meet.
const ADDRESS_ACTIONS: [&str; 4] = ["login", "recovery", "recovery-question", "letter"];

/// What a lock stands in the way of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    /// Sign-in with the login ID.
    SignIn,
    /// The secret question for a portal customer number.
    Recovery,
    /// A reset letter's code for a portal customer number.
    Letter,
    /// Everything of one kind from one client address the member used.
    Address,
}

/// One lock, or a count of failures that has not locked yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub kind: LockKind,
    /// The login ID, portal customer number or client address.
    pub subject: String,
    pub failures: i32,
    /// While in the future, it is locked.
    pub locked_until: Option<DateTime<Utc>>,
}

/// The failure counts and locks on a member, those that have any.
pub async fn locks(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    member: &member::Model,
) -> AppResult<Vec<Lock>> {
    let now = crate::clock::now();
    let numbers: Vec<String> = service_location::Entity::find()
        .select_only()
        .column(service_location::Column::PortalCustomerNumber)
        .filter(service_location::Column::MemberId.eq(member.id))
        .into_tuple()
        .all(db)
        .await?;
    let addresses: BTreeSet<String> = session::Entity::find()
        .filter(session::Column::MemberId.eq(member.id))
        .filter(session::Column::CreatedAt.gt(now - Duration::days(ADDRESS_DAYS)))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| s.client_address)
        .collect();
    let mut wanted: Vec<(Key, LockKind, String)> = vec![];
    if let Some(login_id) = &member.login_id {
        wanted.push((keyring.login(login_id), LockKind::SignIn, login_id.clone()));
    }
    for number in &numbers {
        wanted.push((keyring.recovery(number), LockKind::Recovery, number.clone()));
        wanted.push((keyring.letter(number), LockKind::Letter, number.clone()));
    }
    for address in &addresses {
        for action in ADDRESS_ACTIONS {
            wanted.push((
                Key::address(action, address),
                LockKind::Address,
                format!("{address} ({action})"),
            ));
        }
    }
    let rows: HashMap<String, throttle::Model> = throttle::Entity::find()
        .filter(throttle::Column::Key.is_in(wanted.iter().map(|(k, _, _)| k.as_str().to_string())))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect();
    Ok(wanted
        .into_iter()
        .filter_map(|(key, kind, subject)| {
            let row = rows.get(key.as_str())?;
            let locked_until = row.locked_until.filter(|until| *until > now);
            (row.failures > 0 || locked_until.is_some()).then_some(Lock {
                kind,
                subject,
                failures: row.failures,
                locked_until,
            })
        })
        .collect())
}

/// When the member last signed in, if they ever did (and the session is
/// still kept).
pub async fn last_sign_in(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(session::Entity::find()
        .filter(session::Column::MemberId.eq(member_id))
        .order_by_desc(session::Column::CreatedAt)
        .one(db)
        .await?
        .map(|s| s.created_at))
}

/// A document as a clerk lists it (its content stays in the database).
#[derive(Clone, Debug, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct DocumentRow {
    pub id: i64,
    pub service_location_id: i64,
    pub kind: entity::types::DocumentKind,
    pub title: String,
    pub issued_on: chrono::NaiveDate,
    pub size_bytes: i64,
}

/// The documents of the member's locations, newest first.
pub async fn documents(db: &impl ConnectionTrait, member_id: i64) -> AppResult<Vec<DocumentRow>> {
    let locations: Vec<i64> = service_location::Entity::find()
        .select_only()
        .column(service_location::Column::Id)
        .filter(service_location::Column::MemberId.eq(member_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(document::Entity::find()
        .select_only()
        .columns([
            document::Column::Id,
            document::Column::ServiceLocationId,
            document::Column::Kind,
            document::Column::Title,
            document::Column::IssuedOn,
            document::Column::SizeBytes,
        ])
        .filter(document::Column::ServiceLocationId.is_in(locations))
        .order_by_desc(document::Column::IssuedOn)
        .order_by_desc(document::Column::Id)
        .limit(MAX_ROWS)
        .into_model::<DocumentRow>()
        .all(db)
        .await?)
}

/// The notices sent to the member alone, newest first, with when they
/// read each.
pub async fn personal_notices(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> AppResult<Vec<(notice::Model, Option<DateTime<Utc>>)>> {
    let notices = notice::Entity::find()
        .filter(notice::Column::MemberId.eq(member_id))
        .order_by_desc(notice::Column::PublishedAt)
        .limit(MAX_ROWS)
        .all(db)
        .await?;
    let reads: HashMap<i64, DateTime<Utc>> = notice_read::Entity::find()
        .filter(notice_read::Column::MemberId.eq(member_id))
        .filter(notice_read::Column::NoticeId.is_in(notices.iter().map(|n| n.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.notice_id, r.read_at))
        .collect();
    Ok(notices
        .into_iter()
        .map(|n| {
            let read = reads.get(&n.id).copied();
            (n, read)
        })
        .collect())
}

/// What became of a mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Not tried yet.
    Queued,
    /// Handed to the mail server.
    Sent,
    /// Tried and failed; retried at `next_attempt_at`.
    Failing,
}

pub fn delivery(mail: &mail_outbox::Model) -> Delivery {
    match (mail.sent_at, mail.attempts) {
        (Some(_), _) => Delivery::Sent,
        (None, 0) => Delivery::Queued,
        (None, _) => Delivery::Failing,
    }
}

/// The mails for the member (and any still waiting for their address),
/// newest first.
pub async fn mails(
    db: &impl ConnectionTrait,
    member: &member::Model,
) -> AppResult<Vec<mail_outbox::Model>> {
    let mut which = sea_orm::Condition::any().add(mail_outbox::Column::MemberId.eq(member.id));
    if let Some(email) = &member.email {
        which = which.add(mail_outbox::Column::ToAddress.eq(email.as_str()));
    }
    Ok(mail_outbox::Entity::find()
        .filter(which)
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .order_by_desc(mail_outbox::Column::Id)
        .limit(MAX_ROWS)
        .all(db)
        .await?)
}

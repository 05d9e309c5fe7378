//! What staff can read and do, each step written to the audit log.

use chrono::{DateTime, Utc};
use entity::{audit_log, member, service_location, staff};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::auth::throttle::{self, Key, Keyring};
use crate::error::AppResult;

pub use entity::types::AuditAction;

/// Writes one audit entry.
pub async fn audit(
    db: &impl ConnectionTrait,
    staff_id: i64,
    action: AuditAction,
    member_id: Option<i64>,
    service_location_id: Option<i64>,
    detail: String,
) -> AppResult<()> {
    audit_log::ActiveModel {
        staff_id: Set(staff_id),
        action: Set(action),
        member_id: Set(member_id),
        service_location_id: Set(service_location_id),
        detail: Set(detail),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn location_by_customer_number(
    db: &impl ConnectionTrait,
    customer_number: &str,
) -> AppResult<Option<service_location::Model>> {
    Ok(service_location::Entity::find()
        .filter(service_location::Column::CustomerNumber.eq(customer_number))
        .one(db)
        .await?)
}

pub async fn member_by_login_id(
    db: &impl ConnectionTrait,
    login_id: &str,
) -> AppResult<Option<member::Model>> {
    Ok(member::Entity::find()
        .filter(member::Column::LoginId.eq(login_id))
        .one(db)
        .await?)
}

/// The keys whose locks stand between a member and the portal: sign-in by
/// login ID, recovery and reset letters by each of their portal customer
/// numbers.
async fn lock_keys(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    member: &member::Model,
) -> AppResult<Vec<Key>> {
    let numbers: Vec<String> = service_location::Entity::find()
        .select_only()
        .column(service_location::Column::PortalCustomerNumber)
        .filter(service_location::Column::MemberId.eq(member.id))
        .into_tuple()
        .all(db)
        .await?;
    let mut keys: Vec<Key> = numbers
        .iter()
        .flat_map(|n| [keyring.recovery(n), keyring.letter(n)])
        .collect();
    if let Some(login_id) = &member.login_id {
        keys.push(keyring.login(login_id));
    }
    Ok(keys)
}

/// Until when the member cannot sign in or recover, if locked.
pub async fn locked_until(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    member: &member::Model,
) -> AppResult<Option<DateTime<Utc>>> {
    let mut latest = None;
    for key in lock_keys(db, keyring, member).await? {
        latest = latest.max(throttle::locked_until(db, &key).await?);
    }
    Ok(latest)
}

/// Lifts every lock on a member.
pub async fn unlock(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    member: &member::Model,
) -> AppResult<()> {
    for key in lock_keys(db, keyring, member).await? {
        throttle::clear(db, &key).await?;
    }
    Ok(())
}

/// A page of the audit log, newest first, optionally for one member.
pub async fn audit_page(
    db: &impl ConnectionTrait,
    member_id: Option<i64>,
    first: u64,
    before_id: Option<i64>,
) -> AppResult<(Vec<(audit_log::Model, Option<staff::Model>)>, bool)> {
    let mut query = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(first + 1);
    if let Some(member_id) = member_id {
        query = query.filter(audit_log::Column::MemberId.eq(member_id));
    }
    if let Some(before) = before_id {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    let mut rows = query.all(db).await?;
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    let staff_ids: Vec<i64> = rows.iter().map(|r| r.staff_id).collect();
    let staff = staff::Entity::find()
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(db)
        .await?;
    Ok((
        rows.into_iter()
            .map(|r| {
                let who = staff.iter().find(|s| s.id == r.staff_id).cloned();
                (r, who)
            })
            .collect(),
        has_next,
    ))
}

/// Why staff could not unlink a location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnlinkError {
    /// No such location, or nobody holds it.
    NotLinked,
    /// A reason is needed for the audit log (1 to 200 characters).
    ReasonMissing,
}

/// A reason written to the audit log: trimmed, 1 to 200 characters, no
/// control characters.
pub fn parse_reason(raw: &str) -> Result<String, UnlinkError> {
    let reason = raw.trim();
    let ok = !reason.is_empty()
        && reason.chars().count() <= 200
        && !reason.chars().any(char::is_control);
    ok.then(|| reason.to_string())
        .ok_or(UnlinkError::ReasonMissing)
}

/// Unlinks a location from its member (e.g. moved out and unreachable),
/// with the reason in the audit log, in one transaction. The member keeps
/// their other locations; their account is not touched.
pub async fn unlink_location(
    db: &sea_orm::DatabaseConnection,
    staff_id: i64,
    location_id: i64,
    reason: String,
) -> AppResult<Result<service_location::Model, UnlinkError>> {
    let txn = crate::db::write_txn(db).await?;
    let Some(location) = service_location::Entity::find_by_id(location_id)
        .one(&txn)
        .await?
        .filter(|l| l.member_id.is_some())
    else {
        txn.rollback().await?;
        return Ok(Err(UnlinkError::NotLinked));
    };
    service_location::Entity::update_many()
        .col_expr(
            service_location::Column::MemberId,
            sea_orm::sea_query::Expr::value(Option::<i64>::None),
        )
        .col_expr(
            service_location::Column::LinkedAt,
            sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(service_location::Column::Id.eq(location.id))
        .exec(&txn)
        .await?;
    audit(
        &txn,
        staff_id,
        AuditAction::UnlinkLocation,
        location.member_id,
        Some(location.id),
        reason,
    )
    .await?;
    let unlinked = service_location::Entity::find_by_id(location.id)
        .one(&txn)
        .await?
        .unwrap_or(location);
    txn.commit().await?;
    Ok(Ok(unlinked))
}

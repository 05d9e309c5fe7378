//! 各種お手続き: adding another service location to an account, and
//! removing one (never the last: that is withdrawal).

use chrono::Utc;
use entity::service_location;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use super::AccountError;
use super::settings::{check_current_password, load};
use crate::auth::MemberId;
use crate::auth::password::Hasher;
use crate::auth::throttle::{self, Key};
use crate::domain::PortalCustomerNumber;
use crate::error::{AppError, AppResult, Missing};

/// Links the location with this portal customer number to the member.
pub async fn add(
    db: &DatabaseConnection,
    who: MemberId,
    number: &PortalCustomerNumber,
) -> AppResult<Result<service_location::Model, Vec<AccountError>>> {
    let key = Key::add_location(who.id);
    if let Some(until) = throttle::locked_until(db, &key).await? {
        return Err(AppError::RateLimited { until: Some(until) });
    }
    let mine = service_location::Entity::find()
        .filter(service_location::Column::PortalCustomerNumber.eq(number.as_str()))
        .filter(service_location::Column::MemberId.eq(who.id))
        .one(db)
        .await?;
    if mine.is_some() {
        return Ok(Err(vec![AccountError::AlreadyLinked]));
    }
    let linked = service_location::Entity::update_many()
        .col_expr(service_location::Column::MemberId, Expr::value(who.id))
        .col_expr(
            service_location::Column::LinkedAt,
            Expr::value(crate::clock::now()),
        )
        .filter(service_location::Column::PortalCustomerNumber.eq(number.as_str()))
        .filter(service_location::Column::MemberId.is_null())
        .exec(db)
        .await?;
    if linked.rows_affected != 1 {
        throttle::record_failure(db, &key, throttle::ADD_LOCATION).await?;
        return Ok(Err(vec![AccountError::NumberUnavailable]));
    }
    let location = service_location::Entity::find()
        .filter(service_location::Column::PortalCustomerNumber.eq(number.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::Location))?;
    Ok(Ok(location))
}

/// Unlinks one of the member's locations, after the password; the last
/// one stays.
pub async fn remove(
    db: &DatabaseConnection,
    hasher: &Hasher,
    who: MemberId,
    location_id: Option<i64>,
    current_password: &str,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let member = load(db, who).await?;
    if let Err(errors) = check_current_password(db, hasher, &member, current_password).await? {
        return Ok(Err(errors));
    }
    let not_found = || vec![AccountError::LocationNotFound];
    let Some(location_id) = location_id else {
        return Ok(Err(not_found()));
    };
    let txn = crate::db::write_txn(db).await?;
    let unlinked = service_location::Entity::update_many()
        .col_expr(
            service_location::Column::MemberId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            service_location::Column::LinkedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(service_location::Column::Id.eq(location_id))
        .filter(service_location::Column::MemberId.eq(who.id))
        .exec(&txn)
        .await?;
    if unlinked.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Err(not_found()));
    }
    // Counted after the change, inside the transaction: two removals at
    // once cannot both pass.
    let left = service_location::Entity::find()
        .filter(service_location::Column::MemberId.eq(who.id))
        .count(&txn)
        .await?;
    if left == 0 {
        txn.rollback().await?;
        return Ok(Err(vec![AccountError::LastLocation]));
    }
    txn.commit().await?;
    Ok(Ok(()))
}

//! Reading a member's account and service locations.

use entity::{member, secret_question, service_location};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::{AppError, AppResult};

/// The member behind a live session.
pub async fn member(db: &impl ConnectionTrait, member_id: i64) -> AppResult<member::Model> {
    member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// A member's service locations, by customer number.
pub async fn locations_of(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> AppResult<Vec<service_location::Model>> {
    Ok(service_location::Entity::find()
        .filter(service_location::Column::MemberId.eq(member_id))
        .order_by_asc(service_location::Column::CustomerNumber)
        .all(db)
        .await?)
}

/// A service location, if it is `member_id`'s.
pub async fn location_of_member(
    db: &impl ConnectionTrait,
    location_id: i64,
    member_id: i64,
) -> AppResult<Option<service_location::Model>> {
    Ok(service_location::Entity::find_by_id(location_id)
        .filter(service_location::Column::MemberId.eq(member_id))
        .one(db)
        .await?)
}

/// A secret question by ID.
pub async fn secret_question(
    db: &impl ConnectionTrait,
    id: i32,
) -> AppResult<Option<secret_question::Model>> {
    Ok(secret_question::Entity::find_by_id(id).one(db).await?)
}

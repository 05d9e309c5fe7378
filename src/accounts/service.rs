//! Reading a member's account and service locations.

use entity::{member, secret_question, service_location};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::config::Config;

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

/// After a sign-in: mails a member who opted in when the device is one
/// they have not signed in from before.
pub async fn mail_if_new_device(
    db: &DatabaseConnection,
    member: &member::Model,
    origin: &crate::auth::session::Origin,
) -> AppResult<bool> {
    let Some(email) = member.email.as_deref().filter(|_| member.notify_new_device) else {
        return Ok(false);
    };
    let user_agent = origin.user_agent.as_deref();
    if crate::auth::session::device_seen_before(db, member.id, user_agent).await? {
        return Ok(false);
    }
    let lang = super::mails::member_lang(member);
    let device =
        crate::auth::session::describe_device(user_agent, &crate::t!(lang, "device-unknown"));
    crate::mail::enqueue(
        db,
        super::mails::new_device_sign_in(
            member,
            email,
            &device,
            origin.client_address.as_deref().unwrap_or(""),
        ),
        None,
    )
    .await?;
    Ok(true)
}

/// Mails `member` the one-time link past a sign-in lock that just began
/// (see `auth::service::sign_in_with_link`), in one transaction.
pub async fn mail_sign_in_link(
    db: &DatabaseConnection,
    config: &Config,
    member: &member::Model,
    locked_until: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let Some(email) = &member.email else {
        return Ok(());
    };
    let txn = crate::db::write_txn(db).await?;
    let (token, expires_at) = crate::auth::service::new_sign_in_link(&txn, member).await?;
    let link = format!("{}/unlock?token={token}", config.public_url);
    crate::mail::enqueue(
        &txn,
        super::mails::sign_in_locked(member, email, &link, locked_until, expires_at),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Records that the member has just changed something themselves, so
/// their next reads stay on the primary (see `db::replica`).
pub async fn record_own_write(db: &impl ConnectionTrait, member_id: i64) -> AppResult<()> {
    member::Entity::update_many()
        .col_expr(
            member::Column::LastWriteAt,
            sea_orm::sea_query::Expr::value(Some(crate::clock::now())),
        )
        .filter(member::Column::Id.eq(member_id))
        .exec(db)
        .await?;
    Ok(())
}

//! 退会: the member's own data is erased in one transaction; the utility's
//! records (locations, readings, bills) stay, unlinked.

use chrono::Utc;
use entity::types::MemberStatus;
use entity::{
    email_change, mail_outbox, member, notice, notice_read, password_reset, registration,
    service_location, session, sign_in_link,
};
use sea_orm::ConnectionTrait as _;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::AccountError;
use super::mails;
use super::settings::{check_current_password, load};
use crate::auth::MemberId;
use crate::auth::password::Hasher;
use crate::auth::throttle;
use crate::error::AppResult;
use crate::mail;

/// What stays of a withdrawn member: a row with no personal data, so the
/// bureau's own records that pointed at it stay consistent.
pub fn withdrawn_name() -> String {
    crate::t!(crate::i18n::Lang::Ja, "withdrawn-member-name")
}

pub async fn withdraw(
    db: &DatabaseConnection,
    hasher: &Hasher,
    who: MemberId,
    current_password: &str,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let member = load(db, who).await?;
    if let Err(errors) = check_current_password(db, hasher, &member, current_password).await? {
        return Ok(Err(errors));
    }
    let now = crate::clock::now();
    let txn = crate::db::write_txn(db).await?;
    if let Some(email) = &member.email {
        // Mails not yet sent to the member are dropped; the final notice is
        // queued (and its text erased once sent, like every mail).
        mail_outbox::Entity::delete_many()
            .filter(mail_outbox::Column::ToAddress.eq(email.as_str()))
            .filter(mail_outbox::Column::SentAt.is_null())
            .exec(&txn)
            .await?;
        registration::Entity::delete_many()
            .filter(registration::Column::Email.eq(email.as_str()))
            .exec(&txn)
            .await?;
        mail::enqueue(&txn, mails::withdrawn(&member, email), None).await?;
    }
    session::Entity::delete_many()
        .filter(session::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    service_location::Entity::update_many()
        .col_expr(
            service_location::Column::MemberId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            service_location::Column::LinkedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(service_location::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    notice_read::Entity::delete_many()
        .filter(notice_read::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    notice::Entity::delete_many()
        .filter(notice::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    // A letter in the post stops working, and its PDF (name, address,
    // code) goes.
    entity::reset_letter::Entity::delete_many()
        .filter(entity::reset_letter::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    sign_in_link::Entity::delete_many()
        .filter(sign_in_link::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    email_change::Entity::delete_many()
        .filter(email_change::Column::MemberId.eq(member.id))
        .exec(&txn)
        .await?;
    if let Some(login_id) = &member.login_id {
        throttle::clear(&txn, &hasher.keyring().login(login_id)).await?;
    }
    member::Entity::update_many()
        .col_expr(member::Column::LoginId, Expr::value(Option::<String>::None))
        .col_expr(
            member::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(member::Column::DisplayName, Expr::value(withdrawn_name()))
        .col_expr(
            member::Column::NameSearch,
            Expr::value(Option::<String>::None),
        )
        .col_expr(member::Column::Email, Expr::value(Option::<String>::None))
        .col_expr(
            member::Column::SecretQuestionId,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(
            member::Column::SecretAnswerHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(member::Column::NotifyBillIssued, Expr::value(false))
        .col_expr(member::Column::NotifyNoticePublished, Expr::value(false))
        .col_expr(member::Column::Status, Expr::value(MemberStatus::Withdrawn))
        .col_expr(member::Column::UpdatedAt, Expr::value(now))
        .col_expr(member::Column::WithdrawnAt, Expr::value(Some(now)))
        .filter(member::Column::Id.eq(member.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        // The erased rows' old pages leave the WAL file too.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    Ok(Ok(()))
}

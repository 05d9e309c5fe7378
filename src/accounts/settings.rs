//! 会員登録情報の変更: password, e-mail (confirmed by a mailed link) and
//! notification mails.

use chrono::Duration;
use entity::{email_change, member};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::AccountError;
use super::mails;
use crate::auth::MemberId;
use crate::auth::password::Hasher;
use crate::auth::service::normalise_password;
use crate::auth::session::{self, hash_token, new_token};
use crate::auth::throttle;
use crate::config::Config;
use crate::domain::{Email, NewPassword};
use crate::error::{AppError, AppResult};
use crate::mail;

/// An e-mail change link is valid this long.
pub const EMAIL_LINK_VALID_HOURS: i64 = 24;

/// Checks a signed-in member's current password. Wrong answers count
/// against the account like failed sign-ins, so a stolen session cannot be
/// used to guess it.
pub async fn check_current_password(
    db: &impl ConnectionTrait,
    hasher: &Hasher,
    member: &member::Model,
    password: &str,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let key = member
        .login_id
        .as_deref()
        .map(|id| hasher.keyring().login(id));
    // A locked account costs no hash.
    if let Some(key) = &key
        && let Some(until) = throttle::locked_until(db, key).await?
    {
        return Err(AppError::RateLimited { until: Some(until) });
    }
    let matched = hasher
        .verify(normalise_password(password), member.password_hash.clone())
        .await?;
    if matched {
        return Ok(Ok(()));
    }
    if let Some(key) = &key {
        throttle::record_failure(db, key, throttle::LOGIN).await?;
    }
    Ok(Err(vec![AccountError::WrongPassword]))
}

/// What a member's password must not contain: their login ID and the
/// customer numbers (10 digits) and portal customer numbers (12) of every
/// location they hold.
pub(crate) async fn personal_words(
    db: &impl ConnectionTrait,
    member: &member::Model,
) -> AppResult<Vec<String>> {
    let locations = entity::service_location::Entity::find()
        .filter(entity::service_location::Column::MemberId.eq(member.id))
        .all(db)
        .await?;
    Ok(member
        .login_id
        .iter()
        .cloned()
        .chain(
            locations
                .into_iter()
                .flat_map(|l| [l.customer_number, l.portal_customer_number]),
        )
        .collect())
}

/// The member behind a session.
pub async fn load(db: &impl ConnectionTrait, who: MemberId) -> AppResult<member::Model> {
    super::service::member(db, who.id).await
}

pub async fn change_password(
    db: &DatabaseConnection,
    hasher: &Hasher,
    who: MemberId,
    current: &str,
    new: &str,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let member = load(db, who).await?;
    if let Err(errors) = check_current_password(db, hasher, &member, current).await? {
        return Ok(Err(errors));
    }
    if normalise_password(new) == normalise_password(current) {
        return Ok(Err(vec![AccountError::SamePassword]));
    }
    let words = personal_words(db, &member).await?;
    let personal: Vec<&str> = words.iter().map(String::as_str).collect();
    let password = match NewPassword::parse(new, &personal) {
        Ok(p) => p,
        Err(p) => return Ok(Err(vec![AccountError::NewPassword(p)])),
    };
    let hash = hasher.hash(password.into_string()).await?;
    let notice = member
        .email
        .as_deref()
        .map(|email| mails::password_changed(&member, email));
    set_password(
        db,
        hasher.keyring(),
        &member,
        hash,
        Some(who.session_id),
        notice,
    )
    .await?;
    Ok(Ok(()))
}

/// Stores a new password hash, ends the member's sessions but `keep`,
/// clears their sign-in lock and queues `notice` — in one transaction.
pub(super) async fn set_password(
    db: &DatabaseConnection,
    keyring: &throttle::Keyring,
    member: &member::Model,
    hash: String,
    keep: Option<i64>,
    notice: Option<mail::OutgoingMail>,
) -> AppResult<()> {
    let txn = crate::db::write_txn(db).await?;
    write_password(&txn, keyring, member, hash, keep, notice).await?;
    txn.commit().await?;
    Ok(())
}

/// [`set_password`]'s writes, inside the caller's transaction.
pub(crate) async fn write_password(
    txn: &impl ConnectionTrait,
    keyring: &throttle::Keyring,
    member: &member::Model,
    hash: String,
    keep: Option<i64>,
    notice: Option<mail::OutgoingMail>,
) -> AppResult<()> {
    member::Entity::update_many()
        .col_expr(member::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(member::Column::UpdatedAt, Expr::value(crate::clock::now()))
        .filter(member::Column::Id.eq(member.id))
        .exec(txn)
        .await?;
    session::revoke_member_sessions(txn, member.id, keep).await?;
    if let Some(login_id) = &member.login_id {
        throttle::clear(txn, &keyring.login(login_id)).await?;
    }
    if let Some(notice) = notice {
        mail::enqueue(txn, notice, None).await?;
    }
    Ok(())
}

/// Starts an e-mail change: the new address gets a confirmation link, the
/// old one is told. The address changes only once the link is used.
pub async fn request_email_change(
    db: &DatabaseConnection,
    config: &Config,
    hasher: &Hasher,
    who: MemberId,
    current: &str,
    email: &Email,
) -> AppResult<Result<member::Model, Vec<AccountError>>> {
    let member = load(db, who).await?;
    if let Err(errors) = check_current_password(db, hasher, &member, current).await? {
        return Ok(Err(errors));
    }
    if member.email.as_deref() == Some(email.as_str()) {
        return Ok(Err(vec![AccountError::SameEmail]));
    }
    let now = crate::clock::now();
    let txn = crate::db::write_txn(db).await?;
    // A newer request voids the links of older ones.
    email_change::Entity::update_many()
        .col_expr(email_change::Column::UsedAt, Expr::value(now))
        .filter(email_change::Column::MemberId.eq(member.id))
        .filter(email_change::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if email_taken(&txn, email.as_str()).await? {
        // As at registration: the same answer, and the address's owner is
        // told instead of being sent a link.
        mail::enqueue(
            &txn,
            mails::already_registered(mails::member_lang(&member), email.as_str()),
            None,
        )
        .await?;
        txn.commit().await?;
        return Ok(Ok(member));
    }
    let token = new_token();
    let expires_at = now + Duration::hours(EMAIL_LINK_VALID_HOURS);
    email_change::ActiveModel {
        token_hash: Set(hash_token(&token)),
        member_id: Set(member.id),
        new_email: Set(email.as_str().to_string()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let link = format!("{}/email/confirm?token={token}", config.public_url);
    mail::enqueue(
        &txn,
        mails::email_change_confirm(&member, email.as_str(), &link, expires_at),
        None,
    )
    .await?;
    if let Some(old) = &member.email {
        mail::enqueue(&txn, mails::email_change_requested(&member, old), None).await?;
    }
    txn.commit().await?;
    Ok(Ok(member))
}

/// Completes an e-mail change from the mailed link.
/// Whether an active member already has `email`.
pub(super) async fn email_taken(db: &impl ConnectionTrait, email: &str) -> AppResult<bool> {
    Ok(member::Entity::find()
        .filter(member::Column::Email.eq(email))
        .filter(member::Column::Status.eq(entity::types::MemberStatus::Active))
        .one(db)
        .await?
        .is_some())
}

/// Answers only whether it worked: whoever holds the link learns nothing
/// of the member.
pub async fn confirm_email_change(
    db: &DatabaseConnection,
    token: &str,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let invalid = || vec![AccountError::EmailLinkInvalid];
    let now = crate::clock::now();
    let txn = crate::db::write_txn(db).await?;
    let Some(change) = email_change::Entity::find()
        .filter(email_change::Column::TokenHash.eq(hash_token(token.trim())))
        .filter(email_change::Column::UsedAt.is_null())
        .filter(email_change::Column::ExpiresAt.gt(now))
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(Err(invalid()));
    };
    let spent = email_change::Entity::update_many()
        .col_expr(email_change::Column::UsedAt, Expr::value(now))
        .filter(email_change::Column::Id.eq(change.id))
        .filter(email_change::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 || email_taken(&txn, &change.new_email).await? {
        txn.rollback().await?;
        return Ok(Err(invalid()));
    }
    member::Entity::update_many()
        .col_expr(
            member::Column::Email,
            Expr::value(Some(change.new_email.clone())),
        )
        .col_expr(member::Column::UpdatedAt, Expr::value(now))
        .filter(member::Column::Id.eq(change.member_id))
        .filter(member::Column::Status.eq(entity::types::MemberStatus::Active))
        .exec(&txn)
        .await?;
    let member = super::service::member(&txn, change.member_id).await?;
    mail::enqueue(&txn, mails::email_changed(&member, &change.new_email), None).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Sets the language of the member's mails.
pub async fn update_language(
    db: &DatabaseConnection,
    who: MemberId,
    lang: crate::i18n::Lang,
) -> AppResult<member::Model> {
    member::Entity::update_many()
        .col_expr(member::Column::Language, Expr::value(lang.code()))
        .col_expr(member::Column::UpdatedAt, Expr::value(crate::clock::now()))
        .filter(member::Column::Id.eq(who.id))
        .exec(db)
        .await?;
    load(db, who).await
}

pub async fn update_notifications(
    db: &DatabaseConnection,
    who: MemberId,
    bill_issued: bool,
    notice_published: bool,
    new_device: Option<bool>,
    high_usage: Option<bool>,
) -> AppResult<member::Model> {
    let mut update = member::Entity::update_many();
    if let Some(high_usage) = high_usage {
        update = update.col_expr(member::Column::NotifyHighUsage, Expr::value(high_usage));
    }
    if let Some(new_device) = new_device {
        update = update.col_expr(member::Column::NotifyNewDevice, Expr::value(new_device));
    }
    update
        .col_expr(member::Column::NotifyBillIssued, Expr::value(bill_issued))
        .col_expr(
            member::Column::NotifyNoticePublished,
            Expr::value(notice_published),
        )
        .col_expr(member::Column::UpdatedAt, Expr::value(crate::clock::now()))
        .filter(member::Column::Id.eq(who.id))
        .exec(db)
        .await?;
    load(db, who).await
}

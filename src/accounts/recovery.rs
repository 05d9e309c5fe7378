//! ログインID/パスワードを忘れた方: the secret question, asked for a portal
//! customer number. Answers never tell whether an account exists: unknown
//! numbers get a decoy question (the same every time), wrong answers and
//! unknown numbers the same refusal, and both lock after five tries.

use chrono::{DateTime, Duration, Utc};
use entity::types::MemberStatus;
use entity::{member, password_reset, secret_question, service_location};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::AccountError;
use super::mails;
use crate::auth::password::Hasher;
use crate::auth::session::{hash_token, new_token};
use crate::auth::throttle::{self, Key};
use crate::config::Config;
use crate::domain::{LoginId, NewPassword, PortalCustomerNumber, normalise_secret_answer};
use crate::error::{AppError, AppResult, BadInput, Missing};
use crate::mail;
use crate::secrets::Secrets;

/// The active member whose service location has this number, if any.
async fn member_by_number(
    db: &impl ConnectionTrait,
    number: &PortalCustomerNumber,
) -> AppResult<Option<member::Model>> {
    let Some(location) = service_location::Entity::find()
        .filter(service_location::Column::PortalCustomerNumber.eq(number.as_str()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(member_id) = location.member_id else {
        return Ok(None);
    };
    Ok(member::Entity::find_by_id(member_id)
        .filter(member::Column::Status.eq(MemberStatus::Active))
        .one(db)
        .await?)
}

/// The secret question for a portal customer number: the member's own, or
/// for a number without a member a decoy that is the same every time.
pub async fn question(
    db: &DatabaseConnection,
    secrets: &Secrets,
    client: &str,
    address_limit: u32,
    raw_number: &str,
) -> AppResult<secret_question::Model> {
    // Every look-up counts against the client address: numbers cannot be
    // walked through to collect questions.
    let address_key = Key::address("recovery-question", client);
    if let Err(until) =
        throttle::attempt(db, &address_key, throttle::per_address(address_limit)).await?
    {
        return Err(AppError::RateLimited { until: Some(until) });
    }
    let number = PortalCustomerNumber::parse(raw_number)
        .map_err(|_| AppError::BadRequest(BadInput::PortalNumber))?;
    let member = member_by_number(db, &number).await?;
    let questions = secret_question::Entity::find()
        .order_by_asc(secret_question::Column::SortOrder)
        .all(db)
        .await?;
    let own = member
        .and_then(|m| m.secret_question_id)
        .and_then(|id| questions.iter().find(|q| q.id == id).cloned());
    if let Some(own) = own {
        return Ok(own);
    }
    let pick = secrets.decoy_hash(number.as_str())[0] as usize;
    questions
        .get(pick % questions.len().max(1))
        .cloned()
        .ok_or(AppError::NotFound(Missing::SecretQuestion))
}

fn wrong_answer() -> Vec<AccountError> {
    vec![AccountError::WrongAnswer]
}

fn locked(until: DateTime<Utc>) -> Vec<AccountError> {
    vec![AccountError::RecoveryLocked { until }]
}

/// Checks number, answer (and login ID, for a reset) under the attempt
/// limits; returns the member when all match.
async fn verify(
    db: &DatabaseConnection,
    config: &Config,
    hasher: &Hasher,
    client: &str,
    attempt: Answer<'_>,
) -> AppResult<Result<member::Model, Vec<AccountError>>> {
    let Answer {
        number: raw_number,
        answer: raw_answer,
        login_id,
        unlock_token,
    } = attempt;
    let address_key = Key::address("recovery", client);
    // Counted before any work, atomically; a success gives it back.
    let address_limit = config.address_failure_limit;
    if let Err(until) =
        throttle::attempt(db, &address_key, throttle::per_address(address_limit)).await?
    {
        return Err(AppError::RateLimited { until: Some(until) });
    }
    let number = match PortalCustomerNumber::parse(raw_number) {
        Ok(n) => n,
        Err(m) => {
            return Ok(Err(vec![AccountError::PortalNumber(m)]));
        }
    };
    let key = hasher.keyring().recovery(number.as_str());
    let member = member_by_number(db, &number).await?;
    let stored = member.as_ref().and_then(|m| m.secret_answer_hash.clone());
    let answer = normalise_secret_answer(raw_answer);
    // A locked number costs no hash (whether it has a member or not);
    // otherwise known or not, the same work before answering.
    if let Some(until) = throttle::locked_until(db, &key).await? {
        // The link mailed with the lock lets the member answer once anyway.
        let bypass = match (unlock_token, &member) {
            (Some(token), Some(m)) => {
                crate::auth::service::spend_lock_link(db, m.id, token).await?
            }
            _ => false,
        };
        if !bypass {
            return Ok(Err(locked(until)));
        }
    }
    let matched = hasher.verify(answer, stored).await?;
    let login_matches = match (login_id, &member) {
        (None, _) => true,
        (Some(raw), Some(m)) => {
            LoginId::parse(raw).is_ok_and(|id| m.login_id.as_deref() == Some(id.as_str()))
        }
        (Some(_), None) => false,
    };
    match member {
        Some(member) if matched && login_matches => {
            throttle::clear(db, &key).await?;
            throttle::forgive(db, &address_key).await?;
            Ok(Ok(member))
        }
        member => {
            let txn = crate::db::write_txn(db).await?;
            let lock = throttle::record_failure(&txn, &key, throttle::RECOVERY).await?;
            if let (Some(until), Some(m)) = (lock, &member)
                && let Some(email) = &m.email
            {
                let (token, expires_at) = crate::auth::service::new_sign_in_link(&txn, m).await?;
                let link = format!("{}/recover?unlock={token}", config.public_url);
                mail::enqueue(
                    &txn,
                    mails::recovery_locked(m, email, until, &link, expires_at),
                    None,
                )
                .await?;
            }
            txn.commit().await?;
            Ok(Err(wrong_answer()))
        }
    }
}

/// Shows the login ID to whoever answers the secret question, and tells
/// the member by mail.
pub async fn recover_login_id(
    db: &DatabaseConnection,
    config: &Config,
    hasher: &Hasher,
    client: &str,
    raw_number: &str,
    raw_answer: &str,
    unlock_token: Option<&str>,
) -> AppResult<Result<String, Vec<AccountError>>> {
    let attempt = Answer {
        number: raw_number,
        answer: raw_answer,
        login_id: None,
        unlock_token,
    };
    let member = match verify(db, config, hasher, client, attempt).await? {
        Ok(member) => member,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(email) = &member.email {
        mail::enqueue(db, mails::login_id_shown(&member, email), None).await?;
    }
    Ok(Ok(member.login_id.unwrap_or_default()))
}

/// How long a mailed password-reset link works.
const RESET_LINK_VALID_MINUTES: i64 = 30;

/// Step 1 of a password reset: whoever answers the secret question with
/// the right login ID has the new password (checked and hashed now) wait
/// for the link mailed to the member's registered address; nothing changes
/// until it is used ([`complete_password_reset`]). Older links are voided.
pub async fn reset_password(
    db: &DatabaseConnection,
    config: &Config,
    hasher: &Hasher,
    client: &str,
    input: ResetInput<'_>,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let personal = [input.login_id, input.portal_customer_number];
    let password = match NewPassword::parse(input.new_password, &personal) {
        Ok(p) => p,
        Err(p) => {
            return Ok(Err(vec![AccountError::NewPassword(p)]));
        }
    };
    let attempt = Answer {
        number: input.portal_customer_number,
        answer: input.secret_answer,
        login_id: Some(input.login_id),
        unlock_token: input.unlock_token,
    };
    let member = match verify(db, config, hasher, client, attempt).await? {
        Ok(member) => member,
        Err(errors) => return Ok(Err(errors)),
    };
    let words = super::settings::personal_words(db, &member).await?;
    let personal: Vec<&str> = words.iter().map(String::as_str).collect();
    if let Err(p) = NewPassword::parse(input.new_password, &personal) {
        return Ok(Err(vec![AccountError::NewPassword(p)]));
    }
    let Some(email) = member.email.clone() else {
        // Every registered member has an address; one without cannot be
        // reached, so nothing is set.
        return Ok(Ok(()));
    };
    let hash = hasher.hash(password.into_string()).await?;
    let token = new_token();
    let now = crate::clock::now();
    let expires_at = now + Duration::minutes(RESET_LINK_VALID_MINUTES);
    let txn = crate::db::write_txn(db).await?;
    // A voided or spent link keeps no password hash.
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .col_expr(password_reset::Column::PasswordHash, Expr::value(""))
        .filter(password_reset::Column::MemberId.eq(member.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    password_reset::ActiveModel {
        token_hash: Set(hash_token(&token)),
        member_id: Set(member.id),
        password_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let link = format!("{}/password/reset?token={token}", config.public_url);
    mail::enqueue(
        &txn,
        mails::password_reset_confirm(&member, &email, &link, expires_at),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Step 2: the mailed link sets the waiting password, once; every session
/// ends and the member is told. It does not sign in.
pub async fn complete_password_reset(
    db: &DatabaseConnection,
    keyring: &throttle::Keyring,
    token: &str,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let invalid = || vec![AccountError::ResetLinkInvalid];
    let now = crate::clock::now();
    let txn = crate::db::write_txn(db).await?;
    let Some(reset) = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash_token(token.trim())))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(Err(invalid()));
    };
    // Spent first: of two clients with one link, one wins.
    let spent = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .col_expr(password_reset::Column::PasswordHash, Expr::value(""))
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Err(invalid()));
    }
    let member = super::service::member(&txn, reset.member_id).await?;
    let notice = member
        .email
        .as_deref()
        .map(|email| mails::password_reset(&member, email));
    super::settings::write_password(&txn, keyring, &member, reset.password_hash, None, notice)
        .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// One answer to the secret question: for a number, with the login ID
/// (for a reset) and the link mailed with a lock, if the member has one.
struct Answer<'a> {
    number: &'a str,
    answer: &'a str,
    login_id: Option<&'a str>,
    unlock_token: Option<&'a str>,
}

/// What a password reset asks for.
pub struct ResetInput<'a> {
    pub login_id: &'a str,
    pub portal_customer_number: &'a str,
    pub secret_answer: &'a str,
    pub new_password: &'a str,
    /// The link mailed with a recovery lock: answers once despite it.
    pub unlock_token: Option<&'a str>,
}

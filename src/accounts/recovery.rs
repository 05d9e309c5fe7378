//! ログインID/パスワードを忘れた方: the secret question, asked for a portal
//! customer number. Answers never tell whether an account exists: unknown
//! numbers get a decoy question (the same every time), wrong answers and
//! unknown numbers the same refusal, and both lock after five tries.

use chrono::{DateTime, Utc};
use entity::types::MemberStatus;
use entity::{member, secret_question, service_location};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::mails;
use crate::auth::password::Hasher;
use crate::auth::throttle::{self, Key};
use crate::domain::{LoginId, NewPassword, PortalCustomerNumber, normalise_secret_answer};
use crate::error::{AppError, AppResult, UserError};
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
    raw_number: &str,
) -> AppResult<secret_question::Model> {
    let number =
        PortalCustomerNumber::parse(raw_number).map_err(|m| AppError::BadRequest(m.to_string()))?;
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
        .ok_or(AppError::NotFound("秘密の質問"))
}

fn wrong_answer() -> Vec<UserError> {
    vec![UserError::new(
        Some("secretAnswer"),
        "WRONG_ANSWER",
        "ポータルサイト用お客様番号、または秘密の質問の答えが正しくありません。",
    )]
}

fn locked(until: DateTime<Utc>) -> Vec<UserError> {
    let at = crate::graphql::scalars::to_tokyo_rfc3339(until);
    vec![UserError::new(
        None,
        "ACCOUNT_LOCKED",
        &format!(
            "秘密の質問への回答が続けて誤っていたため、{} {} までお手続きいただけません。",
            &at[..10],
            &at[11..16]
        ),
    )]
}

/// Checks number, answer (and login ID, for a reset) under the attempt
/// limits; returns the member when all match.
async fn verify(
    db: &DatabaseConnection,
    hasher: &Hasher,
    client: &str,
    address_limit: u32,
    raw_number: &str,
    raw_answer: &str,
    login_id: Option<&str>,
) -> AppResult<Result<member::Model, Vec<UserError>>> {
    let address_key = Key::address("recovery", client);
    // Counted before any work, atomically; a success gives it back.
    if throttle::attempt(db, &address_key, throttle::per_address(address_limit))
        .await?
        .is_err()
    {
        return Err(AppError::RateLimited);
    }
    let number = match PortalCustomerNumber::parse(raw_number) {
        Ok(n) => n,
        Err(m) => {
            return Ok(Err(vec![UserError::new(
                Some("portalCustomerNumber"),
                "INVALID_CUSTOMER_NUMBER",
                m,
            )]));
        }
    };
    let key = Key::recovery(number.as_str());
    let member = member_by_number(db, &number).await?;
    let stored = member.as_ref().and_then(|m| m.secret_answer_hash.clone());
    let answer = normalise_secret_answer(raw_answer);
    // A locked number costs no hash (whether it has a member or not);
    // otherwise known or not, the same work before answering.
    if let Some(until) = throttle::locked_until(db, &key).await? {
        return Ok(Err(locked(until)));
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
                mail::enqueue(
                    &txn,
                    mails::recovery_locked(email, &m.display_name, until),
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
    hasher: &Hasher,
    client: &str,
    address_limit: u32,
    raw_number: &str,
    raw_answer: &str,
) -> AppResult<Result<String, Vec<UserError>>> {
    let member = match verify(
        db,
        hasher,
        client,
        address_limit,
        raw_number,
        raw_answer,
        None,
    )
    .await?
    {
        Ok(member) => member,
        Err(errors) => return Ok(Err(errors)),
    };
    if let Some(email) = &member.email {
        mail::enqueue(db, mails::login_id_shown(email, &member.display_name), None).await?;
    }
    Ok(Ok(member.login_id.unwrap_or_default()))
}

/// Sets a new password for whoever answers the secret question with the
/// right login ID; every session ends and the member is told. It does not
/// sign in.
pub async fn reset_password(
    db: &DatabaseConnection,
    hasher: &Hasher,
    client: &str,
    address_limit: u32,
    input: ResetInput<'_>,
) -> AppResult<Result<(), Vec<UserError>>> {
    let personal = [input.login_id, input.portal_customer_number];
    let password = match NewPassword::parse(input.new_password, &personal) {
        Ok(p) => p,
        Err(p) => {
            return Ok(Err(vec![UserError::new(
                Some("newPassword"),
                p.code(),
                p.message(),
            )]));
        }
    };
    let member = match verify(
        db,
        hasher,
        client,
        address_limit,
        input.portal_customer_number,
        input.secret_answer,
        Some(input.login_id),
    )
    .await?
    {
        Ok(member) => member,
        Err(errors) => return Ok(Err(errors)),
    };
    let hash = hasher.hash(password.into_string()).await?;
    let notice = member
        .email
        .as_deref()
        .map(|email| mails::password_reset(email, &member.display_name));
    super::settings::set_password(db, &member, hash, None, notice).await?;
    Ok(Ok(()))
}

/// What a password reset asks for.
pub struct ResetInput<'a> {
    pub login_id: &'a str,
    pub portal_customer_number: &'a str,
    pub secret_answer: &'a str,
    pub new_password: &'a str,
}

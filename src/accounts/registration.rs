//! 会員登録, e-mail first: a provisional registration mailed as a one-time
//! link, then the member's details and the portal customer number from the
//! meter-reading slip, all written in one transaction.

use chrono::Duration;
use entity::types::MemberStatus;
use entity::{member, registration, secret_question, service_location};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};

use super::AccountError;
use super::mails;
use crate::auth::password::Hasher;
use crate::auth::session::{self, NewSession, hash_token, new_token};
use crate::auth::throttle::{self, Key};
use crate::config::Config;
use crate::domain::{
    DisplayName, Email, LoginId, NewPassword, PortalCustomerNumber, SECRET_ANSWER_NORMALISATION,
    normalise_secret_answer,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail;

/// A provisional registration is valid this long.
pub const LINK_VALID_HOURS: i64 = 24;

/// Step 1's form, parsed: the address, once the terms are agreed to.
pub fn parse_request(raw_email: &str, agree_to_terms: bool) -> Result<Email, Vec<AccountError>> {
    let mut errors = vec![];
    if !agree_to_terms {
        errors.push(AccountError::TermsNotAgreed);
    }
    match Email::parse(raw_email) {
        Ok(email) if errors.is_empty() => Ok(email),
        Ok(_) => Err(errors),
        Err(invalid) => {
            errors.push(AccountError::Email(invalid));
            Err(errors)
        }
    }
}

/// Step 1: mails a one-time link to `email` — or, if a member already uses
/// the address, a mail saying so. The answer is the same either way.
pub async fn request(
    db: &DatabaseConnection,
    config: &Config,
    keyring: &throttle::Keyring,
    client: &str,
    email: Email,
    lang: Lang,
) -> AppResult<()> {
    // One client cannot send mail to address after address.
    let address_key = Key::address("registration-mail", client);
    if let Err(until) =
        throttle::attempt(db, &address_key, throttle::REGISTRATION_MAILS_PER_ADDRESS).await?
    {
        return Err(AppError::RateLimited { until: Some(until) });
    }
    let txn = crate::db::write_txn(db).await?;
    // A script cannot flood one address with mails; it is told nothing.
    let key = keyring.registration_mail(email.as_str());
    if throttle::locked_until(&txn, &key).await?.is_some() {
        txn.rollback().await?;
        return Ok(());
    }
    throttle::record_failure(&txn, &key, throttle::REGISTRATION_MAIL).await?;
    let taken = member::Entity::find()
        .filter(member::Column::Email.eq(email.as_str()))
        .filter(member::Column::Status.eq(MemberStatus::Active))
        .one(&txn)
        .await?
        .is_some();
    let outgoing = if taken {
        mails::already_registered(lang, email.as_str())
    } else {
        let token = new_token();
        let now = crate::clock::now();
        let expires_at = now + Duration::hours(LINK_VALID_HOURS);
        registration::ActiveModel {
            token_hash: Set(hash_token(&token)),
            email: Set(email.as_str().to_string()),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
            terms_version: Set(config.city.terms.version.clone()),
            language: Set(lang.code().to_string()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let link = format!("{}/register?token={token}", config.public_url);
        mails::registration_link(lang, email.as_str(), &link, expires_at)
    };
    mail::enqueue(&txn, outgoing, None).await?;
    txn.commit().await?;
    Ok(())
}

/// What step 2's form holds, as typed.
pub struct CompletionForm {
    pub token: String,
    pub login_id: String,
    pub password: String,
    pub portal_customer_number: String,
    pub display_name: String,
    pub secret_question_id: String,
    pub secret_answer: String,
    pub notify_bill_issued: bool,
    pub notify_notice_published: bool,
    pub notify_new_device: bool,
    pub notify_high_usage: bool,
}

/// Step 2's form, parsed: what [`complete`] takes.
pub struct Completion {
    pub token: String,
    pub login_id: LoginId,
    pub password: NewPassword,
    pub number: PortalCustomerNumber,
    pub display_name: DisplayName,
    pub secret_question_id: i32,
    /// Normalised ([`normalise_secret_answer`]), 1 to 50 characters.
    pub secret_answer: String,
    pub notify_bill_issued: bool,
    pub notify_notice_published: bool,
    pub notify_new_device: bool,
    pub notify_high_usage: bool,
}

impl CompletionForm {
    /// Parses every field, telling every mistake at once.
    pub fn parse(self) -> Result<Completion, Vec<AccountError>> {
        let mut errors = vec![];
        let login_id = LoginId::parse(&self.login_id)
            .map_err(|p| errors.push(AccountError::LoginId(p)))
            .ok();
        let number = PortalCustomerNumber::parse(&self.portal_customer_number)
            .map_err(|p| errors.push(AccountError::PortalNumber(p)))
            .ok();
        let personal: Vec<&str> = [
            login_id.as_ref().map(LoginId::as_str),
            number.as_ref().map(PortalCustomerNumber::as_str),
        ]
        .into_iter()
        .flatten()
        .collect();
        let password = NewPassword::parse(&self.password, &personal)
            .map_err(|p| errors.push(AccountError::Password(p)))
            .ok();
        let display_name = DisplayName::parse(&self.display_name)
            .map_err(|p| errors.push(AccountError::DisplayName(p)))
            .ok();
        let question = self.secret_question_id.trim().parse::<i32>().ok();
        if question.is_none() {
            errors.push(AccountError::SecretQuestion);
        }
        let answer = normalise_secret_answer(&self.secret_answer);
        if answer.is_empty() || answer.chars().count() > 50 {
            errors.push(AccountError::SecretAnswer);
        }
        match (login_id, number, password, display_name, question) {
            (Some(login_id), Some(number), Some(password), Some(display_name), Some(question))
                if errors.is_empty() =>
            {
                Ok(Completion {
                    token: self.token,
                    login_id,
                    password,
                    number,
                    display_name,
                    secret_question_id: question,
                    secret_answer: answer,
                    notify_bill_issued: self.notify_bill_issued,
                    notify_notice_published: self.notify_notice_published,
                    notify_new_device: self.notify_new_device,
                    notify_high_usage: self.notify_high_usage,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A new member, signed in.
pub struct Registered {
    pub member: member::Model,
    pub session: NewSession,
}

fn token_invalid() -> Vec<AccountError> {
    vec![AccountError::RegistrationLinkInvalid]
}

/// Step 2: creates the member, links the service location and signs in —
/// all or nothing.
pub async fn complete(
    db: &DatabaseConnection,
    config: &Config,
    hasher: &Hasher,
    origin: &session::Origin,
    client: &str,
    input: Completion,
) -> AppResult<Result<Registered, Vec<AccountError>>> {
    // Counted before any work; a completion gives it back.
    let address_key = Key::address("registration", client);
    if let Err(until) = throttle::attempt(
        db,
        &address_key,
        throttle::per_address(config.address_failure_limit),
    )
    .await?
    {
        return Err(AppError::RateLimited { until: Some(until) });
    }
    let Some(question) = secret_question::Entity::find_by_id(input.secret_question_id)
        .one(db)
        .await?
    else {
        return Ok(Err(vec![AccountError::SecretQuestion]));
    };
    let Completion {
        login_id,
        password,
        number,
        display_name,
        secret_answer: answer,
        ..
    } = &input;
    let token_hash = hash_token(input.token.trim());
    let Some(pending) = registration::Entity::find()
        .filter(registration::Column::TokenHash.eq(token_hash.clone()))
        .filter(registration::Column::UsedAt.is_null())
        .filter(registration::Column::ExpiresAt.gt(crate::clock::now()))
        .one(db)
        .await?
    else {
        return Ok(Err(token_invalid()));
    };
    // Taken IDs and unavailable numbers are told before any hash, and each
    // such answer counts against the link: the fifth spends it, so one link
    // cannot probe login IDs or guess numbers.
    if super::settings::email_taken(db, &pending.email).await? {
        // The address has found a member since the link was sent.
        fail_with_token(db, pending.id).await?;
        return Ok(Err(token_invalid()));
    }
    if let Some(refusal) = unavailable(db, login_id, number).await? {
        fail_with_token(db, pending.id).await?;
        return Ok(Err(vec![refusal]));
    }
    // The slow hashes run before the transaction, so it stays short.
    let password_hash = hasher.hash(password.as_str().to_string()).await?;
    let answer_hash = hasher.hash(answer.clone()).await?;

    let now = crate::clock::now();
    let txn = crate::db::write_txn(db).await?;
    // The token is spent first: of two clients with one link, one wins.
    let spent = registration::Entity::update_many()
        .col_expr(registration::Column::UsedAt, Expr::value(now))
        .filter(registration::Column::Id.eq(pending.id))
        .filter(registration::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Err(token_invalid()));
    }
    let inserted = member::ActiveModel {
        login_id: Set(Some(login_id.as_str().to_string())),
        password_hash: Set(Some(password_hash)),
        display_name: Set(display_name.as_str().to_string()),
        name_search: Set(Some(crate::domain::fold_for_search(display_name.as_str()))),
        email: Set(Some(pending.email.clone())),
        secret_question_id: Set(Some(question.id)),
        secret_answer_hash: Set(Some(answer_hash)),
        secret_answer_norm_version: Set(SECRET_ANSWER_NORMALISATION),
        notify_bill_issued: Set(input.notify_bill_issued),
        notify_notice_published: Set(input.notify_notice_published),
        notify_new_device: Set(input.notify_new_device),
        notify_high_usage: Set(input.notify_high_usage),
        language: Set(pending.language.clone()),
        terms_version: Set(pending.terms_version.clone()),
        status: Set(MemberStatus::Active),
        registered_at: Set(now),
        updated_at: Set(now),
        withdrawn_at: Set(None),
        last_write_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let member = match inserted {
        Ok(member) => member,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            return Ok(Err(vec![AccountError::LoginIdTaken]));
        }
        Err(err) => return Err(err.into()),
    };
    // Only a location nobody has linked yet; an unknown number and a taken
    // one get the same answer.
    let linked = service_location::Entity::update_many()
        .col_expr(service_location::Column::MemberId, Expr::value(member.id))
        .col_expr(service_location::Column::LinkedAt, Expr::value(now))
        .filter(service_location::Column::PortalCustomerNumber.eq(number.as_str()))
        .filter(service_location::Column::MemberId.is_null())
        .exec(&txn)
        .await?;
    if linked.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Err(vec![AccountError::NumberUnavailable]));
    }
    throttle::clear(&txn, &Key::registration_token(pending.id)).await?;
    throttle::forgive(&txn, &address_key).await?;
    let session = session::create(&txn, config, origin, Some(member.id), None).await?;
    let mut welcome = mails::registration_complete(
        Lang::parse(&pending.language).unwrap_or_default(),
        &pending.email,
        login_id.as_str(),
        display_name.as_str(),
    );
    // The desk can tell the new member what became of it.
    welcome.member_id = Some(member.id);
    mail::enqueue(&txn, welcome, None).await?;
    txn.commit().await?;
    Ok(Ok(Registered { member, session }))
}

/// Why a completion cannot succeed whatever it hashes: the login ID is
/// taken, or the number has no location free to link.
async fn unavailable(
    db: &DatabaseConnection,
    login_id: &LoginId,
    number: &PortalCustomerNumber,
) -> AppResult<Option<AccountError>> {
    let taken = member::Entity::find()
        .filter(member::Column::LoginId.eq(login_id.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Ok(Some(AccountError::LoginIdTaken));
    }
    let free = service_location::Entity::find()
        .filter(service_location::Column::PortalCustomerNumber.eq(number.as_str()))
        .filter(service_location::Column::MemberId.is_null())
        .one(db)
        .await?
        .is_some();
    Ok((!free).then_some(AccountError::NumberUnavailable))
}

/// Counts a failed completion against its link, spending the link at the
/// limit.
async fn fail_with_token(db: &DatabaseConnection, registration_id: i64) -> AppResult<()> {
    let key = Key::registration_token(registration_id);
    if throttle::record_failure(db, &key, throttle::REGISTRATION_TOKEN)
        .await?
        .is_some()
    {
        registration::Entity::update_many()
            .col_expr(
                registration::Column::UsedAt,
                Expr::value(crate::clock::now()),
            )
            .filter(registration::Column::Id.eq(registration_id))
            .filter(registration::Column::UsedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CompletionForm {
        CompletionForm {
            token: "t".into(),
            login_id: "hanako".into(),
            password: "kenrokuen-garden-2026".into(),
            portal_customer_number: "200158386223".into(),
            display_name: "犀川 花子".into(),
            secret_question_id: "2".into(),
            secret_answer: "ポチ".into(),
            notify_bill_issued: true,
            notify_notice_published: false,
            notify_new_device: false,
            notify_high_usage: false,
        }
    }

    #[test]
    fn a_form_parses_into_typed_fields() {
        let Ok(parsed) = form().parse() else {
            panic!("a valid form is refused");
        };
        assert_eq!(parsed.login_id.as_str(), "hanako");
        assert_eq!(parsed.secret_question_id, 2);
        assert_eq!(parsed.secret_answer, normalise_secret_answer("ぽち"));
    }

    #[test]
    fn every_mistake_of_a_form_is_told_at_once() {
        let wrong = CompletionForm {
            login_id: "x".into(),
            password: "short".into(),
            portal_customer_number: "200158386224".into(),
            display_name: String::new(),
            secret_question_id: "two".into(),
            secret_answer: " ".into(),
            ..form()
        };
        let errors = wrong.parse().err().expect("refused");
        assert_eq!(
            errors,
            vec![
                AccountError::LoginId(crate::domain::LoginIdProblem::Length),
                AccountError::PortalNumber(crate::domain::NumberProblem::CheckDigit),
                AccountError::Password(crate::domain::PasswordProblem::TooShort),
                AccountError::DisplayName(crate::domain::NameProblem::Length),
                AccountError::SecretQuestion,
                AccountError::SecretAnswer,
            ]
        );
    }
}

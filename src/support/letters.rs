//! The dead end's way out: a member who forgot both password and secret
//! answer cannot be helped by mail or by the question. Staff issue a reset
//! letter, posted to the service location (as Yokohama posts a sealed
//! postcard): a one-time code, valid 14 days, which with the portal
//! customer number sets a new password and a new secret answer. Staff
//! never see or set either; the letter is audited and the member mailed,
//! and the clerk who issues a letter cannot also print it (two people).

use chrono::{DateTime, Duration, Utc};
use entity::types::{AuditAction, MemberStatus};
use entity::{member, reset_letter, service_location};
use rand::Rng as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::accounts::{AccountError, mails};
use crate::auth::password::Hasher;
use crate::auth::throttle::{self, Key};
use crate::config::Config;
use crate::documents::pdf::{PdfNotice, render};
use crate::domain::{NewPassword, PortalCustomerNumber, normalise_secret_answer};
use crate::error::{AppError, AppResult};
use crate::i18n::format;
use crate::mail;
use crate::t;

/// How long a letter's code works.
pub const LETTER_VALID_DAYS: i64 = 14;
/// No 0/O, 1/I/L: a code is read off paper and typed.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 12;

/// Why a letter was not issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LetterError {
    MemberNotFound,
    /// The member has no service location to post it to (or not that one).
    NoAddress,
}

/// A new code, `ABCD-EFGH-JKMN` (about 59 bits).
fn new_code() -> String {
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..CODE_LENGTH)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed (full-width, lower case, spaces, hyphens) in its
/// stored form.
fn code_hash(typed: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let code: String = typed
        .nfkc()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(code.as_bytes()))
}

/// What staff get back: the letter and where it goes.
pub struct Issued {
    pub letter: reset_letter::Model,
    pub location: service_location::Model,
}

/// Issues a letter to `member_id`, posted to `location_id` (one of theirs)
/// or their first location; older unused letters are voided. One
/// transaction with its audit entry and the member's mail.
pub async fn issue(
    db: &DatabaseConnection,
    config: &Config,
    staff_id: i64,
    member_id: i64,
    location_id: Option<i64>,
) -> AppResult<Result<Issued, LetterError>> {
    let now = crate::clock::now();
    let txn = crate::db::write_txn(db).await?;
    // The member's row locked (PostgreSQL; SQLite's write transaction is
    // already exclusive): two clerks issuing at once leave one live letter.
    let Some(member) = member::Entity::find_by_id(member_id)
        .filter(member::Column::Status.eq(MemberStatus::Active))
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(Err(LetterError::MemberNotFound));
    };
    let mut locations = service_location::Entity::find()
        .filter(service_location::Column::MemberId.eq(member.id))
        .order_by_asc(service_location::Column::LinkedAt)
        .order_by_asc(service_location::Column::Id);
    if let Some(id) = location_id {
        locations = locations.filter(service_location::Column::Id.eq(id));
    }
    let Some(location) = locations.one(&txn).await? else {
        txn.rollback().await?;
        return Ok(Err(LetterError::NoAddress));
    };
    void_letters(&txn, member.id, now).await?;
    let code = new_code();
    let expires_at = now + Duration::days(LETTER_VALID_DAYS);
    let pdf = letter_pdf(config, &member, &location, &code, expires_at);
    let letter = reset_letter::ActiveModel {
        member_id: Set(member.id),
        service_location_id: Set(location.id),
        staff_id: Set(staff_id),
        code_hash: Set(code_hash(&code)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        pdf: Set(Some(pdf)),
        downloaded_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::support::service::audit(
        &txn,
        staff_id,
        AuditAction::IssueResetLetter,
        Some(member.id),
        Some(location.id),
        location.address.clone(),
    )
    .await?;
    if let Some(email) = &member.email {
        mail::enqueue(
            &txn,
            mails::reset_letter_issued(&member, email, &location.address, expires_at),
            None,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Ok(Issued { letter, location }))
}

/// Spends every unused letter of a member.
async fn void_letters(
    db: &impl ConnectionTrait,
    member_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    reset_letter::Entity::update_many()
        .col_expr(reset_letter::Column::UsedAt, Expr::value(now))
        .col_expr(
            reset_letter::Column::Pdf,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(reset_letter::Column::MemberId.eq(member_id))
        .filter(reset_letter::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The letter, in the member's language, addressed to the location.
fn letter_pdf(
    config: &Config,
    member: &member::Model,
    location: &service_location::Model,
    code: &str,
    expires_at: DateTime<Utc>,
) -> Vec<u8> {
    let lang = mails::member_lang(member);
    let body = t!(
        lang,
        "letter-reset-body",
        address = location.address.as_str(),
        name = location.holder_name.as_str(),
        issued = format::date(lang, crate::clock::today()),
        portal_number = location.portal_customer_number.as_str(),
        code = code,
        expires = format::date_time(lang, expires_at),
        url = format!("{}/password/letter", config.public_url)
    );
    let lines: Vec<String> = body.lines().map(str::to_string).collect();
    render(&PdfNotice {
        title: &t!(lang, "letter-reset-title"),
        lines: &lines,
    })
}

/// What asking for a letter's PDF gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    Pdf(Vec<u8>),
    /// No such letter waiting (spent, voided, already taken).
    NotFound,
    /// The clerk who issued it may not also print it: with the code and
    /// the number on it, one person alone could take the account over.
    SameStaff,
}

/// The printable letter, once, to a clerk other than the one who issued
/// it: it is wiped as it is handed over, so the code stays nowhere but on
/// paper. Audited.
pub async fn take_pdf(db: &DatabaseConnection, staff_id: i64, letter_id: i64) -> AppResult<Taken> {
    let now = crate::clock::now();
    let txn = crate::db::write_txn(db).await?;
    let Some(letter) = reset_letter::Entity::find_by_id(letter_id)
        .filter(reset_letter::Column::UsedAt.is_null())
        .filter(reset_letter::Column::DownloadedAt.is_null())
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(Taken::NotFound);
    };
    if letter.staff_id == staff_id {
        txn.rollback().await?;
        return Ok(Taken::SameStaff);
    }
    let taken = reset_letter::Entity::update_many()
        .col_expr(
            reset_letter::Column::Pdf,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .col_expr(reset_letter::Column::DownloadedAt, Expr::value(now))
        .filter(reset_letter::Column::Id.eq(letter.id))
        .filter(reset_letter::Column::DownloadedAt.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Taken::NotFound);
    }
    crate::support::service::audit(
        &txn,
        staff_id,
        AuditAction::DownloadResetLetter,
        Some(letter.member_id),
        Some(letter.service_location_id),
        String::new(),
    )
    .await?;
    txn.commit().await?;
    Ok(letter.pdf.map_or(Taken::NotFound, Taken::Pdf))
}

/// What the member types from the letter.
pub struct Redemption<'a> {
    pub portal_customer_number: &'a str,
    pub code: &'a str,
    pub new_password: &'a str,
    pub secret_question_id: &'a str,
    pub secret_answer: &'a str,
}

/// The letter's code and the portal customer number set a new password
/// and secret answer, once; every session ends, locks lift, the member is
/// mailed. A wrong code counts against the number and the client address
/// like a wrong secret answer (five lock for a day); it does not sign in.
pub async fn redeem(
    db: &DatabaseConnection,
    config: &Config,
    hasher: &Hasher,
    client: &str,
    input: Redemption<'_>,
) -> AppResult<Result<(), Vec<AccountError>>> {
    let address_key = Key::address("letter", client);
    if let Err(until) = throttle::attempt(
        db,
        &address_key,
        throttle::per_address(config.address_failure_limit),
    )
    .await?
    {
        return Err(AppError::RateLimited { until: Some(until) });
    }
    let mut errors = vec![];
    let number = PortalCustomerNumber::parse(input.portal_customer_number)
        .map_err(|p| errors.push(AccountError::PortalNumber(p)))
        .ok();
    let password = NewPassword::parse(input.new_password, &[input.portal_customer_number])
        .map_err(|p| errors.push(AccountError::NewPassword(p)))
        .ok();
    let question = input.secret_question_id.trim().parse::<i32>().ok();
    let known_question = match question {
        Some(id) => entity::secret_question::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    if !known_question {
        errors.push(AccountError::SecretQuestion);
    }
    let answer = normalise_secret_answer(input.secret_answer);
    if answer.is_empty() || answer.chars().count() > 50 {
        errors.push(AccountError::SecretAnswer);
    }
    let (Some(number), Some(password), Some(question), true) =
        (number, password, question, errors.is_empty())
    else {
        return Ok(Err(errors));
    };
    let key = hasher.keyring().letter(number.as_str());
    if let Some(until) = throttle::locked_until(db, &key).await? {
        return Ok(Err(vec![AccountError::RecoveryLocked { until }]));
    }
    let now = crate::clock::now();
    let letter = reset_letter::Entity::find()
        .filter(reset_letter::Column::CodeHash.eq(code_hash(input.code)))
        .filter(reset_letter::Column::UsedAt.is_null())
        .filter(reset_letter::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    let location = match &letter {
        Some(l) => service_location::Entity::find_by_id(l.service_location_id)
            .one(db)
            .await?
            .filter(|loc| {
                loc.portal_customer_number == number.as_str() && loc.member_id == Some(l.member_id)
            }),
        None => None,
    };
    let (Some(letter), Some(_)) = (letter, location) else {
        let lock = throttle::record_failure(db, &key, throttle::RECOVERY).await?;
        return Ok(Err(match lock {
            Some(until) => vec![AccountError::RecoveryLocked { until }],
            None => vec![AccountError::LetterInvalid],
        }));
    };
    let member = crate::accounts::service::member(db, letter.member_id).await?;
    let words = crate::accounts::settings::personal_words(db, &member).await?;
    let personal: Vec<&str> = words.iter().map(String::as_str).collect();
    if let Err(p) = NewPassword::parse(input.new_password, &personal) {
        return Ok(Err(vec![AccountError::NewPassword(p)]));
    }
    let password_hash = hasher.hash(password.into_string()).await?;
    let answer_hash = hasher.hash(answer).await?;
    let txn = crate::db::write_txn(db).await?;
    // Spent first: of two clients with one code, one wins.
    let spent = reset_letter::Entity::update_many()
        .col_expr(reset_letter::Column::UsedAt, Expr::value(now))
        .col_expr(
            reset_letter::Column::Pdf,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(reset_letter::Column::Id.eq(letter.id))
        .filter(reset_letter::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Err(vec![AccountError::LetterInvalid]));
    }
    member::Entity::update_many()
        .col_expr(
            member::Column::SecretQuestionId,
            Expr::value(Some(question)),
        )
        .col_expr(
            member::Column::SecretAnswerHash,
            Expr::value(Some(answer_hash)),
        )
        .col_expr(
            member::Column::SecretAnswerNormVersion,
            Expr::value(crate::domain::SECRET_ANSWER_NORMALISATION),
        )
        .filter(member::Column::Id.eq(member.id))
        .exec(&txn)
        .await?;
    let notice = member
        .email
        .as_deref()
        .map(|email| mails::reset_by_letter(&member, email));
    crate::accounts::settings::write_password(
        &txn,
        hasher.keyring(),
        &member,
        password_hash,
        None,
        notice,
    )
    .await?;
    throttle::clear(&txn, &hasher.keyring().recovery(number.as_str())).await?;
    throttle::clear(&txn, &key).await?;
    throttle::forgive(&txn, &address_key).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_read_off_paper_however_it_is_typed() {
        let code = new_code();
        assert_eq!(code.len(), 14);
        assert!(
            code.chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(code_hash(&typed), code_hash(&code));
        let wide: String = code
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect();
        assert_eq!(code_hash(&wide), code_hash(&code));
        assert_ne!(code_hash(&new_code()), code_hash(&code));
    }
}

//! The mails of membership, in the member's language, from the catalogue
//! (`src/i18n/*/mails.ftl`): every one greets the member, says what
//! happened, closes with thanks and signs with the desk to contact.

use chrono::{DateTime, Utc};
use entity::member;

use crate::i18n::{Lang, format};
use crate::mail::OutgoingMail;
use crate::t;

/// The language a member's mails are written in.
pub fn member_lang(member: &member::Model) -> Lang {
    Lang::parse(&member.language).unwrap_or_default()
}

/// Whether a mail also says whom to tell when it was not asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unsolicited {
    Mention,
    Omit,
}

/// Whom a mail greets: a member (the outbox keeps which, so the support
/// desk sees what became of their mails after the address is erased), a
/// name before there is a member, or nobody by name.
#[derive(Clone, Copy, Debug)]
pub enum Addressee<'a> {
    Member(&'a member::Model),
    Named(&'a str),
    Anyone,
}

/// A whole mail: salutation, `body`, closing and signature.
pub fn compose(
    lang: Lang,
    to: &str,
    addressee: Addressee<'_>,
    subject: String,
    body: String,
    footer: Option<String>,
) -> OutgoingMail {
    let (salutation, member_id) = match addressee {
        Addressee::Member(member) => (
            t!(lang, "mail-salutation", name = member.display_name.as_str()),
            Some(member.id),
        ),
        Addressee::Named(name) => (t!(lang, "mail-salutation", name = name), None),
        Addressee::Anyone => (t!(lang, "mail-salutation-anonymous"), None),
    };
    let mut text = format!("{salutation}\n\n{}\n\n", body.trim_end());
    if let Some(footer) = footer {
        text.push_str(&footer);
        text.push_str("\n\n");
    }
    text.push_str(&t!(lang, "mail-closing"));
    text.push_str("\n\n");
    text.push_str(&t!(lang, "mail-signature"));
    text.push('\n');
    OutgoingMail {
        to: to.to_string(),
        subject: t!(lang, "mail-subject", subject = subject),
        body: text,
        member_id,
    }
}

fn mail(
    lang: Lang,
    to: &str,
    addressee: Addressee<'_>,
    subject: String,
    body: String,
    unsolicited: Unsolicited,
) -> OutgoingMail {
    let footer = (unsolicited == Unsolicited::Mention).then(|| t!(lang, "mail-unsolicited"));
    compose(lang, to, addressee, subject, body, footer)
}

fn when(lang: Lang, at: DateTime<Utc>) -> String {
    format::date_time(lang, at)
}

pub fn registration_link(
    lang: Lang,
    to: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    mail(
        lang,
        to,
        Addressee::Anyone,
        t!(lang, "mail-registration-link-subject"),
        t!(
            lang,
            "mail-registration-link-body",
            link = link,
            expires = when(lang, expires_at)
        ),
        Unsolicited::Mention,
    )
}

pub fn already_registered(lang: Lang, to: &str) -> OutgoingMail {
    mail(
        lang,
        to,
        Addressee::Anyone,
        t!(lang, "mail-already-registered-subject"),
        t!(lang, "mail-already-registered-body"),
        Unsolicited::Mention,
    )
}

pub fn registration_complete(lang: Lang, to: &str, login_id: &str, name: &str) -> OutgoingMail {
    mail(
        lang,
        to,
        Addressee::Named(name),
        t!(lang, "mail-registration-complete-subject"),
        t!(lang, "mail-registration-complete-body", login_id = login_id),
        Unsolicited::Omit,
    )
}

pub fn login_id_shown(member: &member::Model, to: &str) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-login-id-shown-subject"),
        t!(lang, "mail-login-id-shown-body"),
        Unsolicited::Omit,
    )
}

pub fn password_reset(member: &member::Model, to: &str) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-password-reset-subject"),
        t!(lang, "mail-password-reset-body"),
        Unsolicited::Omit,
    )
}

pub fn password_reset_confirm(
    member: &member::Model,
    to: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-password-reset-confirm-subject"),
        t!(
            lang,
            "mail-password-reset-confirm-body",
            link = link,
            expires = when(lang, expires_at)
        ),
        Unsolicited::Mention,
    )
}

pub fn sign_in_locked(
    member: &member::Model,
    to: &str,
    link: &str,
    locked_until: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-sign-in-locked-subject"),
        t!(
            lang,
            "mail-sign-in-locked-body",
            until = when(lang, locked_until),
            expires = when(lang, expires_at),
            link = link
        ),
        Unsolicited::Omit,
    )
}

pub fn new_device_sign_in(
    member: &member::Model,
    to: &str,
    device: &str,
    address: &str,
) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-new-device-subject"),
        t!(
            lang,
            "mail-new-device-body",
            device = device,
            address = address
        ),
        Unsolicited::Omit,
    )
}

pub fn recovery_locked(
    member: &member::Model,
    to: &str,
    until: DateTime<Utc>,
    link: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-recovery-locked-subject"),
        t!(
            lang,
            "mail-recovery-locked-body",
            until = when(lang, until),
            expires = when(lang, expires_at),
            link = link
        ),
        Unsolicited::Mention,
    )
}

pub fn password_changed(member: &member::Model, to: &str) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-password-changed-subject"),
        t!(lang, "mail-password-changed-body"),
        Unsolicited::Omit,
    )
}

pub fn email_change_confirm(
    member: &member::Model,
    to: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-email-change-confirm-subject"),
        t!(
            lang,
            "mail-email-change-confirm-body",
            link = link,
            expires = when(lang, expires_at)
        ),
        Unsolicited::Mention,
    )
}

pub fn email_change_requested(member: &member::Model, to: &str) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-email-change-requested-subject"),
        t!(lang, "mail-email-change-requested-body"),
        Unsolicited::Omit,
    )
}

pub fn email_changed(member: &member::Model, to: &str) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-email-changed-subject"),
        t!(lang, "mail-email-changed-body"),
        Unsolicited::Mention,
    )
}

pub fn withdrawn(member: &member::Model, to: &str) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-withdrawn-subject"),
        t!(lang, "mail-withdrawn-body"),
        Unsolicited::Mention,
    )
}

/// Staff posted a reset letter: the member knows one is on its way (and
/// calls the desk if they did not ask for it).
pub fn reset_letter_issued(
    member: &member::Model,
    to: &str,
    address: &str,
    expires_at: DateTime<Utc>,
) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-reset-letter-subject"),
        t!(
            lang,
            "mail-reset-letter-body",
            address = address,
            expires = when(lang, expires_at)
        ),
        Unsolicited::Omit,
    )
}

/// The letter's code was used: password and secret answer are new.
pub fn reset_by_letter(member: &member::Model, to: &str) -> OutgoingMail {
    let lang = member_lang(member);
    mail(
        lang,
        to,
        Addressee::Member(member),
        t!(lang, "mail-reset-by-letter-subject"),
        t!(lang, "mail-reset-by-letter-body"),
        Unsolicited::Omit,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_greets_closes_and_signs_once() {
        let mail = registration_complete(Lang::Ja, "a@example.jp", "taro", "金沢 太郎");
        assert!(
            mail.subject.starts_with("【金沢市企業局】"),
            "{}",
            mail.subject
        );
        assert!(mail.body.starts_with("金沢 太郎 様\n\n"), "{}", mail.body);
        assert_eq!(
            mail.body.matches("金沢市企業局\n").count(),
            1,
            "{}",
            mail.body
        );
        assert!(mail.body.contains("今後とも"), "{}", mail.body);
        assert!(
            mail.body.contains("076-"),
            "the desk's phone: {}",
            mail.body
        );
        let en = registration_complete(Lang::En, "a@example.jp", "taro", "Taro");
        assert!(en.body.starts_with("Dear Taro,"), "{}", en.body);
    }
}

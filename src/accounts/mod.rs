//! Members and their service locations: the account pages and everything
//! a member does with their membership.

pub mod locations;
pub mod mails;
pub mod recovery;
pub mod registration;
pub mod service;
pub mod settings;
pub mod withdrawal;

use chrono::{DateTime, Utc};

use crate::domain::{InvalidEmail, LoginIdProblem, NameProblem, NumberProblem, PasswordProblem};

/// Why the accounts domain refused a member's request: a typed outcome,
/// which the API layer maps to its `userErrors` code and catalogue message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountError {
    TermsNotAgreed,
    Email(InvalidEmail),
    LoginId(LoginIdProblem),
    PortalNumber(NumberProblem),
    /// The password chosen at registration.
    Password(PasswordProblem),
    /// A new password (change or reset).
    NewPassword(PasswordProblem),
    DisplayName(NameProblem),
    SecretQuestion,
    SecretAnswer,
    RegistrationLinkInvalid,
    ResetLinkInvalid,
    EmailLinkInvalid,
    LoginIdTaken,
    /// Unknown, or linked to someone already: the same answer for both.
    NumberUnavailable,
    AlreadyLinked,
    LocationNotFound,
    LastLocation,
    WrongPassword,
    SamePassword,
    SameEmail,
    WrongAnswer,
    RecoveryLocked {
        until: DateTime<Utc>,
    },
    /// Not one of the member's own signed-in devices.
    SessionNotFound,
    /// A reset letter's code that is wrong, spent, expired or not for
    /// this portal customer number (one refusal for all).
    LetterInvalid,
}

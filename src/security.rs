//! The security log: one structured line (tracing target `security`) for
//! every sign-in success and failure, lock, unlock, recovery attempt, reset,
//! e-mail change, session end, withdrawal and staff action, with the time
//! (the log line's own), client address, request ID, and the login ID or
//! member or staff ID concerned. Never a password, answer, token or e-mail
//! text: the fields below are all there is.
//!
//! Operators route the target to their collector, e.g.
//! `RUST_LOG=info,security=info PORTAL_LOG_FORMAT=json`.

use crate::net::ClientAddress;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    SignIn,
    StaffSignIn,
    SignInLocked,
    Unlock,
    RecoveryAttempt,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    EmailChangeRequested,
    EmailChanged,
    SessionEnded,
    Withdrawal,
    StaffAction,
}

impl Event {
    fn name(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::StaffSignIn => "staff_sign_in",
            Self::SignInLocked => "sign_in_locked",
            Self::Unlock => "unlock",
            Self::RecoveryAttempt => "recovery_attempt",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailChanged => "email_changed",
            Self::SessionEnded => "session_ended",
            Self::Withdrawal => "withdrawal",
            Self::StaffAction => "staff_action",
        }
    }
}

/// Whom it concerns.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    /// A login ID as typed at sign-in (known or not).
    LoginId(&'a str),
    Member(i64),
    Staff(i64),
    /// A portal customer number (recovery).
    Number(&'a str),
    Unknown,
}

/// Where the request came from and which one it was.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub client: ClientAddress,
    pub request_id: String,
    /// The `User-Agent` header, if any (never logged).
    pub user_agent: Option<String>,
}

/// Writes one line; `success` says whether the attempt worked, `detail`
/// is a fixed word (`locked`, `wrong_answer`, an action name…).
pub fn record(
    meta: Option<&RequestMeta>,
    event: Event,
    success: bool,
    subject: Subject<'_>,
    detail: &str,
) {
    let client = meta.map_or_else(String::new, |m| m.client.0.to_string());
    let request_id = meta.map_or("", |m| m.request_id.as_str());
    let (login_id, member_id, staff_id, number) = match subject {
        Subject::LoginId(id) => (Some(id), None, None, None),
        Subject::Member(id) => (None, Some(id), None, None),
        Subject::Staff(id) => (None, None, Some(id), None),
        Subject::Number(n) => (None, None, None, Some(n)),
        Subject::Unknown => (None, None, None, None),
    };
    tracing::info!(
        target: "security",
        event = event.name(),
        success,
        detail,
        client = %client,
        request_id,
        login_id,
        member_id,
        staff_id,
        portal_customer_number = number,
    );
}

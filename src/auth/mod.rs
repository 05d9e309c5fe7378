//! Who is asking: sign-in, sessions, attempt limits and password hashing.

pub mod password;
pub mod service;
pub mod session;
pub mod throttle;

use tokio::sync::OnceCell;

pub use session::Principal;

/// The credentials one HTTP request carried, resolved at most once.
#[derive(Debug, Default)]
pub struct RequestAuth {
    pub(crate) token: Option<String>,
    pub(crate) principal: OnceCell<Option<Principal>>,
    /// A member session's member row, read with the session: `me` needs
    /// no statement of its own.
    pub(crate) member: std::sync::OnceLock<entity::member::Model>,
    /// The latest import's time, read with the session.
    pub(crate) last_data_update: std::sync::OnceLock<Option<chrono::DateTime<chrono::Utc>>>,
}

impl RequestAuth {
    pub fn new(token: Option<String>) -> Self {
        Self {
            token,
            principal: OnceCell::new(),
            member: std::sync::OnceLock::new(),
            last_data_update: std::sync::OnceLock::new(),
        }
    }

    /// Credentials already resolved by the HTTP edge: its session, or none.
    pub fn resolved(token: Option<String>, resolved: Option<&session::Resolved>) -> Self {
        let auth = Self::new(token);
        let principal = resolved.map(|r| auth.keep(r.clone()));
        let _ = auth.principal.set(principal);
        auth
    }

    /// Keeps what the session's statement read beside its principal (the
    /// member's row, the latest import's time) for the resolvers; returns
    /// the principal.
    pub(crate) fn keep(&self, resolved: session::Resolved) -> Principal {
        if let Some(member) = resolved.member {
            let _ = self.member.set(member);
        }
        let _ = self.last_data_update.set(resolved.last_data_update);
        resolved.principal
    }

    /// The member read with the session, if it was.
    pub fn member(&self) -> Option<&entity::member::Model> {
        self.member.get()
    }
}

pub use crate::net::ClientAddress;

/// A signed-in member, as services take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberId {
    pub id: i64,
    pub session_id: i64,
}

/// A signed-in staff account, as services take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffId {
    pub id: i64,
    pub session_id: i64,
}

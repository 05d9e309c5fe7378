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

    /// Credentials already resolved by the HTTP edge.
    pub fn resolved(
        token: Option<String>,
        principal: Option<Principal>,
        member: Option<entity::member::Model>,
        last_data_update: Option<Option<chrono::DateTime<chrono::Utc>>>,
    ) -> Self {
        let cell = std::sync::OnceLock::new();
        if let Some(member) = member {
            let _ = cell.set(member);
        }
        let update = std::sync::OnceLock::new();
        if let Some(at) = last_data_update {
            let _ = update.set(at);
        }
        Self {
            token,
            principal: OnceCell::new_with(Some(principal)),
            member: cell,
            last_data_update: update,
        }
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

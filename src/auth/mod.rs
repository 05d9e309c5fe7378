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
}

impl RequestAuth {
    pub fn new(token: Option<String>) -> Self {
        Self {
            token,
            principal: OnceCell::new(),
        }
    }

    /// Credentials already resolved by the HTTP edge.
    pub fn resolved(token: Option<String>, principal: Option<Principal>) -> Self {
        Self {
            token,
            principal: OnceCell::new_with(Some(principal)),
        }
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

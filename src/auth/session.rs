//! Sessions: an opaque random token for the client, only its SHA-256 hash in
//! the database, with an idle and an absolute expiry.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use entity::session;
use rand::RngCore as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::AppResult;

/// Last-seen times are written at most this often: often enough that the
/// idle limit holds to the second, while the requests of one page load
/// (within the same second) write once.
const TOUCH_INTERVAL_SECS: i64 = 1;

/// Who a session belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    Member { member_id: i64, session_id: i64 },
    Staff { staff_id: i64, session_id: i64 },
}

impl Principal {
    pub fn session_id(&self) -> i64 {
        match *self {
            Self::Member { session_id, .. } | Self::Staff { session_id, .. } => session_id,
        }
    }
}

/// A session just created: the token goes to the client once.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// 256 random bits, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for a member or a staff account.
/// Where a sign-in came from.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub user_agent: Option<String>,
    pub client_address: Option<String>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    config: &Config,
    origin: &Origin,
    member_id: Option<i64>,
    staff_id: Option<i64>,
) -> AppResult<NewSession> {
    let token = new_token();
    let now = crate::clock::now();
    let expires_at = now + Duration::hours(i64::from(config.session_max_hours));
    session::ActiveModel {
        token_hash: Set(hash_token(&token)),
        member_id: Set(member_id),
        staff_id: Set(staff_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        user_agent: Set(origin
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(200).collect())),
        client_address: Set(origin.client_address.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(NewSession { token, expires_at })
}

/// The principal a token stands for, if the session is live.
pub async fn resolve(
    db: &impl ConnectionTrait,
    config: &Config,
    token: &str,
) -> AppResult<Option<Principal>> {
    Ok(resolve_with_member(db, config, token)
        .await?
        .map(|resolved| resolved.principal))
}

/// [`resolve`], with a member session's member row read in the same
/// statement (the session joined to its member): what a member page
/// needs first, in one round trip.
pub async fn resolve_with_member(
    db: &impl ConnectionTrait,
    config: &Config,
    token: &str,
) -> AppResult<Option<Resolved>> {
    let now = crate::clock::now();
    let query = session::Entity::find()
        .select_also(entity::member::Entity)
        .join(
            sea_orm::JoinType::LeftJoin,
            session::Entity::belongs_to(entity::member::Entity)
                .from(session::Column::MemberId)
                .to(entity::member::Column::Id)
                .into(),
        )
        .expr_as(Expr::cust(LATEST_IMPORT), LAST_DATA_UPDATE)
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .limit(1)
        .build(db.get_database_backend());
    let Some(row) = db.query_one_raw(query).await? else {
        return Ok(None);
    };
    let found = session::Model::from_query_result(&row, "A_")?;
    let member = entity::member::Model::from_query_result_optional(&row, "B_")?;
    let last_data_update =
        row.try_get::<Option<chrono::DateTime<chrono::Utc>>>("", LAST_DATA_UPDATE)?;
    let idle_limit = found.last_seen_at + Duration::minutes(i64::from(config.session_idle_minutes));
    if found.revoked_at.is_some() || found.expires_at <= now || idle_limit <= now {
        return Ok(None);
    }
    if (now - found.last_seen_at).num_seconds() >= TOUCH_INTERVAL_SECS {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(found.id))
            .exec(db)
            .await?;
    }
    let principal = match (found.member_id, found.staff_id) {
        (Some(member_id), _) => Principal::Member {
            member_id,
            session_id: found.id,
        },
        (None, Some(staff_id)) => Principal::Staff {
            staff_id,
            session_id: found.id,
        },
        (None, None) => return Ok(None),
    };
    Ok(Some(Resolved {
        principal,
        member,
        signed_in_at: found.created_at,
        last_data_update,
    }))
}

/// The latest import's time, as a column of the session's statement: the
/// pages that show 最終データ更新日時 are signed-in pages, and this saves
/// them a statement of their own (see `portal::last_data_update`).
const LATEST_IMPORT: &str =
    r#"(SELECT "imported_at" FROM "data_imports" ORDER BY "imported_at" DESC LIMIT 1)"#;
const LAST_DATA_UPDATE: &str = "last_data_update";

/// A live session: who it is, the member's row when it is a member's, and
/// when it began.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub principal: Principal,
    pub member: Option<entity::member::Model>,
    pub signed_in_at: chrono::DateTime<chrono::Utc>,
    /// When the billing data was last loaded, read in the same statement.
    pub last_data_update: Option<chrono::DateTime<chrono::Utc>>,
}

impl Resolved {
    /// The latest moment this member changed something: the sign-in that
    /// made the session, or a later write of their own.
    pub fn last_own_write(&self) -> chrono::DateTime<chrono::Utc> {
        self.member
            .as_ref()
            .and_then(|m| m.last_write_at)
            .map_or(self.signed_in_at, |w| w.max(self.signed_in_at))
    }
}

/// "iPhone · Safari" from a User-Agent; a system that cannot be told is
/// named `unknown` (the catalogue's `device-unknown`).
pub fn describe_device(user_agent: Option<&str>, unknown: &str) -> String {
    let ua = user_agent.unwrap_or("");
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map_or(unknown, |(_, name)| name);
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    match browser {
        Some(browser) => format!("{system} · {browser}"),
        None => system.to_string(),
    }
}

/// A member's live sessions, most recently used first.
pub async fn live_sessions_of(
    db: &impl ConnectionTrait,
    config: &Config,
    member_id: i64,
) -> AppResult<Vec<session::Model>> {
    let now = crate::clock::now();
    let idle_since = now - Duration::minutes(i64::from(config.session_idle_minutes));
    Ok(session::Entity::find()
        .filter(session::Column::MemberId.eq(member_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(idle_since))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?)
}

/// Ends one of a member's own sessions; false when it is not theirs or
/// already ended.
pub async fn end_member_session(
    db: &impl ConnectionTrait,
    member_id: i64,
    session_id: i64,
) -> AppResult<bool> {
    let ended = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(crate::clock::now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::MemberId.eq(member_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(ended.rows_affected == 1)
}

/// Whether `member_id` signed in from a device described like `user_agent`
/// before its newest session (the one just started).
pub async fn device_seen_before(
    db: &impl ConnectionTrait,
    member_id: i64,
    user_agent: Option<&str>,
) -> AppResult<bool> {
    let device = describe_device(user_agent, "");
    let earlier = session::Entity::find()
        .filter(session::Column::MemberId.eq(member_id))
        .order_by_desc(session::Column::Id)
        .all(db)
        .await?;
    Ok(earlier
        .iter()
        .skip(1)
        .any(|s| describe_device(s.user_agent.as_deref(), "") == device))
}

/// Ends one session.
pub async fn revoke(db: &impl ConnectionTrait, session_id: i64) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(crate::clock::now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every live session of a member but `keep` (password changes,
/// resets, withdrawal).
pub async fn revoke_member_sessions(
    db: &impl ConnectionTrait,
    member_id: i64,
    keep: Option<i64>,
) -> AppResult<()> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(crate::clock::now()))
        .filter(session::Column::MemberId.eq(member_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep));
    }
    update.exec(db).await?;
    Ok(())
}

/// Whose session a cookie carries: staff have a cookie of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieKind {
    Member,
    Staff,
}

impl CookieKind {
    /// The cookie's name: with `Secure` cookies the `__Host-` prefix, so no
    /// other host (a sibling subdomain) can set or shadow it.
    pub fn name(self, config: &Config) -> &'static str {
        match (self, config.cookie_secure) {
            (Self::Member, true) => "__Host-portal_session",
            (Self::Member, false) => "portal_session",
            (Self::Staff, true) => "__Host-portal_staff_session",
            (Self::Staff, false) => "portal_staff_session",
        }
    }
}

/// The `Set-Cookie` value that hands the token to a browser. A member's
/// cookie lasts as long as the session; a staff cookie ends with the
/// browser (no `Max-Age`), so a counter PC closed at night forgets it.
pub fn cookie(config: &Config, kind: CookieKind, session: &NewSession) -> String {
    let lifetime = match kind {
        CookieKind::Member => format!(
            "; Max-Age={}",
            (session.expires_at - crate::clock::now())
                .num_seconds()
                .max(0)
        ),
        CookieKind::Staff => String::new(),
    };
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Strict{lifetime}{secure}",
        kind.name(config),
        session.token
    )
}

/// The `Set-Cookie` values that remove both session cookies.
pub fn clearing_cookies(config: &Config) -> [String; 2] {
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    [CookieKind::Member, CookieKind::Staff].map(|kind| {
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
            kind.name(config)
        )
    })
}

/// The token a request carries: `Authorization: Bearer …` first, else the
/// member's session cookie, else the staff one (by the names `config` uses).
pub fn token_from_headers(headers: &axum::http::HeaderMap, config: &Config) -> Option<String> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_string())
        });
    let cookie = |kind: CookieKind| {
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, value)| *name == kind.name(config) && !value.is_empty())
            .map(|(_, value)| value.to_string())
    };
    bearer
        .filter(|t| !t.is_empty())
        .or_else(|| cookie(CookieKind::Member))
        .or_else(|| cookie(CookieKind::Staff))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert!(a.len() >= 43, "256 bits in base64url");
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn the_bearer_header_wins_over_the_cookie_and_secure_cookies_need_their_prefix() {
        let plain = Config::from_lookup(|name| {
            (name == "PORTAL_COOKIE_SECURE").then(|| "false".to_string())
        })
        .expect("config");
        let secure = Config::from_lookup(|_| None).expect("config");
        let mut headers = HeaderMap::new();
        headers.insert(
            "cookie",
            HeaderValue::from_static("x=1; portal_session=fromcookie"),
        );
        assert_eq!(
            token_from_headers(&headers, &plain).as_deref(),
            Some("fromcookie")
        );
        // A cookie without the __Host- prefix may have been set by another
        // host: ignored when cookies are secure.
        assert_eq!(token_from_headers(&headers, &secure), None);
        headers.insert(
            "authorization",
            HeaderValue::from_static("Bearer frombearer"),
        );
        assert_eq!(
            token_from_headers(&headers, &plain).as_deref(),
            Some("frombearer")
        );
    }
}

//! The checks every member or staff resolver starts with, and what a
//! resolver reads of the request (origin, client address, security log).

use crate::auth::{MemberId, Principal, RequestAuth, StaffId, session};
use crate::error::{AppError, AppResult};
use crate::graphql::AppContext;
use crate::net::ClientAddress;
use crate::security::{self, Event, RequestMeta, Subject};

/// Where the current request comes from, for a session it starts.
pub fn origin(ctx: &async_graphql::Context<'_>) -> session::Origin {
    let meta = ctx.data_opt::<RequestMeta>();
    session::Origin {
        user_agent: meta.and_then(|m| m.user_agent.clone()),
        client_address: meta.map(|m| m.client.0.to_string()),
    }
}

/// Writes a security-log line for the current request.
pub fn security_log(
    ctx: &async_graphql::Context<'_>,
    event: Event,
    success: bool,
    subject: Subject<'_>,
    detail: &str,
) {
    security::record(
        ctx.data_opt::<RequestMeta>(),
        event,
        success,
        subject,
        detail,
    );
}

/// The current request's client, as per-address limits count it.
pub fn client_address(ctx: &async_graphql::Context<'_>) -> String {
    ctx.data_opt::<ClientAddress>()
        .map_or_else(|| "unknown".to_string(), ClientAddress::limit_key)
}

/// The principal of the current request, if its session is live.
pub async fn principal(ctx: &async_graphql::Context<'_>) -> AppResult<Option<Principal>> {
    let Some(auth) = ctx.data_opt::<RequestAuth>() else {
        return Ok(None);
    };
    let Some(token) = auth.token.as_deref() else {
        return Ok(None);
    };
    let principal = auth
        .principal
        .get_or_try_init(|| async {
            // Always the primary: the look-up may record the session's use.
            let resolved =
                session::resolve_with_member(&ctx.state().db, ctx.config(), token).await?;
            Ok::<_, AppError>(resolved.map(|resolved| auth.keep(resolved)))
        })
        .await?;
    Ok(*principal)
}

/// The latest import's time as the request's session read it, when the
/// request has a live session; `None` when it has to be read on its own.
pub async fn last_data_update(
    ctx: &async_graphql::Context<'_>,
) -> AppResult<Option<Option<chrono::DateTime<chrono::Utc>>>> {
    if principal(ctx).await?.is_none() {
        return Ok(None);
    }
    Ok(ctx
        .data_opt::<RequestAuth>()
        .and_then(|auth| auth.last_data_update.get().copied()))
}

/// The signed-in member's row: the one read with the session when there
/// is one, else read now.
pub async fn member_row(ctx: &async_graphql::Context<'_>) -> AppResult<entity::member::Model> {
    let who = member(ctx).await?;
    match ctx.data_opt::<RequestAuth>().and_then(RequestAuth::member) {
        Some(row) if row.id == who.id => Ok(row.clone()),
        _ => crate::accounts::service::member(ctx.db(), who.id).await,
    }
}

/// The signed-in member; fails outside service hours, without a live
/// session, or for a staff session (staff cannot act as members).
pub async fn member(ctx: &async_graphql::Context<'_>) -> AppResult<MemberId> {
    ctx.config()
        .service_hours
        .ensure_open(crate::clock::now())?;
    match principal(ctx).await? {
        Some(Principal::Member {
            member_id,
            session_id,
        }) => Ok(MemberId {
            id: member_id,
            session_id,
        }),
        Some(Principal::Staff { .. }) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthenticated),
    }
}

/// The signed-in staff account; members are FORBIDDEN, no session is
/// UNAUTHENTICATED. Staff work outside the portal's hours too.
pub async fn staff(ctx: &async_graphql::Context<'_>) -> AppResult<StaffId> {
    match principal(ctx).await? {
        Some(Principal::Staff {
            staff_id,
            session_id,
        }) => {
            // Every support field a clerk reads or runs.
            security_log(
                ctx,
                Event::StaffAction,
                true,
                Subject::Staff(staff_id),
                ctx.field().name(),
            );
            Ok(StaffId {
                id: staff_id,
                session_id,
            })
        }
        Some(Principal::Member { .. }) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthenticated),
    }
}

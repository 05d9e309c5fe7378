//! Sign-in and sign-out over GraphQL.

use crate::security::{Event, Subject};
use async_graphql::{Context, InputObject, Object, SimpleObject};

use crate::auth::service::{self, LoginOutcome};
use crate::auth::session;
use crate::graphql::accounts::Customer;
use crate::graphql::errors::{self, GqlResult, Refusal, UserError};
use crate::graphql::guard;
use crate::graphql::{AppContext, scalars};
use crate::t;

/// A session token for the client (web clients also get it as a cookie).
#[derive(SimpleObject)]
pub struct Session {
    pub token: String,
    pub expires_at: scalars::DateTime,
}

impl From<session::NewSession> for Session {
    fn from(s: session::NewSession) -> Self {
        Self {
            token: s.token,
            expires_at: scalars::DateTime(s.expires_at),
        }
    }
}

/// One of the member's signed-in sessions (ログイン中の端末).
pub struct SignedInSession {
    pub row: entity::session::Model,
    pub current: bool,
}

#[Object]
impl SignedInSession {
    async fn id(&self) -> async_graphql::ID {
        self.row.id.into()
    }
    /// The device and browser, as its User-Agent tells.
    async fn device(&self) -> String {
        session::describe_device(
            self.row.user_agent.as_deref(),
            &t!(errors::lang(), "device-unknown"),
        )
    }
    async fn signed_in_at(&self) -> scalars::DateTime {
        scalars::DateTime(self.row.created_at)
    }
    async fn last_seen_at(&self) -> scalars::DateTime {
        scalars::DateTime(self.row.last_seen_at)
    }
    /// The address it signed in from.
    async fn address(&self) -> Option<&str> {
        self.row.client_address.as_deref()
    }
    /// The session this request uses.
    async fn current(&self) -> bool {
        self.current
    }
}

/// A signed-in member's answer: the session, its cookie, the member.
fn signed_in(
    ctx: &Context<'_>,
    member: entity::member::Model,
    session: session::NewSession,
) -> LoginPayload {
    ctx.append_http_header(
        "Set-Cookie",
        session::cookie(ctx.config(), session::CookieKind::Member, &session),
    );
    LoginPayload {
        session: Some(session.into()),
        customer: Some(Customer::from(member)),
        user_errors: vec![],
    }
}

#[derive(InputObject)]
pub struct UnlockSignInInput {
    /// From the mail sent when the login ID locked.
    pub token: String,
    pub password: String,
}

#[derive(InputObject)]
pub struct LoginInput {
    pub login_id: String,
    pub password: String,
}

#[derive(SimpleObject, Default)]
pub struct LoginPayload {
    pub session: Option<Session>,
    pub customer: Option<Customer>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct LogoutPayload {
    pub success: bool,
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs a member in with login ID and password.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> GqlResult<LoginPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let outcome = service::login(
            ctx.db(),
            ctx.config(),
            ctx.hasher(),
            &guard::origin(ctx),
            &guard::client_address(ctx),
            &input.login_id,
            &input.password,
        )
        .await?;
        let (success, detail) = match &outcome {
            LoginOutcome::SignedIn { .. } => (true, ""),
            LoginOutcome::Locked { .. } => (false, "locked"),
            LoginOutcome::LockedByThisFailure { .. } => (false, "locked_now"),
            LoginOutcome::InvalidCredentials => (false, "invalid_credentials"),
        };
        if let LoginOutcome::LockedByThisFailure {
            account: Some(member),
            until,
        } = &outcome
        {
            crate::accounts::service::mail_sign_in_link(ctx.db(), ctx.config(), member, *until)
                .await?;
            ctx.wake_mail();
        }
        if let LoginOutcome::SignedIn { account, .. } = &outcome
            && crate::accounts::service::mail_if_new_device(ctx.db(), account, &guard::origin(ctx))
                .await?
        {
            ctx.wake_mail();
        }
        let event = if detail.starts_with("locked") {
            Event::SignInLocked
        } else {
            Event::SignIn
        };
        guard::security_log(
            ctx,
            event,
            success,
            Subject::LoginId(&input.login_id),
            detail,
        );
        Ok(match outcome {
            LoginOutcome::SignedIn {
                account: member,
                session,
            } => signed_in(ctx, member, session),
            LoginOutcome::Locked { until } => LoginPayload {
                user_errors: vec![errors::refusal(Refusal::SignInLocked { until })],
                ..Default::default()
            },
            LoginOutcome::InvalidCredentials | LoginOutcome::LockedByThisFailure { .. } => {
                LoginPayload {
                    user_errors: vec![errors::refusal(Refusal::InvalidCredentials)],
                    ..Default::default()
                }
            }
        })
    }

    /// Signs in past a lock on the login ID, with the one-time link mailed
    /// when it locked and the password (`playground/operations/unlock.graphql`).
    async fn unlock_sign_in(
        &self,
        ctx: &Context<'_>,
        input: UnlockSignInInput,
    ) -> GqlResult<LoginPayload> {
        ctx.config()
            .service_hours
            .ensure_open(crate::clock::now())?;
        let outcome = service::sign_in_with_link(
            ctx.db(),
            ctx.config(),
            ctx.hasher(),
            &guard::origin(ctx),
            &guard::client_address(ctx),
            &input.token,
            &input.password,
        )
        .await?;
        Ok(match outcome {
            LoginOutcome::SignedIn { account, session } => {
                guard::security_log(
                    ctx,
                    Event::Unlock,
                    true,
                    Subject::Member(account.id),
                    "mailed_link",
                );
                signed_in(ctx, account, session)
            }
            _ => {
                guard::security_log(ctx, Event::Unlock, false, Subject::Unknown, "mailed_link");
                LoginPayload {
                    user_errors: vec![errors::refusal(Refusal::UnlockInvalid)],
                    ..Default::default()
                }
            }
        })
    }

    /// Ends the current session on the server and clears the cookie.
    async fn logout(&self, ctx: &Context<'_>) -> GqlResult<LogoutPayload> {
        if let Some(principal) = guard::principal(ctx).await? {
            session::revoke(ctx.db(), principal.session_id()).await?;
            let subject = match principal {
                crate::auth::Principal::Member { member_id, .. } => Subject::Member(member_id),
                crate::auth::Principal::Staff { staff_id, .. } => Subject::Staff(staff_id),
            };
            guard::security_log(ctx, Event::SessionEnded, true, subject, "logout");
        }
        for cookie in session::clearing_cookies(ctx.config()) {
            ctx.append_http_header("Set-Cookie", cookie);
        }
        Ok(LogoutPayload { success: true })
    }
}

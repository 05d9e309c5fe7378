//! The `support` queries and mutations for staff, and `staffLogin`.

use crate::error::{BadInput, Missing};
use crate::security::{Event, Subject};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::types::MemberStatus as StoredStatus;
use entity::{audit_log, member, service_location, staff};
use sea_orm::EntityTrait;

use crate::auth::StaffId;
use crate::auth::service::{LoginOutcome, staff_login};
use crate::billing::service as billing;
use crate::error::AppError;
use crate::graphql::auth::Session;
use crate::graphql::billing::{Bill, UsagePoint, bills_connection};
use crate::graphql::errors::{self, GqlResult, Refusal, UserError};
use crate::graphql::guard;
use crate::graphql::pagination::{decode_cursor, encode_cursor, page_size};
use crate::graphql::{AppContext, parse_id, scalars::DateTime};
use crate::support::member_view;
use crate::support::service;
use crate::support::service::AuditAction;
use crate::t;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum MemberStatus {
    Active,
    Withdrawn,
}

impl From<StoredStatus> for MemberStatus {
    fn from(s: StoredStatus) -> Self {
        match s {
            StoredStatus::Active => Self::Active,
            StoredStatus::Withdrawn => Self::Withdrawn,
        }
    }
}

/// A member as support staff see them.
pub struct SupportMember(pub member::Model);

#[Object]
impl SupportMember {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn login_id(&self) -> Option<&str> {
        self.0.login_id.as_deref()
    }
    /// The member's name; a withdrawn member's, which was erased, is shown
    /// as 退会済み in the request's language.
    async fn display_name(&self) -> String {
        if self.0.status == entity::types::MemberStatus::Withdrawn {
            return t!(errors::lang(), "withdrawn-member-name");
        }
        self.0.display_name.clone()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn status(&self) -> MemberStatus {
        self.0.status.into()
    }
    async fn registered_at(&self) -> DateTime {
        DateTime(self.0.registered_at)
    }
    /// Until when sign-in or recovery is locked after failed attempts.
    async fn locked_until(&self, ctx: &Context<'_>) -> GqlResult<Option<DateTime>> {
        Ok(
            service::locked_until(ctx.db(), ctx.hasher().keyring(), &self.0)
                .await?
                .map(DateTime),
        )
    }
    async fn service_locations(&self, ctx: &Context<'_>) -> GqlResult<Vec<SupportServiceLocation>> {
        let rows = crate::accounts::service::locations_of(ctx.db(), self.0.id).await?;
        Ok(rows.into_iter().map(SupportServiceLocation).collect())
    }
    /// Every failure count and lock in the member's way: sign-in, the
    /// secret question and reset letters of each portal customer number,
    /// and the client addresses they signed in from in the last 30 days.
    async fn locks(&self, ctx: &Context<'_>) -> GqlResult<Vec<MemberLock>> {
        let locks = member_view::locks(ctx.db(), ctx.hasher().keyring(), &self.0).await?;
        Ok(locks.into_iter().map(MemberLock).collect())
    }
    /// When they last signed in (while the session is kept).
    async fn last_sign_in_at(&self, ctx: &Context<'_>) -> GqlResult<Option<DateTime>> {
        Ok(member_view::last_sign_in(ctx.db(), self.0.id)
            .await?
            .map(DateTime))
    }
    /// The documents of their locations, newest first (at most 50).
    async fn documents(&self, ctx: &Context<'_>) -> GqlResult<Vec<SupportDocument>> {
        let rows = member_view::documents(ctx.db(), self.0.id).await?;
        Ok(rows.into_iter().map(SupportDocument).collect())
    }
    /// The notices sent to them alone, newest first (at most 50), with
    /// when they read each.
    async fn notices_sent(&self, ctx: &Context<'_>) -> GqlResult<Vec<SupportNotice>> {
        let rows = member_view::personal_notices(ctx.db(), self.0.id).await?;
        Ok(rows.into_iter().map(SupportNotice).collect())
    }
    /// The mails to their address, newest first (at most 50), and what
    /// became of each: "the mail never came".
    async fn mails(&self, ctx: &Context<'_>) -> GqlResult<Vec<MailDelivery>> {
        let rows = member_view::mails(ctx.db(), &self.0).await?;
        Ok(rows.into_iter().map(MailDelivery).collect())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum LockKind {
    /// ログイン (the login ID).
    SignIn,
    /// 秘密の質問 (a portal customer number).
    Recovery,
    /// 郵送のご案内のコード (a portal customer number).
    Letter,
    /// One client address.
    Address,
}

/// A failure count, locked or not yet.
pub struct MemberLock(member_view::Lock);

#[Object]
impl MemberLock {
    async fn kind(&self) -> LockKind {
        match self.0.kind {
            member_view::LockKind::SignIn => LockKind::SignIn,
            member_view::LockKind::Recovery => LockKind::Recovery,
            member_view::LockKind::Letter => LockKind::Letter,
            member_view::LockKind::Address => LockKind::Address,
        }
    }
    /// The login ID, portal customer number or client address (with the
    /// kind of attempt).
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn failures(&self) -> i32 {
        self.0.failures
    }
    /// Locked until then; null while only counting.
    async fn locked_until(&self) -> Option<DateTime> {
        self.0.locked_until.map(DateTime)
    }
}

/// A document as a clerk lists it.
pub struct SupportDocument(member_view::DocumentRow);

#[Object]
impl SupportDocument {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn service_location_id(&self) -> ID {
        self.0.service_location_id.into()
    }
    async fn kind(&self) -> crate::graphql::documents::DocumentKind {
        crate::graphql::documents::DocumentKind::of(self.0.kind)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn issued_on(&self) -> crate::graphql::scalars::Date {
        crate::graphql::scalars::Date(self.0.issued_on)
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
}

/// A notice sent to one member.
pub struct SupportNotice((entity::notice::Model, Option<chrono::DateTime<chrono::Utc>>));

#[Object]
impl SupportNotice {
    async fn id(&self) -> ID {
        self.0.0.id.into()
    }
    async fn title(&self) -> &str {
        &self.0.0.title
    }
    async fn body(&self) -> &str {
        &self.0.0.body
    }
    async fn published_at(&self) -> DateTime {
        DateTime(self.0.0.published_at)
    }
    /// When the member read it; null while unread.
    async fn read_at(&self) -> Option<DateTime> {
        self.0.1.map(DateTime)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum DeliveryState {
    /// Waiting for its first try.
    Queued,
    /// Handed to the mail server.
    Sent,
    /// Tried and failed; tried again at `nextAttemptAt`.
    Failing,
}

/// One mail to the member and what became of it.
pub struct MailDelivery(entity::mail_outbox::Model);

#[Object]
impl MailDelivery {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    /// Null once sent: a sent mail keeps no address.
    async fn to_address(&self) -> Option<&str> {
        Some(self.0.to_address.as_str()).filter(|a| !a.is_empty())
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn state(&self) -> DeliveryState {
        match member_view::delivery(&self.0) {
            member_view::Delivery::Queued => DeliveryState::Queued,
            member_view::Delivery::Sent => DeliveryState::Sent,
            member_view::Delivery::Failing => DeliveryState::Failing,
        }
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// The mail server's last refusal, while failing.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    async fn sent_at(&self) -> Option<DateTime> {
        self.0.sent_at.map(DateTime)
    }
    /// The next try, while not sent.
    async fn next_attempt_at(&self) -> Option<DateTime> {
        self.0
            .sent_at
            .is_none()
            .then_some(DateTime(self.0.next_attempt_at))
    }
}

/// A service location with its holder, as support staff see it.
pub struct SupportServiceLocation(pub service_location::Model);

#[Object]
impl SupportServiceLocation {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn customer_number(&self) -> &str {
        &self.0.customer_number
    }
    async fn portal_customer_number(&self) -> &str {
        &self.0.portal_customer_number
    }
    async fn address(&self) -> &str {
        &self.0.address
    }
    /// 名義人
    async fn holder_name(&self) -> &str {
        &self.0.holder_name
    }
    async fn meter_diameter_mm(&self) -> i32 {
        self.0.meter_diameter_mm
    }
    /// The portal member this location is linked to, if any.
    /// The member it is linked to; opening it is audited (`VIEW_MEMBER`),
    /// whether the location came from a look-up or a search.
    async fn member(&self, ctx: &Context<'_>) -> GqlResult<Option<SupportMember>> {
        let Some(id) = self.0.member_id else {
            return Ok(None);
        };
        let staff = guard::staff(ctx).await?;
        service::audit(
            ctx.db(),
            staff.id,
            service::AuditAction::ViewMember,
            Some(id),
            Some(self.0.id),
            String::new(),
        )
        .await?;
        Ok(Some(SupportMember(
            crate::accounts::service::member(ctx.db(), id).await?,
        )))
    }
    async fn bills(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, Bill>> {
        Ok(bills_connection(ctx, self.0.id, first, after).await?)
    }
    async fn usage_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 24)] months: i32,
    ) -> GqlResult<Vec<UsagePoint>> {
        let rows = billing::usage_history(ctx.db(), self.0.id, months).await?;
        Ok(rows.into_iter().map(UsagePoint::from).collect())
    }
}

/// What a staff account read or did.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "AuditAction")]
pub enum AuditActionKind {
    /// Looked a service location up by its customer number.
    ViewServiceLocation,
    /// Looked a member up by login ID.
    ViewMember,
    /// Lifted a member's locks.
    UnlockMember,
    /// Unlinked a location from a member who cannot be reached.
    UnlinkLocation,
    /// Issued a password-reset letter.
    IssueResetLetter,
    /// Downloaded a reset letter to post it.
    DownloadResetLetter,
    /// Searched members and locations.
    Search,
}

/// One audit log entry.
pub struct AuditEntry(audit_log::Model, Option<staff::Model>);

#[Object]
impl AuditEntry {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    /// The staff account's login ID.
    async fn staff_login_id(&self) -> Option<&str> {
        self.1.as_ref().map(|s| s.login_id.as_str())
    }
    async fn action(&self) -> AuditActionKind {
        match self.0.action {
            AuditAction::ViewServiceLocation => AuditActionKind::ViewServiceLocation,
            AuditAction::ViewMember => AuditActionKind::ViewMember,
            AuditAction::UnlockMember => AuditActionKind::UnlockMember,
            AuditAction::UnlinkLocation => AuditActionKind::UnlinkLocation,
            AuditAction::IssueResetLetter => AuditActionKind::IssueResetLetter,
            AuditAction::DownloadResetLetter => AuditActionKind::DownloadResetLetter,
            AuditAction::Search => AuditActionKind::Search,
        }
    }
    async fn member_id(&self) -> Option<ID> {
        self.0.member_id.map(ID::from)
    }
    async fn service_location_id(&self) -> Option<ID> {
        self.0.service_location_id.map(ID::from)
    }
    /// What was done, in the request's language.
    async fn detail(&self) -> String {
        let lang = errors::lang();
        match self.0.action {
            AuditAction::ViewServiceLocation => {
                t!(lang, "audit-view-location", number = self.0.detail.as_str())
            }
            AuditAction::ViewMember => t!(lang, "audit-view-member"),
            AuditAction::UnlockMember => t!(lang, "audit-unlock-member"),
            AuditAction::UnlinkLocation => t!(
                lang,
                "audit-unlink-location",
                reason = self.0.detail.as_str()
            ),
            AuditAction::IssueResetLetter => t!(
                lang,
                "audit-issue-reset-letter",
                address = self.0.detail.as_str()
            ),
            AuditAction::DownloadResetLetter => t!(lang, "audit-download-reset-letter"),
            AuditAction::Search => match self.0.detail.as_str() {
                "number" => t!(lang, "audit-search-number"),
                "email" => t!(lang, "audit-search-email"),
                _ => t!(lang, "audit-search-text"),
            },
        }
    }
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// Staff's read side; every read of a member's data is audited.
pub struct SupportQueries(StaffId);

#[Object]
impl SupportQueries {
    /// A service location by customer number (お客さま番号).
    async fn service_location(
        &self,
        ctx: &Context<'_>,
        customer_number: String,
    ) -> GqlResult<Option<SupportServiceLocation>> {
        let number = customer_number.trim();
        let location = service::location_by_customer_number(ctx.db(), number)
            .await?
            .ok_or(AppError::NotFound(Missing::Location))?;
        service::audit(
            ctx.db(),
            self.0.id,
            service::AuditAction::ViewServiceLocation,
            location.member_id,
            Some(location.id),
            number.to_string(),
        )
        .await?;
        Ok(Some(SupportServiceLocation(location)))
    }

    /// A member by login ID.
    async fn member(
        &self,
        ctx: &Context<'_>,
        login_id: String,
    ) -> GqlResult<Option<SupportMember>> {
        let login_id = login_id.trim();
        let member = service::member_by_login_id(ctx.db(), login_id)
            .await?
            .ok_or(AppError::NotFound(Missing::Member))?;
        service::audit(
            ctx.db(),
            self.0.id,
            service::AuditAction::ViewMember,
            Some(member.id),
            None,
            // The member's ID says who; the login ID itself is theirs to take
            // with them when they withdraw.
            String::new(),
        )
        .await?;
        Ok(Some(SupportMember(member)))
    }

    /// One box for everything a caller may say: ポータルサイト用お客さま番号 or
    /// customer number (hyphens and full-width digits welcome), login ID,
    /// e-mail, a name (kana, width and spacing do not matter) or an address
    /// fragment. Service locations with their member, by location; `first`
    /// at most 50. Audited (`SEARCH`, with the kind of search; opening a
    /// result's member is audited as `VIEW_MEMBER`).
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, SupportServiceLocation>> {
        let query = crate::support::search::SearchQuery::parse(&query)
            .map_err(|_| AppError::BadRequest(BadInput::SearchQuery))?;
        let first = page_size(first)?.min(crate::support::search::MAX_PAGE);
        let after = match after {
            Some(cursor) => Some(
                decode_cursor(&cursor)?
                    .parse::<i64>()
                    .map_err(|_| AppError::BadRequest(BadInput::Cursor))?,
            ),
            None => None,
        };
        let (rows, has_next) =
            crate::support::search::search(ctx.db(), self.0.id, &query, first, after).await?;
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(rows.into_iter().map(|location| {
            Edge::new(
                encode_cursor(&location.id.to_string()),
                SupportServiceLocation(location),
            )
        }));
        Ok(connection)
    }

    /// Who read or did what, newest first; optionally for one member.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        member_id: Option<ID>,
    ) -> GqlResult<Connection<String, AuditEntry>> {
        let first = page_size(first)?;
        let before = match after {
            Some(cursor) => Some(
                decode_cursor(&cursor)?
                    .parse::<i64>()
                    .map_err(|_| AppError::BadRequest(BadInput::Cursor))?,
            ),
            None => None,
        };
        let member_id = member_id
            .map(|id| parse_id(&id, Missing::Member))
            .transpose()?;
        let (rows, has_next) = service::audit_page(ctx.db(), member_id, first, before).await?;
        let mut connection = Connection::new(before.is_some(), has_next);
        connection
            .edges
            .extend(rows.into_iter().map(|(entry, who)| {
                Edge::new(encode_cursor(&entry.id.to_string()), AuditEntry(entry, who))
            }));
        Ok(connection)
    }
}

#[derive(SimpleObject, Default)]
pub struct UnlockMemberPayload {
    pub member: Option<SupportMember>,
    pub user_errors: Vec<UserError>,
}

/// Staff's actions; each is audited.
pub struct SupportMutations(StaffId);

#[Object]
impl SupportMutations {
    /// Unlinks a service location from a member who cannot be reached
    /// (moved out), with a reason for the audit log. The member is not
    /// told by mail: the address is what cannot be trusted.
    async fn unlink_service_location(
        &self,
        ctx: &Context<'_>,
        input: UnlinkServiceLocationInput,
    ) -> GqlResult<UnlinkServiceLocationPayload> {
        let refused = |e: service::UnlinkError| UnlinkServiceLocationPayload {
            service_location: None,
            user_errors: vec![errors::unlink_error(e)],
        };
        let reason = match service::parse_reason(&input.reason) {
            Ok(reason) => reason,
            Err(e) => return Ok(refused(e)),
        };
        let Ok(location_id) = input.id.parse::<i64>() else {
            return Ok(refused(service::UnlinkError::NotLinked));
        };
        Ok(
            match service::unlink_location(ctx.db(), self.0.id, location_id, reason).await? {
                Ok(location) => UnlinkServiceLocationPayload {
                    service_location: Some(SupportServiceLocation(location)),
                    user_errors: vec![],
                },
                Err(e) => refused(e),
            },
        )
    }

    /// For a member who forgot both password and secret answer: a letter
    /// with a one-time code (14 days), posted to the member's service
    /// location (`serviceLocationId`, or their first). Staff download it
    /// once to print (`letter.downloadPath`, with the staff session) and
    /// never see or set a password; the member is mailed that it is on its
    /// way. Older unused letters are voided. Audited.
    async fn issue_reset_letter(
        &self,
        ctx: &Context<'_>,
        input: IssueResetLetterInput,
    ) -> GqlResult<IssueResetLetterPayload> {
        let member_id = input.member_id.parse::<i64>().unwrap_or(-1);
        let location_id = input
            .service_location_id
            .as_ref()
            .map(|id| id.parse::<i64>().unwrap_or(-1));
        let issued = crate::support::letters::issue(
            ctx.db(),
            ctx.config(),
            self.0.id,
            member_id,
            location_id,
        )
        .await?;
        ctx.wake_mail();
        Ok(match issued {
            Ok(issued) => {
                guard::security_log(
                    ctx,
                    Event::StaffAction,
                    true,
                    Subject::Member(issued.letter.member_id),
                    "reset_letter",
                );
                IssueResetLetterPayload {
                    letter: Some(ResetLetter(issued.letter, issued.location)),
                    user_errors: vec![],
                }
            }
            Err(e) => IssueResetLetterPayload {
                letter: None,
                user_errors: vec![errors::letter_error(e)],
            },
        })
    }

    /// Lifts the sign-in and recovery locks of a member.
    async fn unlock_member(&self, ctx: &Context<'_>, id: ID) -> GqlResult<UnlockMemberPayload> {
        let member = match id.parse::<i64>() {
            Ok(id) => entity::member::Entity::find_by_id(id).one(ctx.db()).await?,
            Err(_) => None,
        };
        let Some(member) = member else {
            return Ok(UnlockMemberPayload {
                member: None,
                user_errors: vec![errors::refusal(Refusal::MemberNotFound)],
            });
        };
        let txn = crate::db::write_txn(ctx.db()).await?;
        service::unlock(&txn, ctx.hasher().keyring(), &member).await?;
        guard::security_log(
            ctx,
            Event::Unlock,
            true,
            Subject::Member(member.id),
            "staff",
        );
        service::audit(
            &txn,
            self.0.id,
            service::AuditAction::UnlockMember,
            Some(member.id),
            None,
            String::new(),
        )
        .await?;
        txn.commit().await?;
        Ok(UnlockMemberPayload {
            member: Some(SupportMember(member)),
            user_errors: vec![],
        })
    }
}

#[derive(InputObject)]
pub struct IssueResetLetterInput {
    pub member_id: ID,
    /// Where to post it: one of the member's locations (default: the
    /// first they linked).
    pub service_location_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct IssueResetLetterPayload {
    pub letter: Option<ResetLetter>,
    pub user_errors: Vec<UserError>,
}

/// A posted password-reset letter (its code is only on paper).
pub struct ResetLetter(entity::reset_letter::Model, service_location::Model);

#[Object]
impl ResetLetter {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The code works until then.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at)
    }
    /// Where it is posted.
    async fn addressed_to(&self) -> SupportServiceLocation {
        SupportServiceLocation(self.1.clone())
    }
    /// The printable PDF, for the staff session, once: it is wiped as it
    /// is handed over (null once downloaded).
    async fn download_path(&self) -> Option<String> {
        self.0
            .downloaded_at
            .is_none()
            .then(|| format!("/support/reset-letters/{}", self.0.id))
    }
}

#[derive(InputObject)]
pub struct UnlinkServiceLocationInput {
    pub id: ID,
    /// Why (for the audit log): 1 to 200 characters.
    pub reason: String,
}

#[derive(SimpleObject, Default)]
pub struct UnlinkServiceLocationPayload {
    /// The location, now with no member.
    pub service_location: Option<SupportServiceLocation>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct StaffLoginInput {
    pub login_id: String,
    pub password: String,
}

#[derive(SimpleObject, Default)]
pub struct StaffLoginPayload {
    pub session: Option<Session>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct SupportQuery;

#[Object]
impl SupportQuery {
    /// Support staff's look-ups (staff sessions only).
    async fn support(&self, ctx: &Context<'_>) -> GqlResult<SupportQueries> {
        Ok(SupportQueries(guard::staff(ctx).await?))
    }
}

#[derive(Default)]
pub struct SupportMutation;

#[Object]
impl SupportMutation {
    /// Signs a staff account in.
    async fn staff_login(
        &self,
        ctx: &Context<'_>,
        input: StaffLoginInput,
    ) -> GqlResult<StaffLoginPayload> {
        let outcome = staff_login(
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
        guard::security_log(
            ctx,
            Event::StaffSignIn,
            success,
            Subject::LoginId(&input.login_id),
            detail,
        );
        Ok(match outcome {
            LoginOutcome::SignedIn { session, .. } => {
                ctx.append_http_header(
                    "Set-Cookie",
                    crate::auth::session::cookie(
                        ctx.config(),
                        crate::auth::session::CookieKind::Staff,
                        &session,
                    ),
                );
                StaffLoginPayload {
                    session: Some(session.into()),
                    user_errors: vec![],
                }
            }
            LoginOutcome::InvalidCredentials | LoginOutcome::LockedByThisFailure { .. } => {
                StaffLoginPayload {
                    session: None,
                    user_errors: vec![errors::refusal(Refusal::InvalidCredentials)],
                }
            }
            LoginOutcome::Locked { .. } => StaffLoginPayload {
                session: None,
                user_errors: vec![errors::refusal(Refusal::StaffLocked)],
            },
        })
    }

    /// Support staff's actions (staff sessions only).
    async fn support(&self, ctx: &Context<'_>) -> GqlResult<SupportMutations> {
        Ok(SupportMutations(guard::staff(ctx).await?))
    }
}

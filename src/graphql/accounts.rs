//! The signed-in member (`me`) and their service locations.

use crate::error::Missing;
use crate::graphql::auth::SignedInSession;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{bill, member, service_location};

use crate::accounts::service;
use crate::billing::comparison;
use crate::billing::schedule;
use crate::billing::service as billing;
use crate::domain::BillingMonth;
use crate::error::AppError;
use crate::graphql::billing::{Bill, UsagePoint, bills_connection};
use crate::graphql::documents::{Document, documents_connection};
use crate::graphql::errors::GqlResult;
use crate::graphql::guard;
use crate::graphql::portal::SecretQuestion;
use crate::graphql::scalars::Date;
use crate::graphql::{AppContext, parse_id};
use crate::i18n::Lang;
use crate::portal::{Greeting, greeting};
use crate::t;

/// A member (会員) as they see their own account.
pub struct Customer(pub member::Model);

impl From<member::Model> for Customer {
    fn from(m: member::Model) -> Self {
        Self(m)
    }
}

/// Which mails the member wants.
#[derive(SimpleObject)]
pub struct NotificationSettings {
    /// A mail when a new bill is issued.
    pub bill_issued: bool,
    /// A mail when the bureau publishes a notice.
    pub notice_published: bool,
    /// A mail on each sign-in from a device not used before.
    pub new_device: bool,
    /// A mail when a bill's usage is flagged as high (a possible leak).
    pub high_usage: bool,
}

impl NotificationSettings {
    pub fn of(member: &member::Model) -> Self {
        Self {
            bill_issued: member.notify_bill_issued,
            notice_published: member.notify_notice_published,
            new_device: member.notify_new_device,
            high_usage: member.notify_high_usage,
        }
    }
}

#[Object]
impl Customer {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn login_id(&self) -> Option<&str> {
        self.0.login_id.as_deref()
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// おはようございます / こんにちは / こんばんは, by the hour in Asia/Tokyo,
    /// in the request's language.
    async fn greeting(&self) -> String {
        let lang = crate::graphql::errors::lang();
        match greeting(crate::clock::now()) {
            Greeting::Morning => t!(lang, "greeting-morning"),
            Greeting::Day => t!(lang, "greeting-day"),
            Greeting::Evening => t!(lang, "greeting-evening"),
        }
    }
    /// The language of the member's mails (and of the portal's answers
    /// when a request sends no `Accept-Language`).
    async fn language(&self) -> Language {
        Lang::parse(&self.0.language).unwrap_or_default().into()
    }
    /// The member's service locations, by customer number.
    async fn service_locations(&self, ctx: &Context<'_>) -> GqlResult<Vec<ServiceLocation>> {
        // A page that shows the latest bill (the dashboard) gets it in the
        // same statement as the locations.
        let wants_latest = [
            "latestBill",
            "nextReadingMonth",
            "nextTransferDate",
            "usageAlert",
        ]
        .iter()
        .any(|field| ctx.look_ahead().field(field).exists());
        if wants_latest {
            let rows = billing::locations_with_latest_bills(ctx.db(), self.0.id).await?;
            return Ok(rows
                .into_iter()
                .map(|(location, latest)| ServiceLocation::with_latest(location, latest))
                .collect());
        }
        let rows = service::locations_of(ctx.db(), self.0.id).await?;
        Ok(rows.into_iter().map(ServiceLocation::new).collect())
    }
    /// The member's signed-in sessions, most recently used first; readable
    /// only from one of them.
    async fn sessions(&self, ctx: &Context<'_>) -> GqlResult<Vec<SignedInSession>> {
        let who = guard::member(ctx).await?;
        if who.id != self.0.id {
            return Ok(vec![]);
        }
        let rows = crate::auth::session::live_sessions_of(ctx.db(), ctx.config(), who.id).await?;
        Ok(rows
            .into_iter()
            .map(|row| SignedInSession {
                current: row.id == who.session_id,
                row,
            })
            .collect())
    }
    /// 書類: documents about all the member's locations, newest first.
    async fn documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, Document>> {
        Ok(documents_connection(ctx, self.0.id, first, after).await?)
    }
    async fn secret_question(&self, ctx: &Context<'_>) -> GqlResult<Option<SecretQuestion>> {
        let Some(id) = self.0.secret_question_id else {
            return Ok(None);
        };
        Ok(service::secret_question(ctx.db(), id)
            .await?
            .map(Into::into))
    }
    async fn notification_settings(&self) -> NotificationSettings {
        NotificationSettings::of(&self.0)
    }
    /// Signed links to `/exports/usage.csv` and `.json` for a period
    /// (billing months `YYYY-MM`, both optional): they work without
    /// headers (a browser download, a spreadsheet's "from web") for 10
    /// minutes, for this member and period only.
    async fn usage_export(
        &self,
        ctx: &Context<'_>,
        from: Option<String>,
        to: Option<String>,
    ) -> GqlResult<UsageExport> {
        let month = |raw: Option<String>| {
            raw.filter(|m| !m.is_empty())
                .map(|m| {
                    BillingMonth::parse(&m).map_err(|_| {
                        crate::error::AppError::BadRequest(crate::error::BadInput::Month)
                    })
                })
                .transpose()
        };
        let (from, to) = (month(from)?, month(to)?);
        let now = crate::clock::now();
        let link = |file| {
            crate::billing::export::signed_path(ctx.secrets(), file, self.0.id, from, to, now)
        };
        Ok(UsageExport {
            csv_url: link("usage.csv"),
            json_url: link("usage.json"),
            expires_at: crate::graphql::scalars::DateTime(
                now + chrono::Duration::minutes(crate::billing::export::LINK_VALID_MINUTES),
            ),
        })
    }
}

/// Signed links to a member's usage export.
#[derive(SimpleObject)]
pub struct UsageExport {
    /// UTF-8 with a BOM, for Japanese Excel (relative to this service).
    pub csv_url: String,
    pub json_url: String,
    pub expires_at: crate::graphql::scalars::DateTime,
}

/// A water contract at one address.
pub struct ServiceLocation {
    row: service_location::Model,
    /// Its latest bill, when the query that found the location read it
    /// too; otherwise the latest-bill loader asks.
    latest: Option<Option<bill::Model>>,
}

impl ServiceLocation {
    pub fn new(row: service_location::Model) -> Self {
        Self { row, latest: None }
    }

    pub fn with_latest(row: service_location::Model, latest: Option<bill::Model>) -> Self {
        Self {
            row,
            latest: Some(latest),
        }
    }

    async fn latest(&self, ctx: &Context<'_>) -> GqlResult<Option<bill::Model>> {
        match &self.latest {
            Some(known) => Ok(known.clone()),
            None => Ok(ctx.loaders().latest_bills.load_one(self.row.id).await?),
        }
    }
}

#[Object]
impl ServiceLocation {
    async fn id(&self) -> ID {
        self.row.id.into()
    }
    /// お客さま番号
    async fn customer_number(&self) -> &str {
        &self.row.customer_number
    }
    /// ポータルサイト用お客さま番号, printed on the meter-reading slip.
    async fn portal_customer_number(&self) -> &str {
        &self.row.portal_customer_number
    }
    async fn address(&self) -> &str {
        &self.row.address
    }
    /// メーター口径: sets the base water charge.
    async fn meter_diameter_mm(&self) -> i32 {
        self.row.meter_diameter_mm
    }
    /// 用途.
    async fn use_type(&self) -> crate::graphql::charges::UseType {
        self.row.use_type.into()
    }
    /// 次回検針月 (`YYYY-MM`): the next month this meter is read, from its
    /// odd/even reading group and its latest bill.
    async fn next_reading_month(&self, ctx: &Context<'_>) -> GqlResult<String> {
        let latest = self.latest(ctx).await?;
        let billed = latest.and_then(|b| BillingMonth::parse(&b.billing_month).ok());
        Ok(
            schedule::next_reading_month(self.row.reading_month_parity, billed, today())
                .to_string(),
        )
    }
    /// 次回振替日: for 口座振替, the day the latest bill is transferred while
    /// that is still to come; null otherwise (paid, other methods, or the
    /// next bill not issued yet).
    async fn next_transfer_date(&self, ctx: &Context<'_>) -> GqlResult<Option<Date>> {
        let latest = self.latest(ctx).await?;
        Ok(schedule::next_transfer_date(latest.as_ref(), today()).map(Date))
    }
    /// 使用水量のお知らせ: set when the latest bill's usage is well above
    /// both the same period last year and the recent periods (a possible
    /// leak; the rule is README's), with the figures and what to check.
    async fn usage_alert(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<crate::graphql::billing::UsageAlert>> {
        let Some(latest) = self.latest(ctx).await? else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()
            .alerts
            .load_one(latest.id)
            .await?
            .map(crate::graphql::billing::UsageAlert))
    }
    /// The most recent bill, if any.
    async fn latest_bill(&self, ctx: &Context<'_>) -> GqlResult<Option<Bill>> {
        Ok(self.latest(ctx).await?.map(Bill))
    }
    /// Usage and charges of the billing periods in the last `months` months
    /// up to the latest bill, oldest first.
    async fn usage_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 24)] months: i32,
    ) -> GqlResult<Vec<UsagePoint>> {
        let rows = billing::usage_history_with_last_year(ctx.db(), self.row.id, months).await?;
        Ok(rows
            .into_iter()
            .map(|(b, earlier)| UsagePoint::with_last_year(b, earlier))
            .collect())
    }
    /// The usage graph's meaning in one sentence, for members who cannot
    /// see it: the latest year's usage against the year before, in the
    /// request's language.
    async fn usage_summary(&self, ctx: &Context<'_>) -> GqlResult<String> {
        let rows = billing::usage_history(ctx.db(), self.row.id, 24).await?;
        let usages: Vec<i32> = rows.iter().map(|b| b.usage_m3).collect();
        // Kanazawa bills every two months: six periods a year.
        let periods_a_year = usages.len().div_ceil(2).max(1);
        Ok(comparison::graph_sentence(
            crate::graphql::errors::lang(),
            &usages,
            periods_a_year,
        ))
    }
    /// Bills, newest first; `first` is at most 100.
    async fn bills(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, Bill>> {
        Ok(bills_connection(ctx, self.row.id, first, after).await?)
    }
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in member.
    async fn me(&self, ctx: &Context<'_>) -> GqlResult<Customer> {
        Ok(Customer(guard::member_row(ctx).await?))
    }

    /// One of the signed-in member's service locations.
    async fn service_location(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> GqlResult<Option<ServiceLocation>> {
        let member = guard::member(ctx).await?;
        let id = parse_id(&id, Missing::Location)?;
        service::location_of_member(ctx.db(), id, member.id)
            .await?
            .map(|l| Some(ServiceLocation::new(l)))
            .ok_or(AppError::NotFound(Missing::Location).into())
    }
}

/// A language the portal speaks.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// 日本語
    Ja,
    /// English
    En,
}

impl From<Lang> for Language {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::Ja => Self::Ja,
            Lang::En => Self::En,
        }
    }
}

impl From<Language> for Lang {
    fn from(language: Language) -> Self {
        match language {
            Language::Ja => Self::Ja,
            Language::En => Self::En,
        }
    }
}

/// Today in Asia/Tokyo, as the portal's calendar runs.
use crate::clock::today;

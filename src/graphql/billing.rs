//! Bills, readings and usage as the member pages show them.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::types::{PaymentMethod as StoredMethod, PaymentStatus as StoredStatus};
use entity::{bill, meter_reading, service_location};

use crate::billing::comparison;
use crate::billing::explain;
use crate::billing::service;
use crate::billing::tariff;
use crate::error::Missing;
use crate::error::{AppError, AppResult};
use crate::graphql::accounts::ServiceLocation;
use crate::graphql::charges::{self, ChargeBreakdown, Rebilled};
use crate::graphql::errors::{self, GqlResult};
use crate::graphql::guard;
use crate::graphql::pagination::{decode_cursor, encode_cursor, page_size};
use crate::graphql::{
    AppContext, parse_id,
    scalars::{Date, DateTime},
};
use crate::i18n::format;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum PaymentStatus {
    /// 領収済み
    Paid,
    /// 未払い (not yet due)
    Unpaid,
    /// 期限超過
    Overdue,
}

impl From<StoredStatus> for PaymentStatus {
    fn from(s: StoredStatus) -> Self {
        match s {
            StoredStatus::Paid => Self::Paid,
            StoredStatus::Unpaid => Self::Unpaid,
            StoredStatus::Overdue => Self::Overdue,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum PaymentMethod {
    /// 口座振替
    AccountTransfer,
    /// 納付書
    PaymentSlip,
    /// クレジットカード
    CreditCard,
}

impl From<StoredMethod> for PaymentMethod {
    fn from(m: StoredMethod) -> Self {
        match m {
            StoredMethod::AccountTransfer => Self::AccountTransfer,
            StoredMethod::PaymentSlip => Self::PaymentSlip,
            StoredMethod::CreditCard => Self::CreditCard,
        }
    }
}

/// A bill for one billing period (two months).
pub struct Bill(pub bill::Model);

#[Object]
impl Bill {
    async fn id(&self) -> ID {
        self.0.id.into()
    }
    /// The same billing period a year earlier, when there is one.
    async fn last_year(&self, ctx: &Context<'_>) -> GqlResult<Option<LastYear>> {
        let Some(month) = service::same_period_last_year(&self.0.billing_month) else {
            return Ok(None);
        };
        let earlier = ctx
            .loaders()
            .bills_by_month
            .load_one((self.0.service_location_id, month))
            .await?;
        Ok(earlier.map(|e| LastYear(comparison::compare(&self.0, &e))))
    }
    /// When the billing feed this bill's figures and payment come from was
    /// imported (2026年12月8日時点).
    async fn as_of(&self) -> DateTime {
        DateTime(as_of(&self.0))
    }
    /// `YYYY-MM`: the month of the meter reading and the bill.
    async fn billing_month(&self) -> &str {
        &self.0.billing_month
    }
    async fn period_start(&self) -> Date {
        Date(self.0.period_start)
    }
    async fn period_end(&self) -> Date {
        Date(self.0.period_end)
    }
    async fn usage_cubic_meters(&self) -> i32 {
        self.0.usage_m3
    }
    /// Water charge, tax included.
    async fn water_charge_yen(&self) -> i64 {
        self.0.water_charge_yen
    }
    /// Sewer charge, tax included.
    async fn sewer_charge_yen(&self) -> i64 {
        self.0.sewer_charge_yen
    }
    /// Consumption tax contained in the amount.
    async fn tax_yen(&self) -> i64 {
        self.0.tax_yen
    }
    /// What the member pays: water and sewer charges together.
    async fn amount_yen(&self) -> i64 {
        self.0.amount_yen
    }
    async fn due_date(&self) -> Date {
        Date(self.0.due_date)
    }
    async fn payment_status(&self) -> PaymentStatus {
        self.0.payment_status.into()
    }
    async fn paid_on(&self) -> Option<Date> {
        self.0.paid_on.map(Date)
    }
    async fn payment_method(&self) -> Option<PaymentMethod> {
        self.0.payment_method.map(Into::into)
    }
    /// The reading this bill was computed from.
    async fn meter_reading(&self, ctx: &Context<'_>) -> GqlResult<Option<MeterReading>> {
        let Some(id) = self.0.meter_reading_id else {
            return Ok(None);
        };
        Ok(ctx.loaders().readings.load_one(id).await?.map(MeterReading))
    }
    /// The breakdown (料金明細); the amounts add up to `amountYen`.
    async fn line_items(&self, ctx: &Context<'_>) -> GqlResult<Vec<LineItem>> {
        let stored = ctx.loaders().line_items.load_one(self.0.id).await?;
        let stored = stored
            .unwrap_or_default()
            .into_iter()
            .map(|i| (i.label, i.amount_yen))
            .collect();
        Ok(tariff::printed_lines(
            self.0.water_charge_yen,
            self.0.sewer_charge_yen,
            stored,
            errors::lang(),
        )
        .into_iter()
        .map(|(label, amount_yen)| LineItem { label, amount_yen })
        .collect())
    }
    async fn service_location(&self, ctx: &Context<'_>) -> GqlResult<ServiceLocation> {
        self.location(ctx).await.map(ServiceLocation::new)
    }
    /// The bill explained line by line on the tariff it was billed on (the
    /// revision in force on its reading day): base charges by meter
    /// diameter, every usage tier, tax, and any adjustment the billing
    /// system made; `totalYen` is `amountYen`. Null for a bill read before
    /// the first revision the city lists.
    async fn breakdown(&self, ctx: &Context<'_>) -> GqlResult<Option<ChargeBreakdown>> {
        let location = self.location(ctx).await?;
        let read_on = self.read_on(ctx).await?;
        Ok(charges::explained(ctx, &location, &self.0, read_on))
    }
    /// This bill's usage and period on the revision in force `on` that day
    /// (e.g. an announced revision's first day): "this bill under the new
    /// tariff". Null when no revision was in force then.
    async fn under_tariff(&self, ctx: &Context<'_>, on: Date) -> GqlResult<Option<Rebilled>> {
        let location = self.location(ctx).await?;
        Ok(
            explain::rebill(&ctx.config().city.tariff, &location, &self.0, on.0).map(|breakdown| {
                Rebilled {
                    bill: self.0.clone(),
                    breakdown,
                }
            }),
        )
    }
}

impl Bill {
    async fn location(&self, ctx: &Context<'_>) -> GqlResult<service_location::Model> {
        ctx.loaders()
            .locations
            .load_one(self.0.service_location_id)
            .await?
            .ok_or(AppError::NotFound(Missing::Location).into())
    }

    /// The day its meter was read.
    async fn read_on(&self, ctx: &Context<'_>) -> GqlResult<chrono::NaiveDate> {
        let reading = match self.0.meter_reading_id {
            Some(id) => ctx.loaders().readings.load_one(id).await?,
            None => None,
        };
        Ok(explain::read_on(&self.0, reading.map(|r| r.read_on)))
    }
}

/// One line of a bill's breakdown.
#[derive(SimpleObject)]
pub struct LineItem {
    pub label: String,
    pub amount_yen: i64,
}

/// A meter reading (検針).
pub struct MeterReading(pub meter_reading::Model);

#[Object]
impl MeterReading {
    async fn read_on(&self) -> Date {
        Date(self.0.read_on)
    }
    async fn previous_reading(&self) -> i32 {
        self.0.previous_reading
    }
    async fn current_reading(&self) -> i32 {
        self.0.current_reading
    }
    async fn usage_cubic_meters(&self) -> i32 {
        self.0.usage_m3
    }
}

/// One billing period in the usage graph.
#[derive(SimpleObject)]
pub struct UsagePoint {
    pub billing_month: String,
    pub period_start: Date,
    pub period_end: Date,
    pub usage_cubic_meters: i32,
    pub amount_yen: i64,
    /// When the billing feed these figures come from was imported.
    pub as_of: DateTime,
    /// The same period a year earlier, when there is one.
    pub last_year: Option<LastYear>,
}

impl UsagePoint {
    /// A point with the same period a year earlier.
    pub fn with_last_year(b: bill::Model, earlier: Option<bill::Model>) -> Self {
        let last_year = earlier.map(|e| LastYear(comparison::compare(&b, &e)));
        Self {
            last_year,
            ..Self::from(b)
        }
    }
}

/// A billing period against the same period a year earlier.
pub struct LastYear(comparison::YearOnYear);

#[Object]
impl LastYear {
    /// `YYYY-MM` of the earlier period.
    async fn billing_month(&self) -> &str {
        &self.0.billing_month
    }
    async fn usage_cubic_meters(&self) -> i32 {
        self.0.usage_m3
    }
    async fn amount_yen(&self) -> i64 {
        self.0.amount_yen
    }
    /// This period's usage minus last year's (negative: less).
    async fn usage_difference(&self) -> i32 {
        self.0.usage_difference
    }
    async fn amount_difference_yen(&self) -> i64 {
        self.0.amount_difference
    }
    /// The usage difference in percent of last year's; null when last
    /// year's was 0.
    async fn usage_percent(&self) -> Option<i32> {
        self.0.usage_percent
    }
    /// One sentence for the screen (and a screen reader), in the request's
    /// language: 「前年同期より3m³（8%）少なくなっています。」
    async fn summary(&self) -> String {
        comparison::sentence(
            errors::lang(),
            self.0.usage_difference.into(),
            self.0.usage_percent,
        )
    }
}

impl From<bill::Model> for UsagePoint {
    fn from(b: bill::Model) -> Self {
        Self {
            as_of: DateTime(as_of(&b)),
            billing_month: b.billing_month,
            period_start: Date(b.period_start),
            period_end: Date(b.period_end),
            usage_cubic_meters: b.usage_m3,
            amount_yen: b.amount_yen,
            last_year: None,
        }
    }
}

/// A bill's freshness: the import that last wrote it (older rows: when
/// the bill was issued).
fn as_of(bill: &bill::Model) -> chrono::DateTime<chrono::Utc> {
    bill.as_of.unwrap_or(bill.issued_at)
}

/// A page of a location's bills, newest first.
pub async fn bills_connection(
    ctx: &Context<'_>,
    location_id: i64,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<Connection<String, Bill>> {
    let first = page_size(first)?;
    let after = after.as_deref().map(decode_cursor).transpose()?;
    let (rows, has_next) =
        service::bills_page(ctx.db(), location_id, first, after.as_deref()).await?;
    let mut connection = Connection::new(after.is_some(), has_next);
    connection.edges.extend(
        rows.into_iter()
            .map(|b| Edge::new(encode_cursor(&b.billing_month), Bill(b))),
    );
    Ok(connection)
}

#[derive(Default)]
pub struct BillingQuery;

#[Object]
impl BillingQuery {
    /// One of the signed-in member's bills.
    async fn bill(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Bill>> {
        let member = guard::member(ctx).await?;
        let id = parse_id(&id, Missing::Bill)?;
        service::bill_of_member(ctx.db(), id, member.id)
            .await?
            .map(|b| Some(Bill(b)))
            .ok_or(AppError::NotFound(Missing::Bill).into())
    }
}

/// A bill flagged for high usage: a possible leak.
pub struct UsageAlert(pub entity::usage_alert::Model);

#[Object]
impl UsageAlert {
    /// The flagged bill's month, `YYYY-MM`.
    async fn billing_month(&self) -> &str {
        &self.0.billing_month
    }
    async fn usage_cubic_meters(&self) -> i32 {
        self.0.usage_m3
    }
    /// The same period a year earlier.
    async fn last_year_cubic_meters(&self) -> i32 {
        self.0.last_year_m3
    }
    /// The highest of the periods before it the rule looked at.
    async fn typical_high_cubic_meters(&self) -> i32 {
        self.0.typical_high_m3
    }
    /// When the import that flagged it ran.
    async fn flagged_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Why, with the figures, in the request's language.
    async fn reason(&self) -> String {
        let lang = errors::lang();
        let a = &self.0;
        let times = f64::from(a.usage_m3) / f64::from(a.last_year_m3.max(1));
        crate::t!(
            lang,
            "usage-alert-reason",
            month = format::month(lang, &a.billing_month),
            usage = format::volume(lang, a.usage_m3.into()),
            last_year = format::volume(lang, a.last_year_m3.into()),
            typical = format::volume(lang, a.typical_high_m3.into()),
            times = format!("{times:.1}")
        )
    }
    /// What to check, in order: taps, the toilet, the meter's pilot.
    async fn what_to_check(&self) -> Vec<String> {
        crate::import::notify::leak_checks(errors::lang())
    }
}

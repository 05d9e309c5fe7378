//! Charges explained: a bill line by line on the tariff it was billed on,
//! the same bill on another revision, and 料金シミュレーション.

use async_graphql::{Context, Enum, Object, SimpleObject};
use entity::types::UseType as StoredUseType;
use entity::{bill, service_location};

use crate::billing::explain::{self, Simulation, SimulationProblem};
use crate::billing::tariff::{Breakdown, Part, Tariff, TierCharge as Tier};
use crate::domain::Yen;
use crate::graphql::AppContext;
use crate::graphql::errors::{self, UserError};
use crate::graphql::scalars::Date;
use crate::i18n::{Lang, format};
use crate::t;

/// What a service location's water is used for (用途).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum UseType {
    /// 一般用
    Household,
    /// 業務用
    Business,
}

impl From<StoredUseType> for UseType {
    fn from(u: StoredUseType) -> Self {
        match u {
            StoredUseType::Household => Self::Household,
            StoredUseType::Business => Self::Business,
        }
    }
}

impl From<UseType> for StoredUseType {
    fn from(u: UseType) -> Self {
        match u {
            UseType::Household => Self::Household,
            UseType::Business => Self::Business,
        }
    }
}

fn use_type_name(lang: Lang, use_type: StoredUseType) -> String {
    match use_type {
        StoredUseType::Household => t!(lang, "use-household"),
        StoredUseType::Business => t!(lang, "use-business"),
    }
}

/// A period's charges line by line, and what they were computed from.
pub struct ChargeBreakdown {
    pub breakdown: Breakdown,
    /// The bill less the tariff's amount (zero but for adjusted bills and
    /// simulations).
    pub adjustment: Yen,
}

#[Object]
impl ChargeBreakdown {
    /// The first day of the tariff revision applied.
    async fn tariff_from(&self) -> Date {
        Date(self.breakdown.tariff_from)
    }
    async fn tax_percent(&self) -> i64 {
        self.breakdown.tax_percent
    }
    async fn usage_cubic_meters(&self) -> i32 {
        self.breakdown.usage.0
    }
    /// The months the period covers: base charges and tier widths are
    /// multiplied by them.
    async fn months(&self) -> i32 {
        self.breakdown.months
    }
    async fn meter_diameter_mm(&self) -> i32 {
        self.breakdown.diameter_mm
    }
    async fn use_type(&self) -> UseType {
        self.breakdown.use_type.into()
    }
    /// 水道料金.
    async fn water(&self) -> ServiceCharge<'_> {
        ServiceCharge {
            part: &self.breakdown.water,
            of: &self.breakdown,
            water: true,
        }
    }
    /// 下水道使用料.
    async fn sewer(&self) -> ServiceCharge<'_> {
        ServiceCharge {
            part: &self.breakdown.sewer,
            of: &self.breakdown,
            water: false,
        }
    }
    /// 消費税等相当額, both services.
    async fn tax_yen(&self) -> i64 {
        self.breakdown.tax().0
    }
    /// What the bill differs from the tariff by: an adjustment the billing
    /// system made (a refund, a leak reduction). 0 for a bill on the tariff.
    async fn adjustment_yen(&self) -> i64 {
        self.adjustment.0
    }
    /// Water, sewerage and any adjustment: for a bill, its `amountYen`.
    async fn total_yen(&self) -> i64 {
        (self.breakdown.amount() + self.adjustment).0
    }
    /// What the figures were computed on, in one sentence (request's
    /// language).
    async fn summary(&self) -> String {
        let lang = errors::lang();
        let b = &self.breakdown;
        t!(
            lang,
            "breakdown-summary",
            from = format::date(lang, b.tariff_from),
            diameter = b.diameter_mm,
            use_type = use_type_name(lang, b.use_type),
            usage = format::period_volume(lang, b.usage.0.into(), b.months.unsigned_abs()),
            total = format::yen(lang, (b.amount() + self.adjustment).0)
        )
    }
    /// Why the bill differs from the tariff, when it does.
    async fn adjustment_note(&self) -> Option<String> {
        let lang = errors::lang();
        (self.adjustment != Yen(0)).then(|| {
            t!(
                lang,
                "breakdown-adjustment",
                amount = format::yen(lang, self.adjustment.0)
            )
        })
    }
}

/// One service's part of a period's charges.
pub struct ServiceCharge<'a> {
    part: &'a Part,
    of: &'a Breakdown,
    water: bool,
}

#[Object]
impl ServiceCharge<'_> {
    /// 基本料金 a month, before tax.
    async fn base_monthly_yen(&self) -> i64 {
        self.part.base_monthly.0
    }
    /// 基本料金 for the period, before tax.
    async fn base_charge_yen(&self) -> i64 {
        self.part.base.0
    }
    /// What the base charge is for: the meter diameter sets water's.
    async fn base_label(&self) -> String {
        let lang = errors::lang();
        let monthly = format::yen(lang, self.part.base_monthly.0);
        if self.water {
            t!(
                lang,
                "breakdown-water-base",
                diameter = self.of.diameter_mm,
                monthly = monthly,
                months = self.of.months
            )
        } else {
            t!(
                lang,
                "breakdown-sewer-base",
                monthly = monthly,
                months = self.of.months
            )
        }
    }
    /// Every tier of the table, in order; tiers the usage did not reach
    /// have volume 0.
    async fn tiers(&self) -> Vec<TierCharge> {
        self.part.tiers.iter().cloned().map(TierCharge).collect()
    }
    /// Which table the tiers are: the use type's own, or the common one.
    async fn table_label(&self) -> String {
        let lang = errors::lang();
        if self.part.own_use_table {
            t!(
                lang,
                "breakdown-own-table",
                use_type = use_type_name(lang, self.of.use_type)
            )
        } else {
            t!(lang, "breakdown-common-table")
        }
    }
    /// 従量料金: the tiers' amounts together, before tax.
    async fn usage_charge_yen(&self) -> i64 {
        self.part.usage_charge().0
    }
    /// Tax on this service, rounded down.
    async fn tax_yen(&self) -> i64 {
        self.part.tax.0
    }
    /// Base, usage and tax.
    async fn total_yen(&self) -> i64 {
        self.part.total().0
    }
}

/// What one usage tier charged in the period.
pub struct TierCharge(Tier);

#[Object]
impl TierCharge {
    /// The tier starts above this many m³ in the period (the monthly
    /// bounds times the months).
    async fn from_cubic_meters(&self) -> i32 {
        self.0.from.0
    }
    /// It ends at this many m³; null for the last tier.
    async fn to_cubic_meters(&self) -> Option<i32> {
        self.0.to.map(|c| c.0)
    }
    /// Yen per m³, before tax.
    async fn unit_price_yen(&self) -> i64 {
        self.0.yen_per_m3.0
    }
    /// The usage that fell in the tier.
    async fn volume_cubic_meters(&self) -> i32 {
        self.0.volume.0
    }
    async fn amount_yen(&self) -> i64 {
        self.0.amount.0
    }
    /// 「21〜40m³ 1m³あたり77円」
    async fn label(&self) -> String {
        let lang = errors::lang();
        let price = format::yen(lang, self.0.yen_per_m3.0);
        match self.0.to {
            Some(to) => t!(
                lang,
                "breakdown-tier",
                from = self.0.from.0 + 1,
                to = to.0,
                price = price
            ),
            None => t!(
                lang,
                "breakdown-tier-open",
                from = self.0.from.0 + 1,
                price = price
            ),
        }
    }
}

/// A bill on another revision of the tariff.
pub struct Rebilled {
    pub bill: bill::Model,
    pub breakdown: Breakdown,
}

#[Object]
impl Rebilled {
    async fn breakdown(&self) -> ChargeBreakdown {
        ChargeBreakdown {
            breakdown: self.breakdown.clone(),
            adjustment: Yen(0),
        }
    }
    /// This tariff's amount less what the bill came to.
    async fn difference_yen(&self) -> i64 {
        self.breakdown.amount().0 - self.bill.amount_yen
    }
    /// 「この請求を2027年4月1日からの料金で計算すると10,800円で、504円高くなります。」
    async fn summary(&self) -> String {
        let lang = errors::lang();
        let difference = self.breakdown.amount().0 - self.bill.amount_yen;
        let (from, amount) = (
            format::date(lang, self.breakdown.tariff_from),
            format::yen(lang, self.breakdown.amount().0),
        );
        let change = format::yen(lang, difference.abs());
        match difference.signum() {
            1 => t!(
                lang,
                "rebilled-higher",
                from = from,
                amount = amount,
                change = change
            ),
            -1 => t!(
                lang,
                "rebilled-lower",
                from = from,
                amount = amount,
                change = change
            ),
            _ => t!(lang, "rebilled-same", from = from, amount = amount),
        }
    }
}

/// A bill explained on the tariff it was billed on.
pub fn explained(
    ctx: &Context<'_>,
    location: &service_location::Model,
    bill: &bill::Model,
    read_on: chrono::NaiveDate,
) -> Option<ChargeBreakdown> {
    explain::explain(&ctx.config().city.tariff, location, bill, read_on).map(|e| ChargeBreakdown {
        breakdown: e.breakdown,
        adjustment: e.adjustment,
    })
}

/// One revision of the tariff.
pub struct TariffRevision {
    pub tariff: Tariff,
    pub today: chrono::NaiveDate,
    pub current: bool,
}

#[Object]
impl TariffRevision {
    /// Applies to meters read on or after this day.
    async fn from(&self) -> Date {
        Date(self.tariff.from)
    }
    async fn tax_percent(&self) -> i64 {
        self.tariff.tax_percent
    }
    /// The revision today's readings are billed on.
    async fn current(&self) -> bool {
        self.current
    }
    /// Announced, not in force yet.
    async fn upcoming(&self) -> bool {
        self.tariff.from > self.today
    }
    /// A household's (13–25 mm meter) base charges a month, tax included.
    async fn household_base_monthly_yen(&self) -> i64 {
        let (water, sewer) = crate::billing::tariff::household_base_monthly(&self.tariff);
        (water + sewer).0
    }
}

/// What `simulateCharge` answers.
#[derive(SimpleObject)]
pub struct SimulateChargePayload {
    pub breakdown: Option<ChargeBreakdown>,
    pub user_errors: Vec<UserError>,
}

/// The `userErrors` of a refused simulation.
pub fn simulation_errors(problems: Vec<SimulationProblem>) -> Vec<UserError> {
    let lang = errors::lang();
    problems
        .into_iter()
        .map(|p| match p {
            SimulationProblem::Usage => UserError::new(
                Some("usageCubicMeters"),
                "INVALID_USAGE",
                t!(
                    lang,
                    "user-simulation-usage",
                    max = format::grouped(i64::from(explain::MAX_USAGE))
                ),
            ),
            SimulationProblem::Months => UserError::new(
                Some("months"),
                "INVALID_MONTHS",
                t!(lang, "user-simulation-months"),
            ),
            SimulationProblem::Diameter => UserError::new(
                Some("meterDiameterMm"),
                "INVALID_METER_DIAMETER",
                t!(
                    lang,
                    "user-simulation-diameter",
                    sizes = explain::METER_DIAMETERS
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            SimulationProblem::NoTariff { first } => UserError::new(
                Some("on"),
                "NO_TARIFF",
                t!(
                    lang,
                    "user-simulation-no-tariff",
                    first = format::date(lang, first)
                ),
            ),
        })
        .collect()
}

#[derive(Default)]
pub struct ChargesQuery;

#[Object]
impl ChargesQuery {
    /// Every revision of the tariff, oldest first, with the one in force
    /// today and any announced one.
    async fn tariff_revisions(&self, ctx: &Context<'_>) -> Vec<TariffRevision> {
        let today = crate::clock::today();
        let book = &ctx.config().city.tariff;
        let current = book.in_force(today).map(|t| t.from);
        book.revisions()
            .iter()
            .map(|t| TariffRevision {
                tariff: t.clone(),
                today,
                current: Some(t.from) == current,
            })
            .collect()
    }

    /// 料金シミュレーション: the charges for a period's usage on a meter, on
    /// the tariff in force `on` that day (today by default; an announced
    /// revision's day shows the new charges). Needs no session.
    async fn simulate_charge(
        &self,
        ctx: &Context<'_>,
        usage_cubic_meters: i64,
        #[graphql(default = 2)] months: i64,
        #[graphql(default = 20)] meter_diameter_mm: i64,
        #[graphql(default_with = "UseType::Household")] use_type: UseType,
        on: Option<Date>,
    ) -> SimulateChargePayload {
        let book = &ctx.config().city.tariff;
        let on = on.map_or_else(crate::clock::today, |d| d.0);
        match Simulation::parse(
            usage_cubic_meters,
            months,
            meter_diameter_mm,
            use_type.into(),
            on,
            book,
        ) {
            Ok(simulation) => SimulateChargePayload {
                breakdown: simulation.run(book).map(|breakdown| ChargeBreakdown {
                    breakdown,
                    adjustment: Yen(0),
                }),
                user_errors: vec![],
            },
            Err(problems) => SimulateChargePayload {
                breakdown: None,
                user_errors: simulation_errors(problems),
            },
        }
    }
}

//! The water and sewerage tariff, as data with effective dates: the city
//! profile (`[[tariff]]` in `src/city/kanazawa.toml`) lists each revision
//! with the date from which it applies (to meters read on or after it), the
//! base charges by meter diameter and the usage tiers, modelled on
//! Kanazawa's published figures: a household (13–25 mm meter) pays 1,100
//! yen a month base water charge and 990 yen base sewer charge, tax
//! included, and at 20 m³ a month about 2,497 yen water and 2,651 yen sewer.
//!
//! Charges are computed per billing period (two months): base charges and
//! tier widths are multiplied by the months, tax is added per service and
//! rounded down, as Japanese utilities bill it. A use type (業務用) may have
//! tier tables of its own; without them it pays the common tables.

use chrono::NaiveDate;
use entity::types::UseType;
use serde::Deserialize;

use crate::domain::{CubicMeters, Yen};
use crate::i18n::Lang;
use crate::t;

/// A base charge a month before tax, for meters up to `up_to_mm` (the last
/// has no bound).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaseCharge {
    pub up_to_mm: Option<i32>,
    pub yen: i64,
}

/// A usage tier: yen per m³ before tax, up to `up_to_m3` a month (the
/// last has no bound).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub up_to_m3: Option<i32>,
    pub yen_per_m3: i64,
}

/// Tier tables of one use type, where they differ from the common ones.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UseTables {
    pub water_tiers: Option<Vec<Tier>>,
    pub sewer_tiers: Option<Vec<Tier>>,
}

/// One revision of the tariff.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// Applies to meters read on or after this day.
    pub from: NaiveDate,
    /// Consumption tax, percent.
    pub tax_percent: i64,
    /// Water base charge by meter diameter, smallest first.
    pub water_base: Vec<BaseCharge>,
    pub water_tiers: Vec<Tier>,
    /// Sewer base charge a month before tax; it does not depend on the meter.
    pub sewer_base_yen: i64,
    pub sewer_tiers: Vec<Tier>,
    /// 業務用's own tiers, if it has any.
    #[serde(default)]
    pub business: UseTables,
}

/// Every revision, oldest first.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct TariffBook(Vec<Tariff>);

impl TariffBook {
    /// Refuses a book a bill could not be computed from.
    pub fn check(&self) -> Result<(), String> {
        if self.0.is_empty() {
            return Err("tariff: at least one revision is needed".into());
        }
        for (i, tariff) in self.0.iter().enumerate() {
            if i > 0 && self.0[i - 1].from >= tariff.from {
                return Err(format!(
                    "tariff {}: revisions must be listed oldest first",
                    tariff.from
                ));
            }
            tariff
                .check()
                .map_err(|e| format!("tariff {}: {e}", tariff.from))?;
        }
        Ok(())
    }

    /// The revision in force for a meter read on `read_on`, if any was.
    pub fn in_force(&self, read_on: NaiveDate) -> Option<&Tariff> {
        self.0.iter().rev().find(|t| t.from <= read_on)
    }

    /// The first revision that applies after `today`, if one is announced.
    pub fn next_after(&self, today: NaiveDate) -> Option<&Tariff> {
        self.0.iter().find(|t| t.from > today)
    }

    pub fn revisions(&self) -> &[Tariff] {
        &self.0
    }
}

impl Tariff {
    /// Refuses a table a bill could not be computed from: bounds must rise
    /// and only the last entry may be unbounded.
    pub fn check(&self) -> Result<(), String> {
        fn rising(bounds: Vec<Option<i32>>, what: &str) -> Result<(), String> {
            let last = bounds
                .len()
                .checked_sub(1)
                .ok_or(format!("{what} is empty"))?;
            for (i, bound) in bounds.iter().enumerate() {
                match (bound, i == last) {
                    (None, true) => {}
                    (None, false) => {
                        return Err(format!("{what}: only the last entry may be unbounded"));
                    }
                    (Some(_), true) => {
                        return Err(format!("{what}: the last entry must be unbounded"));
                    }
                    (Some(b), false) if *b <= 0 => {
                        return Err(format!("{what}: bounds must be positive"));
                    }
                    (Some(b), false) if i > 0 && bounds[i - 1].is_some_and(|p| p >= *b) => {
                        return Err(format!("{what}: bounds must rise"));
                    }
                    (Some(_), false) => {}
                }
            }
            Ok(())
        }
        let tiers = |tiers: &[Tier]| tiers.iter().map(|t| t.up_to_m3).collect();
        if !(0..=100).contains(&self.tax_percent) {
            return Err("tax_percent must be 0 to 100".into());
        }
        rising(
            self.water_base.iter().map(|b| b.up_to_mm).collect(),
            "water_base",
        )?;
        rising(tiers(&self.water_tiers), "water_tiers")?;
        rising(tiers(&self.sewer_tiers), "sewer_tiers")?;
        if let Some(water) = &self.business.water_tiers {
            rising(tiers(water), "business.water_tiers")?;
        }
        if let Some(sewer) = &self.business.sewer_tiers {
            rising(tiers(sewer), "business.sewer_tiers")?;
        }
        Ok(())
    }

    /// Water base charge a month before tax, by meter diameter.
    fn water_base(&self, diameter_mm: i32) -> i64 {
        self.water_base
            .iter()
            .find(|b| b.up_to_mm.is_none_or(|up| diameter_mm <= up))
            .map_or(0, |b| b.yen)
    }

    fn with_tax(&self, yen: i64) -> i64 {
        yen * self.tax_percent / 100
    }

    /// The water tiers a use type pays, and whether they are its own.
    fn water_tiers(&self, use_type: UseType) -> (&[Tier], bool) {
        match (use_type, &self.business.water_tiers) {
            (UseType::Business, Some(own)) => (own, true),
            _ => (&self.water_tiers, false),
        }
    }

    fn sewer_tiers(&self, use_type: UseType) -> (&[Tier], bool) {
        match (use_type, &self.business.sewer_tiers) {
            (UseType::Business, Some(own)) => (own, true),
            _ => (&self.sewer_tiers, false),
        }
    }
}

/// What one usage tier charged in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierCharge {
    /// The tier's range over the period (the monthly widths times the
    /// months): above `from` m³, up to `to` m³ (none: no bound).
    pub from: CubicMeters,
    pub to: Option<CubicMeters>,
    pub yen_per_m3: Yen,
    /// How much of the usage fell in the tier.
    pub volume: CubicMeters,
    pub amount: Yen,
}

/// One service's (water or sewerage) part of a bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The base charge a month before tax.
    pub base_monthly: Yen,
    /// For the period.
    pub base: Yen,
    pub tiers: Vec<TierCharge>,
    /// Whether the tiers are the use type's own table.
    pub own_use_table: bool,
    pub tax: Yen,
}

impl Part {
    pub fn usage_charge(&self) -> Yen {
        self.tiers.iter().map(|t| t.amount).sum()
    }

    /// Tax included.
    pub fn total(&self) -> Yen {
        self.base + self.usage_charge() + self.tax
    }
}

/// A period's charges line by line, and what they were computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breakdown {
    /// The revision applied (its first day).
    pub tariff_from: NaiveDate,
    pub tax_percent: i64,
    pub usage: CubicMeters,
    pub months: i32,
    pub diameter_mm: i32,
    pub use_type: UseType,
    pub water: Part,
    pub sewer: Part,
}

impl Breakdown {
    pub fn tax(&self) -> Yen {
        self.water.tax + self.sewer.tax
    }

    /// What the member pays.
    pub fn amount(&self) -> Yen {
        self.water.total() + self.sewer.total()
    }

    /// The bill's lines, as printed on the slip.
    pub fn charges(&self) -> Charges {
        let line = |kind, amount| LineItem { kind, amount };
        Charges {
            water: self.water.total(),
            sewer: self.sewer.total(),
            tax: self.tax(),
            line_items: vec![
                line(LineKind::WaterBase, self.water.base),
                line(LineKind::WaterUsage, self.water.usage_charge()),
                line(LineKind::WaterTax, self.water.tax),
                line(LineKind::SewerBase, self.sewer.base),
                line(LineKind::SewerUsage, self.sewer.usage_charge()),
                line(LineKind::SewerTax, self.sewer.tax),
            ],
        }
    }
}

fn tier_charges(usage: i32, months: i32, tiers: &[Tier]) -> Vec<TierCharge> {
    let mut out = Vec::with_capacity(tiers.len());
    let mut lower = 0;
    for tier in tiers {
        let upper = tier.up_to_m3.map(|u| u.saturating_mul(months));
        let volume = (usage.min(upper.unwrap_or(i32::MAX)) - lower).max(0);
        out.push(TierCharge {
            from: CubicMeters(lower),
            to: upper.map(CubicMeters),
            yen_per_m3: Yen(tier.yen_per_m3),
            volume: CubicMeters(volume),
            amount: Yen(i64::from(volume) * tier.yen_per_m3),
        });
        match upper {
            Some(upper) => lower = upper,
            None => break,
        }
    }
    out
}

/// The charges for `usage` over `months` months on a meter of
/// `diameter_mm`, for a use type, on one revision.
pub fn breakdown(
    tariff: &Tariff,
    usage: CubicMeters,
    months: i32,
    diameter_mm: i32,
    use_type: UseType,
) -> Breakdown {
    let usage = CubicMeters(usage.0.max(0));
    let part = |base_monthly: i64, (tiers, own): (&[Tier], bool)| {
        let base = base_monthly * i64::from(months);
        let tiers = tier_charges(usage.0, months, tiers);
        let before_tax = base + tiers.iter().map(|t| t.amount.0).sum::<i64>();
        Part {
            base_monthly: Yen(base_monthly),
            base: Yen(base),
            tiers,
            own_use_table: own,
            tax: Yen(tariff.with_tax(before_tax)),
        }
    };
    Breakdown {
        tariff_from: tariff.from,
        tax_percent: tariff.tax_percent,
        usage,
        months,
        diameter_mm,
        use_type,
        water: part(tariff.water_base(diameter_mm), tariff.water_tiers(use_type)),
        sewer: part(tariff.sewer_base_yen, tariff.sewer_tiers(use_type)),
    }
}

/// What a line of a computed bill charges for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    WaterBase,
    WaterUsage,
    WaterTax,
    SewerBase,
    SewerUsage,
    SewerTax,
    /// A feed bill without lines: water, tax included.
    WaterTotal,
    /// A feed bill without lines: sewerage, tax included.
    SewerTotal,
}

impl LineKind {
    pub const ALL: [LineKind; 8] = [
        Self::WaterBase,
        Self::WaterUsage,
        Self::WaterTax,
        Self::SewerBase,
        Self::SewerUsage,
        Self::SewerTax,
        Self::WaterTotal,
        Self::SewerTotal,
    ];

    /// The kind a stored Japanese label names, if it is one of these.
    pub fn from_japanese(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.label(Lang::Ja) == label)
    }

    /// The label printed on the bill (水道料金 基本料金…), from the catalogue.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Self::WaterBase => t!(lang, "line-water-base"),
            Self::WaterUsage => t!(lang, "line-water-usage"),
            Self::WaterTax => t!(lang, "line-water-tax"),
            Self::SewerBase => t!(lang, "line-sewer-base"),
            Self::SewerUsage => t!(lang, "line-sewer-usage"),
            Self::SewerTax => t!(lang, "line-sewer-tax"),
            Self::WaterTotal => t!(lang, "line-water-total"),
            Self::SewerTotal => t!(lang, "line-sewer-total"),
        }
    }
}

/// The lines printed on a bill (料金明細) in `lang`: the billing system's
/// own when its feed gave them, in their order (lines the portal worded
/// are stored in Japanese and shown in `lang`), else the bill's water and
/// sewerage totals, tax included. Those two are not stored: they follow
/// the bill's figures, also after a correction.
pub fn printed_lines(
    water_charge_yen: i64,
    sewer_charge_yen: i64,
    stored: Vec<(String, i64)>,
    lang: Lang,
) -> Vec<(String, i64)> {
    if stored.is_empty() {
        return vec![
            (LineKind::WaterTotal.label(lang), water_charge_yen),
            (LineKind::SewerTotal.label(lang), sewer_charge_yen),
        ];
    }
    stored
        .into_iter()
        .map(
            |(label, amount)| match (lang, LineKind::from_japanese(&label)) {
                (Lang::En, Some(kind)) => (kind.label(Lang::En), amount),
                _ => (label, amount),
            },
        )
        .collect()
}

/// One line of a bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineItem {
    pub kind: LineKind,
    pub amount: Yen,
}

/// The charges of one billing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charges {
    /// Tax included.
    pub water: Yen,
    /// Tax included.
    pub sewer: Yen,
    /// The tax the two contain.
    pub tax: Yen,
    pub line_items: Vec<LineItem>,
}

impl Charges {
    /// What the member pays.
    pub fn amount(&self) -> Yen {
        self.water + self.sewer
    }
}

/// A household's (13–25 mm meter) base charges for one month, tax
/// included: (water, sewer).
pub fn household_base_monthly(tariff: &Tariff) -> (Yen, Yen) {
    let with_tax = |yen: i64| Yen(yen + tariff.with_tax(yen));
    (
        with_tax(tariff.water_base(20)),
        with_tax(tariff.sewer_base_yen),
    )
}

/// Charges for `usage` over `months` months on a meter of `diameter_mm`.
pub fn charges(
    tariff: &Tariff,
    usage: CubicMeters,
    months: i32,
    diameter_mm: i32,
    use_type: UseType,
) -> Charges {
    breakdown(tariff, usage, months, diameter_mm, use_type).charges()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> TariffBook {
        crate::city::City::bundled().tariff
    }

    fn kanazawa() -> Tariff {
        book()
            .in_force(NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"))
            .expect("in force")
            .clone()
    }

    const HOME: UseType = UseType::Household;

    #[test]
    fn a_table_with_falling_or_open_middle_bounds_is_refused() {
        let mut tariff = kanazawa();
        assert!(tariff.check().is_ok());
        tariff.water_tiers[1].up_to_m3 = Some(5);
        assert!(tariff.check().is_err());
        let mut tariff = kanazawa();
        tariff.sewer_tiers[0].up_to_m3 = None;
        assert!(tariff.check().is_err());
    }

    #[test]
    fn a_household_using_20_cubic_meters_a_month_pays_kanazawas_figures() {
        let month = charges(&kanazawa(), CubicMeters(20), 1, 20, HOME);
        assert_eq!(month.water, Yen(2_497));
        assert_eq!(month.sewer, Yen(2_651));
        let base_only = charges(&kanazawa(), CubicMeters(0), 1, 13, HOME);
        assert_eq!(base_only.water, Yen(1_100));
        assert_eq!(base_only.sewer, Yen(990));
    }

    #[test]
    fn a_two_month_bill_doubles_the_base_and_the_tier_widths() {
        let bill = charges(&kanazawa(), CubicMeters(40), 2, 20, HOME);
        assert_eq!(bill.water, Yen(4_994));
        assert_eq!(bill.sewer, Yen(5_302));
        assert_eq!(bill.tax, Yen(936));
        assert_eq!(bill.amount(), Yen(10_296));
        let items: Yen = bill.line_items.iter().map(|i| i.amount).sum();
        assert_eq!(items, bill.amount());
    }

    #[test]
    fn heavy_use_climbs_the_tiers() {
        // 60 m³ a month: 10×50 + 10×77 + 20×136 + 20×180 = 7,590 before tax.
        let month = charges(&kanazawa(), CubicMeters(60), 1, 20, HOME);
        assert_eq!(month.water, Yen((1_000 + 7_590) * 110 / 100));
    }

    #[test]
    fn the_revision_in_force_is_the_latest_that_began_on_or_before_the_reading() {
        let book = book();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let first = book.revisions()[0].from;
        assert!(book.in_force(first - chrono::Duration::days(1)).is_none());
        assert_eq!(book.in_force(first).map(|t| t.from), Some(first));
        assert_eq!(
            book.in_force(day(2019, 9, 30)).map(|t| t.tax_percent),
            Some(8)
        );
        assert_eq!(
            book.in_force(day(2019, 10, 1)).map(|t| t.tax_percent),
            Some(10)
        );
        let next = book
            .next_after(day(2026, 12, 1))
            .expect("a revision is announced");
        assert_eq!(book.in_force(next.from).map(|t| t.from), Some(next.from));
        assert_eq!(
            book.in_force(next.from - chrono::Duration::days(1))
                .map(|t| t.from),
            Some(day(2019, 10, 1))
        );
    }

    #[test]
    fn a_book_out_of_order_is_refused() {
        let mut book = book();
        book.0.swap(0, 1);
        assert!(book.check().is_err());
        assert!(TariffBook(vec![]).check().is_err());
    }

    #[test]
    fn a_breakdown_adds_up_to_its_lines_and_names_each_tier() {
        // 40 m³ over two months on a 20 mm meter, tiers twice as wide:
        // water 0–20 at 50, 20–40 at 77: 1,000 + 1,540 = 2,540; base
        // 2,000; tax 10 % of 4,540 = 454; water 4,994.
        let b = breakdown(&kanazawa(), CubicMeters(40), 2, 20, HOME);
        assert_eq!(b.water.base, Yen(2_000));
        let first_two: Vec<_> = b.water.tiers[..2]
            .iter()
            .map(|t| (t.from.0, t.to.map(|c| c.0), t.volume.0, t.amount.0))
            .collect();
        assert_eq!(
            first_two,
            vec![(0, Some(20), 20, 1_000), (20, Some(40), 20, 1_540)]
        );
        assert!(b.water.tiers[2..].iter().all(|t| t.volume.0 == 0));
        assert_eq!(b.water.tax, Yen(454));
        assert_eq!(b.water.total(), Yen(4_994));
        assert_eq!(b.amount(), Yen(10_296));
        let volume: i32 = b.sewer.tiers.iter().map(|t| t.volume.0).sum();
        assert_eq!(volume, 40);
    }

    #[test]
    fn a_use_type_with_its_own_tables_pays_them() {
        let mut tariff = kanazawa();
        let home = breakdown(&tariff, CubicMeters(100), 2, 25, UseType::Business);
        assert!(!home.water.own_use_table);
        tariff.business.water_tiers = Some(vec![Tier {
            up_to_m3: None,
            yen_per_m3: 300,
        }]);
        let shop = breakdown(&tariff, CubicMeters(100), 2, 25, UseType::Business);
        assert!(shop.water.own_use_table && !shop.sewer.own_use_table);
        assert_eq!(shop.water.usage_charge(), Yen(30_000));
        assert_eq!(shop.sewer, home.sewer);
        let household = breakdown(&tariff, CubicMeters(100), 2, 25, HOME);
        assert_eq!(household.water, home.water);
    }
}

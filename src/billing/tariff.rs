//! A tiered water and sewerage tariff, as data: the city profile
//! (`[tariff]` in `src/city/kanazawa.toml`) holds the base charges by meter
//! diameter and the usage tiers, modelled on Kanazawa's published figures:
//! a household (13–25 mm meter) pays 1,100 yen a month base water charge
//! and 990 yen base sewer charge, tax included, and at 20 m³ a month about
//! 2,497 yen water and 2,651 yen sewer.
//!
//! Charges are computed per billing period (two months): base charges and
//! tier widths are multiplied by the months, tax is added per service and
//! rounded down, as Japanese utilities bill it.

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

/// The tariff in force.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
    /// Consumption tax, percent.
    pub tax_percent: i64,
    /// Water base charge by meter diameter, smallest first.
    pub water_base: Vec<BaseCharge>,
    pub water_tiers: Vec<Tier>,
    /// Sewer base charge a month before tax; it does not depend on the meter.
    pub sewer_base_yen: i64,
    pub sewer_tiers: Vec<Tier>,
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
                    (Some(b), false) if i > 0 && bounds[i - 1].is_some_and(|p| p >= *b) => {
                        return Err(format!("{what}: bounds must rise"));
                    }
                    (Some(_), false) => {}
                }
            }
            Ok(())
        }
        rising(
            self.water_base.iter().map(|b| b.up_to_mm).collect(),
            "tariff.water_base",
        )?;
        rising(
            self.water_tiers.iter().map(|t| t.up_to_m3).collect(),
            "tariff.water_tiers",
        )?;
        rising(
            self.sewer_tiers.iter().map(|t| t.up_to_m3).collect(),
            "tariff.sewer_tiers",
        )
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
}

fn usage_charge(usage: i32, months: i32, tiers: &[Tier]) -> i64 {
    let mut charged = 0;
    let mut lower = 0;
    for tier in tiers {
        let upper = tier.up_to_m3.map_or(i32::MAX, |u| u * months);
        if usage <= lower {
            break;
        }
        let in_tier = usage.min(upper) - lower;
        charged += i64::from(in_tier) * tier.yen_per_m3;
        lower = upper;
    }
    charged
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
pub fn charges(tariff: &Tariff, usage: CubicMeters, months: i32, diameter_mm: i32) -> Charges {
    let usage = usage.0.max(0);
    let water_base = tariff.water_base(diameter_mm) * i64::from(months);
    let water_usage = usage_charge(usage, months, &tariff.water_tiers);
    let water_tax = tariff.with_tax(water_base + water_usage);
    let sewer_base = tariff.sewer_base_yen * i64::from(months);
    let sewer_usage = usage_charge(usage, months, &tariff.sewer_tiers);
    let sewer_tax = tariff.with_tax(sewer_base + sewer_usage);
    Charges {
        water: Yen(water_base + water_usage + water_tax),
        sewer: Yen(sewer_base + sewer_usage + sewer_tax),
        tax: Yen(water_tax + sewer_tax),
        line_items: vec![
            LineItem {
                kind: LineKind::WaterBase,
                amount: Yen(water_base),
            },
            LineItem {
                kind: LineKind::WaterUsage,
                amount: Yen(water_usage),
            },
            LineItem {
                kind: LineKind::WaterTax,
                amount: Yen(water_tax),
            },
            LineItem {
                kind: LineKind::SewerBase,
                amount: Yen(sewer_base),
            },
            LineItem {
                kind: LineKind::SewerUsage,
                amount: Yen(sewer_usage),
            },
            LineItem {
                kind: LineKind::SewerTax,
                amount: Yen(sewer_tax),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kanazawa() -> Tariff {
        crate::city::City::bundled().tariff
    }

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
        let month = charges(&kanazawa(), CubicMeters(20), 1, 20);
        assert_eq!(month.water, Yen(2_497));
        assert_eq!(month.sewer, Yen(2_651));
        let base_only = charges(&kanazawa(), CubicMeters(0), 1, 13);
        assert_eq!(base_only.water, Yen(1_100));
        assert_eq!(base_only.sewer, Yen(990));
    }

    #[test]
    fn a_two_month_bill_doubles_the_base_and_the_tier_widths() {
        let bill = charges(&kanazawa(), CubicMeters(40), 2, 20);
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
        let month = charges(&kanazawa(), CubicMeters(60), 1, 20);
        assert_eq!(month.water, Yen((1_000 + 7_590) * 110 / 100));
    }
}

//! A tiered water and sewerage tariff modelled on Kanazawa's published
//! figures: a household (13–25 mm meter) pays 1,100 yen a month base water
//! charge and 990 yen base sewer charge, tax included, and at 20 m³ a month
//! about 2,497 yen water and 2,651 yen sewer.
//!
//! Charges are computed per billing period (two months): base charges and
//! tier widths are multiplied by the months, tax (10 %) is added per service
//! and rounded down, as Japanese utilities bill it.

use crate::domain::{CubicMeters, Yen};
use crate::i18n::Lang;
use crate::t;

/// Consumption tax, percent.
const TAX_PERCENT: i64 = 10;

/// (upper bound of the tier in m³ a month, yen per m³ before tax); the last
/// tier has no bound.
const WATER_TIERS: &[(Option<i32>, i64)] = &[
    (Some(10), 50),
    (Some(20), 77),
    (Some(40), 136),
    (Some(100), 180),
    (None, 215),
];
const SEWER_TIERS: &[(Option<i32>, i64)] = &[
    (Some(10), 70),
    (Some(20), 81),
    (Some(50), 120),
    (Some(100), 150),
    (None, 170),
];
/// Sewer base charge a month before tax; it does not depend on the meter.
const SEWER_BASE: i64 = 900;

/// Water base charge a month before tax, by meter diameter.
fn water_base(diameter_mm: i32) -> i64 {
    match diameter_mm {
        ..=25 => 1_000,
        26..=40 => 4_800,
        41..=50 => 8_000,
        51..=75 => 18_000,
        _ => 36_000,
    }
}

fn usage_charge(usage: i32, months: i32, tiers: &[(Option<i32>, i64)]) -> i64 {
    let mut charged = 0;
    let mut lower = 0;
    for (upper, rate) in tiers {
        let upper = upper.map_or(i32::MAX, |u| u * months);
        if usage <= lower {
            break;
        }
        let in_tier = usage.min(upper) - lower;
        charged += i64::from(in_tier) * rate;
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
}

impl LineKind {
    pub const ALL: [LineKind; 6] = [
        Self::WaterBase,
        Self::WaterUsage,
        Self::WaterTax,
        Self::SewerBase,
        Self::SewerUsage,
        Self::SewerTax,
    ];

    /// The label printed on the bill (水道料金 基本料金…), from the catalogue.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Self::WaterBase => t!(lang, "line-water-base"),
            Self::WaterUsage => t!(lang, "line-water-usage"),
            Self::WaterTax => t!(lang, "line-water-tax"),
            Self::SewerBase => t!(lang, "line-sewer-base"),
            Self::SewerUsage => t!(lang, "line-sewer-usage"),
            Self::SewerTax => t!(lang, "line-sewer-tax"),
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
pub fn household_base_monthly() -> (Yen, Yen) {
    let with_tax = |yen: i64| Yen(yen + yen * TAX_PERCENT / 100);
    (with_tax(water_base(20)), with_tax(SEWER_BASE))
}

/// Charges for `usage` over `months` months on a meter of `diameter_mm`.
pub fn charges(usage: CubicMeters, months: i32, diameter_mm: i32) -> Charges {
    let usage = usage.0.max(0);
    let water_base = water_base(diameter_mm) * i64::from(months);
    let water_usage = usage_charge(usage, months, WATER_TIERS);
    let water_tax = (water_base + water_usage) * TAX_PERCENT / 100;
    let sewer_base = SEWER_BASE * i64::from(months);
    let sewer_usage = usage_charge(usage, months, SEWER_TIERS);
    let sewer_tax = (sewer_base + sewer_usage) * TAX_PERCENT / 100;
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

    #[test]
    fn a_household_using_20_cubic_meters_a_month_pays_kanazawas_figures() {
        let month = charges(CubicMeters(20), 1, 20);
        assert_eq!(month.water, Yen(2_497));
        assert_eq!(month.sewer, Yen(2_651));
        let base_only = charges(CubicMeters(0), 1, 13);
        assert_eq!(base_only.water, Yen(1_100));
        assert_eq!(base_only.sewer, Yen(990));
    }

    #[test]
    fn a_two_month_bill_doubles_the_base_and_the_tier_widths() {
        let bill = charges(CubicMeters(40), 2, 20);
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
        let month = charges(CubicMeters(60), 1, 20);
        assert_eq!(month.water, Yen((1_000 + 7_590) * 110 / 100));
    }
}

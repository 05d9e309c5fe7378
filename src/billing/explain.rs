//! A bill explained by the tariff it was billed on, and a charge worked
//! out for any usage on any revision (料金シミュレーション).

use chrono::{Duration, NaiveDate};
use entity::types::UseType;
use entity::{bill, service_location};

use super::tariff::{Breakdown, TariffBook, breakdown};
use crate::domain::{CubicMeters, Yen};

/// Meter diameters (mm) the bureau installs.
pub const METER_DIAMETERS: [i32; 12] = [13, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 300];

/// Most a simulated period may use, m³.
pub const MAX_USAGE: i32 = 1_000_000;

/// The months a bill covers, from its period: 61 days are two months.
pub fn period_months(start: NaiveDate, end: NaiveDate) -> i32 {
    let days = (end - start).num_days() + 1;
    ((days + 15) / 30).clamp(1, 12) as i32
}

/// The day a bill's meter was read: its reading's, or the day after its
/// period ends when it came without one.
pub fn read_on(bill: &bill::Model, reading: Option<NaiveDate>) -> NaiveDate {
    reading.unwrap_or(bill.period_end + Duration::days(1))
}

/// A stored bill, line by line on the revision it was billed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    pub breakdown: Breakdown,
    /// The bill's amount less the tariff's: an adjustment the billing
    /// system made (a refund, a leak reduction); zero for a bill on the
    /// tariff.
    pub adjustment: Yen,
}

/// Explains `bill` of `location`, whose meter was read on `read_on`; none
/// when no revision was in force then.
pub fn explain(
    book: &TariffBook,
    location: &service_location::Model,
    bill: &bill::Model,
    read_on: NaiveDate,
) -> Option<Explained> {
    let breakdown = rebill(book, location, bill, read_on)?;
    let adjustment = Yen(bill.amount_yen) - breakdown.amount();
    Some(Explained {
        breakdown,
        adjustment,
    })
}

/// What a simulation was asked for, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Simulation {
    pub usage: CubicMeters,
    pub months: i32,
    pub diameter_mm: i32,
    pub use_type: UseType,
    /// The day the meter would be read: it picks the revision.
    pub on: NaiveDate,
}

/// Why a simulation cannot be worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimulationProblem {
    /// Below zero or above [`MAX_USAGE`].
    Usage,
    /// Not one or two months: the bureau bills monthly or every two months.
    Months,
    /// Not a diameter the bureau installs.
    Diameter,
    /// No revision was in force that day.
    NoTariff { first: NaiveDate },
}

impl Simulation {
    /// Checks every field, naming each problem.
    pub fn parse(
        usage: i64,
        months: i64,
        diameter_mm: i64,
        use_type: UseType,
        on: NaiveDate,
        book: &TariffBook,
    ) -> Result<Self, Vec<SimulationProblem>> {
        let mut problems = vec![];
        if !(0..=i64::from(MAX_USAGE)).contains(&usage) {
            problems.push(SimulationProblem::Usage);
        }
        if !(1..=2).contains(&months) {
            problems.push(SimulationProblem::Months);
        }
        if !METER_DIAMETERS.iter().any(|d| i64::from(*d) == diameter_mm) {
            problems.push(SimulationProblem::Diameter);
        }
        if book.in_force(on).is_none() {
            let first = book.revisions().first().map_or(on, |t| t.from);
            problems.push(SimulationProblem::NoTariff { first });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            usage: CubicMeters(usage as i32),
            months: months as i32,
            diameter_mm: diameter_mm as i32,
            use_type,
            on,
        })
    }

    /// The charges on the revision in force on `on`.
    pub fn run(&self, book: &TariffBook) -> Option<Breakdown> {
        let tariff = book.in_force(self.on)?;
        Some(breakdown(
            tariff,
            self.usage,
            self.months,
            self.diameter_mm,
            self.use_type,
        ))
    }
}

/// A stored bill's usage, period and meter on the revision in force on
/// `on` ("this bill under the new tariff").
pub fn rebill(
    book: &TariffBook,
    location: &service_location::Model,
    bill: &bill::Model,
    on: NaiveDate,
) -> Option<Breakdown> {
    let tariff = book.in_force(on)?;
    Some(breakdown(
        tariff,
        CubicMeters(bill.usage_m3),
        period_months(bill.period_start, bill.period_end),
        location.meter_diameter_mm,
        location.use_type,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn a_period_counts_its_months_by_days() {
        assert_eq!(period_months(day(2024, 8, 8), day(2024, 10, 7)), 2);
        assert_eq!(period_months(day(2024, 12, 1), day(2024, 12, 31)), 1);
        assert_eq!(period_months(day(2024, 12, 5), day(2025, 2, 3)), 2);
    }

    #[test]
    fn nonsense_is_refused_field_by_field() {
        let book = crate::city::City::bundled().tariff;
        let problems = Simulation::parse(-1, 3, 21, UseType::Household, day(2000, 1, 1), &book)
            .expect_err("refused");
        assert_eq!(
            problems,
            vec![
                SimulationProblem::Usage,
                SimulationProblem::Months,
                SimulationProblem::Diameter,
                SimulationProblem::NoTariff {
                    first: day(2014, 4, 1)
                },
            ]
        );
        let fine = Simulation::parse(40, 2, 20, UseType::Household, day(2026, 12, 1), &book)
            .expect("accepted");
        assert_eq!(fine.run(&book).map(|b| b.amount()), Some(Yen(10_296)));
    }
}

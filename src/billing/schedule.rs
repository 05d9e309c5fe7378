//! When things happen next for a service location: the month its meter is
//! read next (Kanazawa reads every two months, each location in odd or
//! even months) and, for 口座振替, the next transfer date.

use chrono::{Datelike, NaiveDate};
use entity::bill;
use entity::types::{PaymentMethod, PaymentStatus};

use crate::domain::BillingMonth;

/// The first month, from `today`'s on, of the location's reading parity
/// (`1`: odd months, `0`: even) that has no bill yet: the reading may fall
/// later this month, or it is two months on.
pub fn next_reading_month(
    parity: i16,
    latest_billed: Option<BillingMonth>,
    today: NaiveDate,
) -> BillingMonth {
    let mut month = today.year() * 12 + today.month0() as i32;
    let billed = latest_billed.map(BillingMonth::index);
    loop {
        let odd = (month.rem_euclid(12) + 1) % 2 == 1;
        let parity_ok = odd == (parity == 1);
        if parity_ok && billed.is_none_or(|b| month > b) {
            return BillingMonth::from_index(month);
        }
        month += 1;
    }
}

/// For a bill paid by 口座振替 and not yet transferred: the day it will be
/// (its due date), if that is still to come. The bill after it is not
/// issued yet, so its date is not known.
pub fn next_transfer_date(latest: Option<&bill::Model>, today: NaiveDate) -> Option<NaiveDate> {
    let bill = latest?;
    (bill.payment_method == Some(PaymentMethod::AccountTransfer)
        && bill.payment_status == PaymentStatus::Unpaid
        && bill.due_date >= today)
        .then_some(bill.due_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn month(text: &str) -> Option<BillingMonth> {
        BillingMonth::parse(text).ok()
    }

    fn bill(method: PaymentMethod, status: PaymentStatus, due: NaiveDate) -> bill::Model {
        bill::Model {
            id: 1,
            service_location_id: 1,
            meter_reading_id: None,
            billing_month: "2026-11".into(),
            period_start: day(2026, 9, 8),
            period_end: day(2026, 11, 7),
            usage_m3: 40,
            water_charge_yen: 4_994,
            sewer_charge_yen: 5_302,
            tax_yen: 936,
            amount_yen: 10_296,
            due_date: due,
            payment_status: status,
            paid_on: None,
            payment_method: Some(method),
            issued_at: chrono::Utc::now(),
            as_of: None,
        }
    }

    #[test]
    fn a_transfer_date_is_told_only_while_the_transfer_is_to_come() {
        let today = day(2026, 12, 2);
        let due = day(2026, 12, 3);
        let open = bill(PaymentMethod::AccountTransfer, PaymentStatus::Unpaid, due);
        assert_eq!(next_transfer_date(Some(&open), today), Some(due));
        assert_eq!(next_transfer_date(Some(&open), day(2026, 12, 4)), None);
        let paid = bill(PaymentMethod::AccountTransfer, PaymentStatus::Paid, due);
        assert_eq!(next_transfer_date(Some(&paid), today), None);
        let slip = bill(PaymentMethod::PaymentSlip, PaymentStatus::Unpaid, due);
        assert_eq!(next_transfer_date(Some(&slip), today), None);
        assert_eq!(next_transfer_date(None, today), None);
    }

    #[test]
    fn the_next_reading_is_this_month_until_it_is_billed_then_two_months_on() {
        // Even-month location on 2 December, last billed for October.
        assert_eq!(
            next_reading_month(0, month("2026-10"), day(2026, 12, 2)).to_string(),
            "2026-12"
        );
        // Once December is billed, February of the next year.
        assert_eq!(
            next_reading_month(0, month("2026-12"), day(2026, 12, 20)).to_string(),
            "2027-02"
        );
        // An odd-month location in December reads next in January.
        assert_eq!(
            next_reading_month(1, month("2026-11"), day(2026, 12, 2)).to_string(),
            "2027-01"
        );
        // With no bill yet: the first month of its parity.
        assert_eq!(
            next_reading_month(1, None, day(2026, 12, 2)).to_string(),
            "2027-01"
        );
    }
}

//! データのダウンロード: every bill and meter reading of a member's service
//! locations for a period, as rows a spreadsheet or another program reads
//! (CSV with a BOM for Japanese Excel, or JSON). The columns are
//! documented in README ("Take the data away").

use entity::{bill, meter_reading, service_location};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::domain::BillingMonth;
use crate::error::AppResult;

/// One billing period of one location, with its reading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub customer_number: String,
    pub address: String,
    pub billing_month: String,
    pub period_start: String,
    pub period_end: String,
    pub read_on: Option<String>,
    pub previous_reading: Option<i32>,
    pub current_reading: Option<i32>,
    pub usage_m3: i32,
    pub water_charge_yen: i64,
    pub sewer_charge_yen: i64,
    pub tax_yen: i64,
    pub amount_yen: i64,
    pub due_date: String,
    pub payment_status: &'static str,
    pub paid_on: Option<String>,
    pub payment_method: Option<&'static str>,
}

/// The columns, in order: the CSV header.
pub const COLUMNS: [&str; 17] = [
    "customer_number",
    "address",
    "billing_month",
    "period_start",
    "period_end",
    "read_on",
    "previous_reading",
    "current_reading",
    "usage_m3",
    "water_charge_yen",
    "sewer_charge_yen",
    "tax_yen",
    "amount_yen",
    "due_date",
    "payment_status",
    "paid_on",
    "payment_method",
];

fn status(s: entity::types::PaymentStatus) -> &'static str {
    use entity::types::PaymentStatus as S;
    match s {
        S::Paid => "paid",
        S::Unpaid => "unpaid",
        S::Overdue => "overdue",
    }
}

fn method(m: entity::types::PaymentMethod) -> &'static str {
    use entity::types::PaymentMethod as M;
    match m {
        M::AccountTransfer => "account_transfer",
        M::PaymentSlip => "payment_slip",
        M::CreditCard => "credit_card",
    }
}

/// The member's rows from `from` to `to` (billing months, both included),
/// by customer number and month: three statements whatever the count.
pub async fn rows(
    db: &impl ConnectionTrait,
    member_id: i64,
    from: Option<BillingMonth>,
    to: Option<BillingMonth>,
) -> AppResult<Vec<Row>> {
    let locations = service_location::Entity::find()
        .filter(service_location::Column::MemberId.eq(member_id))
        .order_by_asc(service_location::Column::CustomerNumber)
        .all(db)
        .await?;
    let mut query = bill::Entity::find()
        .filter(bill::Column::ServiceLocationId.is_in(locations.iter().map(|l| l.id)));
    if let Some(from) = from {
        query = query.filter(bill::Column::BillingMonth.gte(from.to_string()));
    }
    if let Some(to) = to {
        query = query.filter(bill::Column::BillingMonth.lte(to.to_string()));
    }
    let bills = query
        .order_by_asc(bill::Column::BillingMonth)
        .all(db)
        .await?;
    let readings: std::collections::HashMap<i64, meter_reading::Model> =
        meter_reading::Entity::find()
            .filter(
                meter_reading::Column::Id.is_in(bills.iter().filter_map(|b| b.meter_reading_id)),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let mut rows = vec![];
    for location in &locations {
        for b in bills
            .iter()
            .filter(|b| b.service_location_id == location.id)
        {
            let reading = b.meter_reading_id.and_then(|id| readings.get(&id));
            rows.push(Row {
                customer_number: location.customer_number.clone(),
                address: location.address.clone(),
                billing_month: b.billing_month.clone(),
                period_start: b.period_start.to_string(),
                period_end: b.period_end.to_string(),
                read_on: reading.map(|r| r.read_on.to_string()),
                previous_reading: reading.map(|r| r.previous_reading),
                current_reading: reading.map(|r| r.current_reading),
                usage_m3: b.usage_m3,
                water_charge_yen: b.water_charge_yen,
                sewer_charge_yen: b.sewer_charge_yen,
                tax_yen: b.tax_yen,
                amount_yen: b.amount_yen,
                due_date: b.due_date.to_string(),
                payment_status: status(b.payment_status),
                paid_on: b.paid_on.map(|d| d.to_string()),
                payment_method: b.payment_method.map(method),
            });
        }
    }
    Ok(rows)
}

/// UTF-8 CSV with a byte-order mark, so Japanese Excel opens it right.
pub fn to_csv(rows: &[Row]) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::from("\u{FEFF}".as_bytes());
    {
        // The header is written from COLUMNS, also for no rows.
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(&mut out);
        writer.write_record(COLUMNS)?;
        for row in rows {
            writer.serialize(row)?;
        }
        writer.flush()?;
    }
    Ok(out)
}
/// How long a signed export link works.
pub const LINK_VALID_MINUTES: i64 = 10;

/// The period an export covers, as the link carries it (`""`: open).
fn period(from: Option<BillingMonth>, to: Option<BillingMonth>) -> (String, String) {
    (
        from.map(|m| m.to_string()).unwrap_or_default(),
        to.map(|m| m.to_string()).unwrap_or_default(),
    )
}

fn link_message(file: &str, member_id: i64, from: &str, to: &str, expires: i64) -> String {
    format!("export:{file}:member:{member_id}:from:{from}:to:{to}:expires:{expires}")
}

/// `/exports/usage.csv?member=…&from=…&to=…&expires=…&signature=…` (or
/// `usage.json`): works without headers for a few minutes, for exactly
/// that member and period.
pub fn signed_path(
    secrets: &crate::secrets::Secrets,
    file: &str,
    member_id: i64,
    from: Option<BillingMonth>,
    to: Option<BillingMonth>,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let (from, to) = period(from, to);
    let expires = (now + chrono::Duration::minutes(LINK_VALID_MINUTES)).timestamp();
    let signature = secrets.sign_link(&link_message(file, member_id, &from, &to, expires));
    format!(
        "/exports/{file}?member={member_id}&from={from}&to={to}&expires={expires}&signature={signature}"
    )
}

/// The member a signed export link was made for, if it is genuine, not
/// expired, and for this file and period.
#[allow(clippy::too_many_arguments)]
pub fn verify_link(
    secrets: &crate::secrets::Secrets,
    file: &str,
    member: &str,
    from: Option<BillingMonth>,
    to: Option<BillingMonth>,
    expires: &str,
    signature: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<i64> {
    let member_id: i64 = member.parse().ok()?;
    let expires: i64 = expires.parse().ok()?;
    let (from, to) = period(from, to);
    (expires > now.timestamp()
        && secrets.verify_link(
            &link_message(file, member_id, &from, &to, expires),
            signature,
        ))
    .then_some(member_id)
}

//! Writing a checked feed: upserts by the billing system's keys, so the
//! same files twice change nothing, then the notification mails for what
//! is new. Runs inside the caller's transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::types::PaymentStatus;
use entity::{bill, bill_line_item, meter_reading, notice, service_location};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::parse::{self, Feed, RowError};
use super::{Summary, notify};
use crate::billing::alerts::{self, AlertRule};
use crate::billing::tariff::LineKind;
use crate::db::insert_chunked;
use crate::documents::storage::{self, NewDocument, Stored};
use crate::error::AppResult;
use crate::i18n::Lang;

/// Keys per IN (…) list.
const CHUNK: usize = crate::db::INSERT_CHUNK;

/// A problem with one row of the feed.
fn row_error(file: &'static str, line: u64, field: &str, message: String) -> RowError {
    RowError {
        file,
        line,
        field: field.into(),
        message,
    }
}

/// Locations by customer number, for the numbers given.
async fn locations_by_number(
    db: &impl ConnectionTrait,
    numbers: &HashSet<String>,
) -> AppResult<HashMap<String, service_location::Model>> {
    let numbers: Vec<&String> = numbers.iter().collect();
    let mut found = HashMap::new();
    for chunk in numbers.chunks(CHUNK) {
        let rows = service_location::Entity::find()
            .filter(
                service_location::Column::CustomerNumber.is_in(chunk.iter().map(|s| s.as_str())),
            )
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|r| (r.customer_number.clone(), r)));
    }
    Ok(found)
}

/// Bills of the given locations in the given months, by (location, month).
async fn bills_by_key(
    db: &impl ConnectionTrait,
    location_ids: &[i64],
    months: &HashSet<String>,
) -> AppResult<HashMap<(i64, String), bill::Model>> {
    let mut found = HashMap::new();
    if months.is_empty() {
        return Ok(found);
    }
    for chunk in location_ids.chunks(CHUNK) {
        let rows = bill::Entity::find()
            .filter(bill::Column::ServiceLocationId.is_in(chunk.iter().copied()))
            .filter(bill::Column::BillingMonth.is_in(months.iter().map(String::as_str)))
            .all(db)
            .await?;
        found.extend(
            rows.into_iter()
                .map(|b| ((b.service_location_id, b.billing_month.clone()), b)),
        );
    }
    Ok(found)
}

/// Readings of the given locations on the given dates, by (location, date).
async fn readings_by_key(
    db: &impl ConnectionTrait,
    location_ids: &[i64],
    dates: &HashSet<NaiveDate>,
) -> AppResult<HashMap<(i64, NaiveDate), meter_reading::Model>> {
    let mut found = HashMap::new();
    if dates.is_empty() {
        return Ok(found);
    }
    for chunk in location_ids.chunks(CHUNK) {
        let rows = meter_reading::Entity::find()
            .filter(meter_reading::Column::ServiceLocationId.is_in(chunk.iter().copied()))
            .filter(meter_reading::Column::ReadOn.is_in(dates.iter().copied()))
            .all(db)
            .await?;
        found.extend(
            rows.into_iter()
                .map(|r| ((r.service_location_id, r.read_on), r)),
        );
    }
    Ok(found)
}

/// Notices by their feed notice ID, for the IDs given.
async fn notices_by_external_id(
    db: &impl ConnectionTrait,
    ids: &[&str],
) -> AppResult<HashMap<String, notice::Model>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = notice::Entity::find()
            .filter(notice::Column::ExternalId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(
            rows.into_iter()
                .filter_map(|n| Some((n.external_id.clone()?, n))),
        );
    }
    Ok(found)
}

/// Line items of the given bills, by bill, each list in position order.
async fn line_items_by_bill_id(
    db: &impl ConnectionTrait,
    bill_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<bill_line_item::Model>>> {
    let mut found: HashMap<i64, Vec<bill_line_item::Model>> = HashMap::new();
    for chunk in bill_ids.chunks(CHUNK) {
        let rows = bill_line_item::Entity::find()
            .filter(bill_line_item::Column::BillId.is_in(chunk.iter().copied()))
            .order_by_asc(bill_line_item::Column::Position)
            .all(db)
            .await?;
        for row in rows {
            found.entry(row.bill_id).or_default().push(row);
        }
    }
    Ok(found)
}

/// The service locations the feed mentions, once written.
struct Locations {
    by_number: HashMap<String, service_location::Model>,
    ids: Vec<i64>,
}

impl Locations {
    /// Keeps the locations with their ids, for the IN (…) lists.
    fn new(by_number: HashMap<String, service_location::Model>) -> Self {
        let ids = by_number.values().map(|l| l.id).collect();
        Self { by_number, ids }
    }

    /// The id of the location with the given customer number.
    fn id_of(&self, number: &str) -> Option<i64> {
        self.by_number.get(number).map(|l| l.id)
    }
}

/// The bills the feed mentions, once written, and which of them are new.
struct Bills {
    by_key: HashMap<(i64, String), bill::Model>,
    new_ids: HashSet<i64>,
}

impl Bills {
    /// The bill of the given customer number and month.
    fn of(&self, locations: &Locations, number: &str, month: &str) -> Option<&bill::Model> {
        locations
            .id_of(number)
            .and_then(|l| self.by_key.get(&(l, month.to_string())))
    }

    /// The bills by id.
    fn by_id(&self) -> HashMap<i64, &bill::Model> {
        self.by_key.values().map(|b| (b.id, b)).collect()
    }
}

/// A line item as compared: position, label and amount.
type LineItem = (i32, String, i64);

/// Applies the feed; returns what changed, or the rows that refer to
/// something that exists neither in the feed nor in the database.
pub async fn apply(
    db: &impl ConnectionTrait,
    feed: Feed,
    now: DateTime<Utc>,
    rule: &AlertRule,
) -> AppResult<Result<Summary, Vec<RowError>>> {
    let mut summary = Summary::default();
    let numbers = feed.customer_numbers();
    let existing = locations_by_number(db, &numbers).await?;

    // References first: nothing is written if one is missing.
    let errors = check_references(&feed, &existing);
    if !errors.is_empty() {
        return Ok(Err(errors));
    }

    // Service locations.
    let locations =
        write_locations(db, &feed.locations, existing, &numbers, now, &mut summary).await?;

    // Meter readings.
    let readings = write_readings(db, &feed, &locations, &mut summary).await?;

    // Bills.
    let bills = match write_bills(db, &feed, &locations, &readings, now, &mut summary).await? {
        Ok(bills) => bills,
        Err(errors) => return Ok(Err(errors)),
    };
    let by_id = bills.by_id();

    // Line items: the feed's list replaces a bill's list when it differs;
    // a new bill without items gets the two charges as its items.
    let (given, mut errors) = line_items_by_bill(&feed.line_items, &locations, &bills);
    errors.extend(payments_without_bill(&feed.payments, &locations, &bills));
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    write_line_items(db, &given, &bills.new_ids, &by_id, &mut summary).await?;

    // Payments.
    apply_payments(db, &feed.payments, &locations, &bills, now, &mut summary).await?;

    // Bills past their due date and still unpaid become overdue.
    summary.marked_overdue = mark_overdue(db).await?;

    // High usage: the feed's bills the rule flags, each once.
    let feed_bills: Vec<&bill::Model> = bills.by_key.values().collect();
    let flagged = alerts::flag(db, rule, &feed_bills, now).await?;
    summary.usage_alerts = flagged.len();

    // Notices, by the feed's notice ID.
    let new_notice_ids = write_notices(db, &feed.notices, &locations, &mut summary).await?;

    // Documents.
    store_documents(db, feed.documents, &locations, &mut summary).await?;

    // Mails for what is new, to members who asked for them.
    let new_bills: Vec<&bill::Model> = bills
        .new_ids
        .iter()
        .filter_map(|id| by_id.get(id).copied())
        .collect();
    summary.mails_queued += notify::bills_issued(db, &new_bills, &locations.by_number).await?;
    let notices: Vec<notice::Model> = notice::Entity::find()
        .filter(notice::Column::ExternalId.is_in(new_notice_ids))
        .all(db)
        .await?;
    summary.mails_queued += notify::notices_published(db, &notices).await?;
    summary.mails_queued += notify::high_usage(db, &flagged, &locations.by_number).await?;
    Ok(Ok(summary))
}

/// Every row that names a customer number neither the feed nor the
/// database has, and every location whose portal customer number differs
/// from the one already issued.
fn check_references(
    feed: &Feed,
    locations: &HashMap<String, service_location::Model>,
) -> Vec<RowError> {
    let mut errors = vec![];
    let in_feed: HashSet<&str> = feed
        .locations
        .iter()
        .map(|l| l.customer_number.as_str())
        .collect();
    let known = |n: &str| in_feed.contains(n) || locations.contains_key(n);
    let mut check = |file: &'static str, line: u64, number: &str| {
        if !known(number) {
            errors.push(row_error(
                file,
                line,
                "customer_number",
                format!("no service location {number}"),
            ));
        }
    };
    for r in &feed.readings {
        check(parse::READINGS, r.line, &r.customer_number);
    }
    for r in &feed.bills {
        check(parse::BILLS, r.line, &r.customer_number);
    }
    for r in &feed.line_items {
        check(parse::LINE_ITEMS, r.line, &r.customer_number);
    }
    for r in &feed.payments {
        check(parse::PAYMENTS, r.line, &r.customer_number);
    }
    for r in &feed.notices {
        if let Some(n) = &r.customer_number {
            check(parse::NOTICES, r.line, n);
        }
    }
    for r in &feed.documents {
        check(parse::DOCUMENTS, r.line, &r.customer_number);
    }
    // A portal customer number may not move to another contract.
    for row in &feed.locations {
        if let Some(existing) = locations.get(&row.customer_number)
            && existing.portal_customer_number != row.portal_customer_number
        {
            errors.push(row_error(
                parse::LOCATIONS,
                row.line,
                "portal_customer_number",
                "differs from the one already issued for this customer number".into(),
            ));
        }
    }
    errors
}

/// Inserts the feed's new service locations and updates the changed ones;
/// returns every location the feed mentions, the new ones included.
async fn write_locations(
    db: &impl ConnectionTrait,
    rows: &[parse::LocationRow],
    mut locations: HashMap<String, service_location::Model>,
    numbers: &HashSet<String>,
    now: DateTime<Utc>,
    summary: &mut Summary,
) -> AppResult<Locations> {
    let mut new_locations = vec![];
    for row in rows {
        match locations.get(&row.customer_number) {
            Some(old)
                if old.holder_name == row.holder_name
                    && old.address == row.address
                    && old.meter_diameter_mm == row.meter_diameter_mm
                    && old.use_type == row.use_type
                    && old.reading_month_parity == row.reading_month_parity => {}
            Some(old) => {
                update_location(db, old.id, row, now).await?;
                summary.locations_updated += 1;
            }
            None => new_locations.push(service_location::ActiveModel {
                customer_number: Set(row.customer_number.clone()),
                portal_customer_number: Set(row.portal_customer_number.clone()),
                holder_name: Set(row.holder_name.clone()),
                address: Set(row.address.clone()),
                search_text: Set(Some(crate::domain::location_search_text(
                    &row.holder_name,
                    &row.address,
                ))),
                meter_diameter_mm: Set(row.meter_diameter_mm),
                use_type: Set(row.use_type),
                reading_month_parity: Set(row.reading_month_parity),
                member_id: Set(None),
                linked_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }),
        }
    }
    if !new_locations.is_empty() {
        summary.locations_inserted = new_locations.len();
        insert_chunked(db, new_locations).await?;
        locations = locations_by_number(db, numbers).await?;
    }
    Ok(Locations::new(locations))
}

/// Overwrites a service location with the feed's row.
async fn update_location(
    db: &impl ConnectionTrait,
    id: i64,
    row: &parse::LocationRow,
    now: DateTime<Utc>,
) -> AppResult<()> {
    service_location::Entity::update_many()
        .col_expr(
            service_location::Column::HolderName,
            Expr::value(row.holder_name.clone()),
        )
        .col_expr(
            service_location::Column::Address,
            Expr::value(row.address.clone()),
        )
        .col_expr(
            service_location::Column::SearchText,
            Expr::value(crate::domain::location_search_text(
                &row.holder_name,
                &row.address,
            )),
        )
        .col_expr(
            service_location::Column::MeterDiameterMm,
            Expr::value(row.meter_diameter_mm),
        )
        .col_expr(service_location::Column::UseType, Expr::value(row.use_type))
        .col_expr(
            service_location::Column::ReadingMonthParity,
            Expr::value(row.reading_month_parity),
        )
        .col_expr(service_location::Column::UpdatedAt, Expr::value(now))
        .filter(service_location::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts the feed's new meter readings and updates the changed ones;
/// returns the readings on every date the feed's readings and bills name.
async fn write_readings(
    db: &impl ConnectionTrait,
    feed: &Feed,
    locations: &Locations,
    summary: &mut Summary,
) -> AppResult<HashMap<(i64, NaiveDate), meter_reading::Model>> {
    let dates: HashSet<NaiveDate> = feed
        .readings
        .iter()
        .map(|r| r.read_on)
        .chain(feed.bills.iter().map(|b| b.read_on))
        .collect();
    let mut readings = readings_by_key(db, &locations.ids, &dates).await?;
    let mut new_readings = vec![];
    for row in &feed.readings {
        let Some(location_id) = locations.id_of(&row.customer_number) else {
            continue;
        };
        let usage = row.current_reading - row.previous_reading;
        match readings.get(&(location_id, row.read_on)) {
            Some(old)
                if old.previous_reading == row.previous_reading
                    && old.current_reading == row.current_reading => {}
            Some(old) => {
                meter_reading::Entity::update_many()
                    .col_expr(
                        meter_reading::Column::PreviousReading,
                        Expr::value(row.previous_reading),
                    )
                    .col_expr(
                        meter_reading::Column::CurrentReading,
                        Expr::value(row.current_reading),
                    )
                    .col_expr(meter_reading::Column::UsageM3, Expr::value(usage))
                    .filter(meter_reading::Column::Id.eq(old.id))
                    .exec(db)
                    .await?;
                summary.readings_updated += 1;
            }
            None => new_readings.push(meter_reading::ActiveModel {
                service_location_id: Set(location_id),
                read_on: Set(row.read_on),
                previous_reading: Set(row.previous_reading),
                current_reading: Set(row.current_reading),
                usage_m3: Set(usage),
                ..Default::default()
            }),
        }
    }
    if !new_readings.is_empty() {
        summary.readings_inserted = new_readings.len();
        insert_chunked(db, new_readings).await?;
        readings = readings_by_key(db, &locations.ids, &dates).await?;
    }
    Ok(readings)
}

/// Inserts the feed's new bills and updates the changed ones; returns the
/// bills of every month the feed's bills, items and payments name, or the
/// bills whose meter reading exists nowhere.
async fn write_bills(
    db: &impl ConnectionTrait,
    feed: &Feed,
    locations: &Locations,
    readings: &HashMap<(i64, NaiveDate), meter_reading::Model>,
    now: DateTime<Utc>,
    summary: &mut Summary,
) -> AppResult<Result<Bills, Vec<RowError>>> {
    let months: HashSet<String> = feed
        .bills
        .iter()
        .map(|b| b.billing_month.clone())
        .chain(feed.payments.iter().map(|p| p.billing_month.clone()))
        .chain(feed.line_items.iter().map(|i| i.billing_month.clone()))
        .collect();
    let mut bills = bills_by_key(db, &locations.ids, &months).await?;
    let mut new_bills = vec![];
    let mut bill_errors = vec![];
    for row in &feed.bills {
        let Some(location_id) = locations.id_of(&row.customer_number) else {
            continue;
        };
        let Some(reading) = readings.get(&(location_id, row.read_on)) else {
            bill_errors.push(row_error(
                parse::BILLS,
                row.line,
                "read_on",
                format!("no meter reading on {}", row.read_on),
            ));
            continue;
        };
        match bills.get(&(location_id, row.billing_month.clone())) {
            Some(old) if same_bill(old, row, reading.id) => {}
            Some(old) => {
                update_bill(db, old.id, row, reading.id, now).await?;
                summary.bills_updated += 1;
            }
            None => new_bills.push(new_bill(row, location_id, reading.id, now)),
        }
    }
    if !bill_errors.is_empty() {
        return Ok(Err(bill_errors));
    }
    let inserted_bill_keys: Vec<(i64, String)> = new_bills
        .iter()
        .filter_map(|b| match (&b.service_location_id, &b.billing_month) {
            (Set(l), Set(m)) => Some((*l, m.clone())),
            _ => None,
        })
        .collect();
    if !new_bills.is_empty() {
        summary.bills_inserted = new_bills.len();
        insert_chunked(db, new_bills).await?;
    }
    // Read back what was written: the alert pass and the line items judge
    // the bills as they now are, corrected ones included.
    if summary.bills_inserted > 0 || summary.bills_updated > 0 {
        bills = bills_by_key(db, &locations.ids, &months).await?;
    }
    let new_ids: HashSet<i64> = inserted_bill_keys
        .iter()
        .filter_map(|k| bills.get(k).map(|b| b.id))
        .collect();
    Ok(Ok(Bills {
        by_key: bills,
        new_ids,
    }))
}

/// Whether a stored bill already says what the feed's row says.
fn same_bill(b: &bill::Model, row: &parse::BillRow, reading_id: i64) -> bool {
    b.period_start == row.period_start
        && b.period_end == row.period_end
        && b.meter_reading_id == Some(reading_id)
        && b.usage_m3 == row.usage_m3
        && b.water_charge_yen == row.water_charge_yen
        && b.sewer_charge_yen == row.sewer_charge_yen
        && b.tax_yen == row.tax_yen
        && b.amount_yen == row.amount_yen
        && b.due_date == row.due_date
}

/// Overwrites a bill's figures with the feed's row.
async fn update_bill(
    db: &impl ConnectionTrait,
    id: i64,
    row: &parse::BillRow,
    reading_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    bill::Entity::update_many()
        .col_expr(bill::Column::AsOf, Expr::value(Some(now)))
        .col_expr(bill::Column::PeriodStart, Expr::value(row.period_start))
        .col_expr(bill::Column::PeriodEnd, Expr::value(row.period_end))
        .col_expr(bill::Column::MeterReadingId, Expr::value(Some(reading_id)))
        .col_expr(bill::Column::UsageM3, Expr::value(row.usage_m3))
        .col_expr(
            bill::Column::WaterChargeYen,
            Expr::value(row.water_charge_yen),
        )
        .col_expr(
            bill::Column::SewerChargeYen,
            Expr::value(row.sewer_charge_yen),
        )
        .col_expr(bill::Column::TaxYen, Expr::value(row.tax_yen))
        .col_expr(bill::Column::AmountYen, Expr::value(row.amount_yen))
        .col_expr(bill::Column::DueDate, Expr::value(row.due_date))
        .filter(bill::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A new, unpaid bill from the feed's row.
fn new_bill(
    row: &parse::BillRow,
    location_id: i64,
    reading_id: i64,
    now: DateTime<Utc>,
) -> bill::ActiveModel {
    bill::ActiveModel {
        service_location_id: Set(location_id),
        meter_reading_id: Set(Some(reading_id)),
        billing_month: Set(row.billing_month.clone()),
        period_start: Set(row.period_start),
        period_end: Set(row.period_end),
        usage_m3: Set(row.usage_m3),
        water_charge_yen: Set(row.water_charge_yen),
        sewer_charge_yen: Set(row.sewer_charge_yen),
        tax_yen: Set(row.tax_yen),
        amount_yen: Set(row.amount_yen),
        due_date: Set(row.due_date),
        payment_status: Set(PaymentStatus::Unpaid),
        paid_on: Set(None),
        payment_method: Set(Some(row.payment_method)),
        issued_at: Set(now),
        as_of: Set(Some(now)),
        ..Default::default()
    }
}

/// The feed's line items by bill id, and the items whose bill exists
/// nowhere.
fn line_items_by_bill<'a>(
    items: &'a [parse::LineItemRow],
    locations: &Locations,
    bills: &Bills,
) -> (HashMap<i64, Vec<&'a parse::LineItemRow>>, Vec<RowError>) {
    let mut given: HashMap<i64, Vec<&parse::LineItemRow>> = HashMap::new();
    let mut item_errors = vec![];
    for item in items {
        let Some(location_id) = locations.id_of(&item.customer_number) else {
            continue;
        };
        match bills.by_key.get(&(location_id, item.billing_month.clone())) {
            Some(b) => given.entry(b.id).or_default().push(item),
            None => item_errors.push(row_error(
                parse::LINE_ITEMS,
                item.line,
                "billing_month",
                format!("no bill for {}", item.billing_month),
            )),
        }
    }
    (given, item_errors)
}

/// The payments whose bill exists nowhere.
fn payments_without_bill(
    payments: &[parse::PaymentRow],
    locations: &Locations,
    bills: &Bills,
) -> Vec<RowError> {
    let mut payment_errors = vec![];
    for p in payments {
        let found = bills.of(locations, &p.customer_number, &p.billing_month);
        if found.is_none() {
            payment_errors.push(row_error(
                parse::PAYMENTS,
                p.line,
                "billing_month",
                format!("no bill for {}", p.billing_month),
            ));
        }
    }
    payment_errors
}

/// Rewrites every line-item list that differs from the one wanted: the
/// given bills' and the new bills'.
async fn write_line_items(
    db: &impl ConnectionTrait,
    given: &HashMap<i64, Vec<&parse::LineItemRow>>,
    new_bill_ids: &HashSet<i64>,
    by_id: &HashMap<i64, &bill::Model>,
    summary: &mut Summary,
) -> AppResult<()> {
    let bill_ids: Vec<i64> = given
        .keys()
        .copied()
        .chain(new_bill_ids.iter().copied())
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    let existing_items = line_items_by_bill_id(db, &bill_ids).await?;
    let mut new_items = vec![];
    let mut replaced: Vec<i64> = vec![];
    for bill_id in bill_ids {
        let Some(wanted) = wanted_line_items(bill_id, given, by_id, &existing_items) else {
            continue;
        };
        let current: Vec<LineItem> = existing_items
            .get(&bill_id)
            .map(|items| {
                items
                    .iter()
                    .map(|i| (i.position, i.label.clone(), i.amount_yen))
                    .collect()
            })
            .unwrap_or_default();
        if current == wanted {
            continue;
        }
        if !current.is_empty() {
            replaced.push(bill_id);
        }
        summary.line_item_lists_written += 1;
        new_items.extend(wanted.into_iter().map(|(position, label, amount)| {
            bill_line_item::ActiveModel {
                bill_id: Set(bill_id),
                position: Set(position),
                label: Set(label),
                amount_yen: Set(amount),
                ..Default::default()
            }
        }));
    }
    for chunk in replaced.chunks(CHUNK) {
        bill_line_item::Entity::delete_many()
            .filter(bill_line_item::Column::BillId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    insert_chunked(db, new_items).await?;
    Ok(())
}

/// The list a bill should have: the feed's, sorted, or for a bill without
/// any items the two charges; None when nothing is asked of it.
fn wanted_line_items(
    bill_id: i64,
    given: &HashMap<i64, Vec<&parse::LineItemRow>>,
    by_id: &HashMap<i64, &bill::Model>,
    existing_items: &HashMap<i64, Vec<bill_line_item::Model>>,
) -> Option<Vec<LineItem>> {
    match given.get(&bill_id) {
        Some(items) => {
            let mut list: Vec<LineItem> = items
                .iter()
                .map(|i| (i.position, i.label.clone(), i.amount_yen))
                .collect();
            list.sort();
            Some(list)
        }
        None => match by_id.get(&bill_id) {
            Some(b) if !existing_items.contains_key(&bill_id) => Some(vec![
                (1, LineKind::WaterTotal.label(Lang::Ja), b.water_charge_yen),
                (2, LineKind::SewerTotal.label(Lang::Ja), b.sewer_charge_yen),
            ]),
            _ => None,
        },
    }
}

/// Marks the paid bills paid, unless they already say so.
async fn apply_payments(
    db: &impl ConnectionTrait,
    payments: &[parse::PaymentRow],
    locations: &Locations,
    bills: &Bills,
    now: DateTime<Utc>,
    summary: &mut Summary,
) -> AppResult<()> {
    for p in payments {
        let Some(b) = bills.of(locations, &p.customer_number, &p.billing_month) else {
            continue;
        };
        if b.payment_status == PaymentStatus::Paid
            && b.paid_on == Some(p.paid_on)
            && b.payment_method == Some(p.payment_method)
        {
            continue;
        }
        bill::Entity::update_many()
            .col_expr(
                bill::Column::PaymentStatus,
                Expr::value(PaymentStatus::Paid),
            )
            .col_expr(bill::Column::PaidOn, Expr::value(Some(p.paid_on)))
            .col_expr(bill::Column::AsOf, Expr::value(Some(now)))
            .col_expr(
                bill::Column::PaymentMethod,
                Expr::value(Some(p.payment_method)),
            )
            .filter(bill::Column::Id.eq(b.id))
            .exec(db)
            .await?;
        summary.payments_applied += 1;
    }
    Ok(())
}

/// Marks every unpaid bill due before today (in Tokyo) overdue; returns
/// how many.
async fn mark_overdue(db: &impl ConnectionTrait) -> AppResult<usize> {
    let today = crate::clock::today();
    let overdue = bill::Entity::update_many()
        .col_expr(
            bill::Column::PaymentStatus,
            Expr::value(PaymentStatus::Overdue),
        )
        .filter(bill::Column::PaymentStatus.eq(PaymentStatus::Unpaid))
        .filter(bill::Column::DueDate.lt(today))
        .exec(db)
        .await?;
    Ok(overdue.rows_affected as usize)
}

/// Inserts the feed's new notices and updates the changed ones; returns
/// the notice IDs inserted.
async fn write_notices(
    db: &impl ConnectionTrait,
    rows: &[parse::NoticeRow],
    locations: &Locations,
    summary: &mut Summary,
) -> AppResult<Vec<String>> {
    let ids: Vec<&str> = rows.iter().map(|n| n.notice_id.as_str()).collect();
    let existing_notices = notices_by_external_id(db, &ids).await?;
    let mut new_notices = vec![];
    for row in rows {
        let addressee = match &row.customer_number {
            Some(number) => match locations.by_number.get(number).and_then(|l| l.member_id) {
                Some(member_id) => Some(member_id),
                // Addressed to a location no member holds: nobody to show it to.
                None => continue,
            },
            None => None,
        };
        match existing_notices.get(&row.notice_id) {
            Some(old)
                if old.title == row.title
                    && old.body == row.body
                    && old.published_at == row.published_at
                    && old.member_id == addressee => {}
            Some(old) => {
                notice::Entity::update_many()
                    .col_expr(notice::Column::Title, Expr::value(row.title.clone()))
                    .col_expr(notice::Column::Body, Expr::value(row.body.clone()))
                    .col_expr(notice::Column::PublishedAt, Expr::value(row.published_at))
                    .col_expr(notice::Column::MemberId, Expr::value(addressee))
                    .filter(notice::Column::Id.eq(old.id))
                    .exec(db)
                    .await?;
                summary.notices_updated += 1;
            }
            None => new_notices.push(notice::ActiveModel {
                external_id: Set(Some(row.notice_id.clone())),
                member_id: Set(addressee),
                title: Set(row.title.clone()),
                body: Set(row.body.clone()),
                published_at: Set(row.published_at),
                ..Default::default()
            }),
        }
    }
    let new_notice_ids: Vec<String> = new_notices
        .iter()
        .filter_map(|n| match &n.external_id {
            Set(Some(id)) => Some(id.clone()),
            _ => None,
        })
        .collect();
    summary.notices_inserted = new_notices.len();
    insert_chunked(db, new_notices).await?;
    Ok(new_notice_ids)
}

/// Stores the feed's documents, each under its location.
async fn store_documents(
    db: &impl ConnectionTrait,
    rows: Vec<parse::DocumentRow>,
    locations: &Locations,
    summary: &mut Summary,
) -> AppResult<()> {
    for row in rows {
        let Some(location_id) = locations.id_of(&row.customer_number) else {
            continue;
        };
        let stored = storage::put(
            db,
            NewDocument {
                external_id: Some(row.document_id),
                service_location_id: location_id,
                kind: row.kind,
                title: row.title,
                issued_on: row.issued_on,
                content: row.content,
            },
        )
        .await?;
        match stored {
            Stored::Inserted => summary.documents_inserted += 1,
            Stored::Updated => summary.documents_updated += 1,
            Stored::Unchanged => {}
        }
    }
    Ok(())
}

//! Writing a staged feed: set-based checks and upserts by the billing
//! system's keys, so the same files twice change nothing, then the usage
//! alerts and the notification mails for what is new, a chunk at a time.
//! Runs inside the caller's transaction.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use entity::types::{DocumentKind, PaymentStatus};
use entity::{bill, notice, service_location};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set, Value,
};

use super::bulk;
use super::files::Fingerprints;
use super::parse::{self, NoticeRow, Problems, RowError};
use super::stage::{self, exec, statement};
use super::{Imported, Summary, notify};
use crate::billing::alerts::{self, AlertRule};
use crate::db::insert_chunked;
use crate::documents::storage::{self, NewDocument, Stored};
use crate::error::{AppError, AppResult};

/// Rows per chunk when the import walks what it wrote.
const CHUNK: u64 = crate::db::INSERT_CHUNK as u64;

/// A problem the checks found: its line and, where the message needs
/// them, the values it names.
#[derive(FromQueryResult)]
struct Found {
    line: i64,
    a: Option<String>,
    b: Option<String>,
    n: Option<i64>,
    m: Option<i64>,
}

/// Runs a check; each row it returns becomes a problem.
async fn check(
    db: &impl ConnectionTrait,
    problems: &mut Problems,
    file: &'static str,
    field: &str,
    sql: &str,
    message: impl Fn(&Found) -> String,
) -> AppResult<()> {
    let sql = format!("{sql} ORDER BY line LIMIT {}", Problems::LIMIT);
    let found = Found::find_by_statement(statement(db.get_database_backend(), &sql, vec![]))
        .all(db)
        .await?;
    problems.extend(found.iter().map(|f| RowError {
        file,
        line: f.line as u64,
        field: field.into(),
        message: message(f),
    }));
    Ok(())
}

/// Every row whose key an earlier row of the same file has.
async fn check_duplicates(db: &impl ConnectionTrait, problems: &mut Problems) -> AppResult<()> {
    let keys: [(&'static str, &str, &str, &str); 8] = [
        (
            parse::LOCATIONS,
            "customer_number",
            "import_locations",
            "customer_number",
        ),
        (
            parse::LOCATIONS,
            "portal_customer_number",
            "import_locations",
            "portal_customer_number",
        ),
        (
            parse::READINGS,
            "read_on",
            "import_readings",
            "customer_number, read_on",
        ),
        (
            parse::BILLS,
            "billing_month",
            "import_bills",
            "customer_number, billing_month",
        ),
        (
            parse::LINE_ITEMS,
            "position",
            "import_line_items",
            "customer_number, billing_month, position",
        ),
        (
            parse::PAYMENTS,
            "billing_month",
            "import_payments",
            "customer_number, billing_month",
        ),
        (parse::NOTICES, "notice_id", "import_notices", "notice_id"),
        (
            parse::DOCUMENTS,
            "document_id",
            "import_documents",
            "document_id",
        ),
    ];
    for (file, field, table, key) in keys {
        let sql = format!(
            "SELECT line, NULL AS a, NULL AS b, NULL AS n, NULL AS m FROM \
             (SELECT line, ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY line) AS k FROM {table}) d \
             WHERE k > 1"
        );
        check(db, problems, file, field, &sql, |_| {
            "appears twice in the file".into()
        })
        .await?;
    }
    Ok(())
}

/// Line items given in the feed must add up to their bill, the feed's or
/// else the one stored; a bill the feed changes without giving its lines
/// must still add up to the lines stored for it (a bill with no lines
/// stored shows its totals, worked out when read).
async fn check_line_item_sums(db: &impl ConnectionTrait, problems: &mut Problems) -> AppResult<()> {
    let message = |f: &Found| {
        format!(
            "items of {} {} add up to {}, the bill says {}",
            f.a.as_deref().unwrap_or_default(),
            f.b.as_deref().unwrap_or_default(),
            f.n.unwrap_or_default(),
            f.m.unwrap_or_default()
        )
    };
    let given = "SELECT MAX(i.line) AS line, i.customer_number AS a, i.billing_month AS b, \
                 CAST(SUM(i.amount_yen) AS BIGINT) AS n, MAX(COALESCE(b.amount_yen, sb.amount_yen)) AS m \
                 FROM import_line_items i LEFT JOIN import_bills b \
                 ON b.customer_number = i.customer_number AND b.billing_month = i.billing_month \
                 LEFT JOIN service_locations l ON l.customer_number = i.customer_number \
                 LEFT JOIN bills sb ON sb.service_location_id = l.id AND sb.billing_month = i.billing_month \
                 GROUP BY i.customer_number, i.billing_month \
                 HAVING SUM(i.amount_yen) <> MAX(COALESCE(b.amount_yen, sb.amount_yen))";
    check(
        db,
        problems,
        parse::LINE_ITEMS,
        "amount_yen",
        given,
        message,
    )
    .await?;
    let stored = "SELECT s.line, s.customer_number AS a, s.billing_month AS b, \
                  CAST(SUM(i.amount_yen) AS BIGINT) AS n, MAX(s.amount_yen) AS m \
                  FROM import_bills s JOIN service_locations l ON l.customer_number = s.customer_number \
                  JOIN bills sb ON sb.service_location_id = l.id AND sb.billing_month = s.billing_month \
                  JOIN bill_line_items i ON i.bill_id = sb.id \
                  WHERE sb.amount_yen <> s.amount_yen AND NOT EXISTS (SELECT 1 FROM import_line_items x \
                  WHERE x.customer_number = s.customer_number AND x.billing_month = s.billing_month) \
                  GROUP BY s.line, s.customer_number, s.billing_month \
                  HAVING SUM(i.amount_yen) <> MAX(s.amount_yen)";
    check(db, problems, parse::BILLS, "amount_yen", stored, message).await
}

/// Every row that names a customer number neither the feed nor the
/// database has, and every location whose portal customer number differs
/// from the one already issued or belongs to another contract.
async fn check_references(db: &impl ConnectionTrait, problems: &mut Problems) -> AppResult<()> {
    let files = [
        (parse::READINGS, "import_readings"),
        (parse::BILLS, "import_bills"),
        (parse::LINE_ITEMS, "import_line_items"),
        (parse::PAYMENTS, "import_payments"),
        (parse::NOTICES, "import_notices"),
        (parse::DOCUMENTS, "import_documents"),
    ];
    for (file, table) in files {
        let sql = format!(
            "SELECT s.line, s.customer_number AS a, NULL AS b, NULL AS n, NULL AS m FROM {table} s \
             WHERE s.customer_number IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM import_locations l WHERE l.customer_number = s.customer_number) \
             AND NOT EXISTS (SELECT 1 FROM service_locations l WHERE l.customer_number = s.customer_number)"
        );
        check(db, problems, file, "customer_number", &sql, |f| {
            format!("no service location {}", f.a.as_deref().unwrap_or_default())
        })
        .await?;
    }
    // A portal customer number may not move to another contract.
    check(
        db,
        problems,
        parse::LOCATIONS,
        "portal_customer_number",
        "SELECT s.line, NULL AS a, NULL AS b, NULL AS n, NULL AS m FROM import_locations s \
         JOIN service_locations l ON l.customer_number = s.customer_number \
         WHERE l.portal_customer_number <> s.portal_customer_number",
        |_| "differs from the one already issued for this customer number".into(),
    )
    .await?;
    check(
        db,
        problems,
        parse::LOCATIONS,
        "portal_customer_number",
        "SELECT s.line, l.customer_number AS a, NULL AS b, NULL AS n, NULL AS m FROM import_locations s \
         JOIN service_locations l ON l.portal_customer_number = s.portal_customer_number \
         WHERE l.customer_number <> s.customer_number",
        |f| {
            format!(
                "already issued for customer number {}",
                f.a.as_deref().unwrap_or_default()
            )
        },
    )
    .await
}

/// Applies the feed in `dir`; returns what changed, or every problem found
/// in it (the caller then rolls the transaction back).
pub async fn apply(
    db: &impl ConnectionTrait,
    dir: &Path,
    now: DateTime<Utc>,
    rule: &AlertRule,
) -> AppResult<Result<Imported, Vec<RowError>>> {
    let mut problems = Problems::default();
    let files = Fingerprints::read(db, dir).await?;
    stage::create(db).await?;
    let notices = stage::feed(db, dir, &files, &mut problems).await?;
    stage::index(db).await?;

    // The feed on its own: every row parsed, no key twice, sums agree.
    check_duplicates(db, &mut problems).await?;
    check_line_item_sums(db, &mut problems).await?;
    if !problems.is_empty() {
        return Ok(Err(problems.into_sorted()));
    }
    // The feed against the database, before anything is written.
    check_references(db, &mut problems).await?;
    if !problems.is_empty() {
        return Ok(Err(problems.into_sorted()));
    }

    let mut summary = Summary::default();
    let keys = bulk::begin(db).await?;
    let first_load = keys.any();
    write_locations(db, now, &mut summary).await?;
    write_readings(db, &mut summary).await?;
    write_bills(db, now, &mut problems, &mut summary).await?;
    bulk::end(db, keys).await?;
    if !problems.is_empty() {
        return Ok(Err(problems.into_sorted()));
    }
    resolve_bills(db, &mut problems).await?;
    if !problems.is_empty() {
        return Ok(Err(problems.into_sorted()));
    }
    write_line_items(db, &mut summary).await?;
    summary.payments_applied += apply_payments(db, now).await? as usize;

    // Stored bills past their due date and still unpaid become overdue.
    summary.marked_overdue += mark_overdue(db).await?;

    // High usage, then the mails for new bills.
    flag_and_mail(db, rule, now, &mut summary).await?;
    summary.mails_queued += mail_new_bills(db).await?;

    // Notices, by the feed's notice ID; documents.
    let new_notice_ids = write_notices(db, &notices, &mut summary).await?;
    store_documents(db, dir, &mut summary).await?;
    let notices: Vec<notice::Model> = notice::Entity::find()
        .filter(notice::Column::ExternalId.is_in(new_notice_ids))
        .all(db)
        .await?;
    summary.mails_queued += notify::notices_published(db, &notices).await?;

    let changed = files.changed_since(dir);
    if !changed.is_empty() {
        return Ok(Err(changed));
    }
    files.record(db, now).await?;
    stage::drop(db).await?;
    Ok(Ok(Imported {
        summary,
        unchanged_files: files.skipped(),
        first_load,
    }))
}

/// Inserts the feed's new service locations and updates the changed ones.
async fn write_locations(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    summary: &mut Summary,
) -> AppResult<()> {
    summary.locations_updated = exec(
        db,
        "UPDATE service_locations SET holder_name = s.holder_name, address = s.address, \
         search_text = s.search_text, meter_diameter_mm = s.meter_diameter_mm, \
         use_type = s.use_type, reading_month_parity = s.reading_month_parity, updated_at = $1 \
         FROM import_locations s WHERE s.customer_number = service_locations.customer_number \
         AND (service_locations.holder_name <> s.holder_name OR service_locations.address <> s.address \
         OR service_locations.meter_diameter_mm <> s.meter_diameter_mm \
         OR service_locations.use_type <> s.use_type \
         OR service_locations.reading_month_parity <> s.reading_month_parity)",
        vec![now.into()],
    )
    .await? as usize;
    summary.locations_inserted = exec(
        db,
        "INSERT INTO service_locations (customer_number, portal_customer_number, holder_name, \
         address, search_text, meter_diameter_mm, use_type, reading_month_parity, created_at, updated_at) \
         SELECT s.customer_number, s.portal_customer_number, s.holder_name, s.address, s.search_text, \
         s.meter_diameter_mm, s.use_type, s.reading_month_parity, $1, $1 FROM import_locations s \
         WHERE NOT EXISTS (SELECT 1 FROM service_locations l WHERE l.customer_number = s.customer_number) \
         ORDER BY s.line",
        vec![now.into()],
    )
    .await? as usize;
    if summary.locations_inserted > 0 {
        stage::analyze(db, &["service_locations"]).await?;
    }
    exec(
        db,
        "UPDATE import_readings SET location_id = (SELECT l.id FROM service_locations l \
         WHERE l.customer_number = import_readings.customer_number)",
        vec![],
    )
    .await?;
    Ok(())
}

/// Inserts the feed's new meter readings and updates the changed ones.
async fn write_readings(db: &impl ConnectionTrait, summary: &mut Summary) -> AppResult<()> {
    summary.readings_updated = exec(
        db,
        "UPDATE meter_readings SET previous_reading = s.previous_reading, \
         current_reading = s.current_reading, usage_m3 = s.current_reading - s.previous_reading \
         FROM import_readings s WHERE meter_readings.service_location_id = s.location_id \
         AND meter_readings.read_on = s.read_on \
         AND (meter_readings.previous_reading <> s.previous_reading \
         OR meter_readings.current_reading <> s.current_reading)",
        vec![],
    )
    .await? as usize;
    summary.readings_inserted = exec(
        db,
        "INSERT INTO meter_readings (service_location_id, read_on, previous_reading, current_reading, usage_m3) \
         SELECT s.location_id, s.read_on, s.previous_reading, s.current_reading, \
         s.current_reading - s.previous_reading FROM import_readings s \
         WHERE NOT EXISTS (SELECT 1 FROM meter_readings r \
         WHERE r.service_location_id = s.location_id AND r.read_on = s.read_on) ORDER BY s.line",
        vec![],
    )
    .await? as usize;
    if summary.readings_inserted > 0 {
        stage::analyze(db, &["meter_readings"]).await?;
    }
    Ok(())
}

/// Inserts the feed's new bills and updates the changed ones, or reports
/// the bills whose meter reading exists nowhere.
async fn write_bills(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    problems: &mut Problems,
    summary: &mut Summary,
) -> AppResult<()> {
    let today = crate::clock::today();
    // Each bill's location, reading and stored bill, in one pass.
    exec(
        db,
        "UPDATE import_bills SET \
         location_id = (SELECT l.id FROM service_locations l \
         WHERE l.customer_number = import_bills.customer_number), \
         reading_id = (SELECT r.id FROM meter_readings r JOIN service_locations l \
         ON l.id = r.service_location_id WHERE l.customer_number = import_bills.customer_number \
         AND r.read_on = import_bills.read_on), \
         bill_id = (SELECT b.id FROM bills b JOIN service_locations l \
         ON l.id = b.service_location_id WHERE l.customer_number = import_bills.customer_number \
         AND b.billing_month = import_bills.billing_month)",
        vec![],
    )
    .await?;
    #[derive(FromQueryResult)]
    struct Missing {
        line: i64,
        read_on: NaiveDate,
    }
    let missing = Missing::find_by_statement(statement(
        db.get_database_backend(),
        &format!(
            "SELECT line, read_on FROM import_bills WHERE reading_id IS NULL ORDER BY line LIMIT {}",
            Problems::LIMIT
        ),
        vec![],
    ))
    .all(db)
    .await?;
    problems.extend(missing.into_iter().map(|m| RowError {
        file: parse::BILLS,
        line: m.line as u64,
        field: "read_on".into(),
        message: format!("no meter reading on {}", m.read_on),
    }));
    if !problems.is_empty() {
        return Ok(());
    }
    // Only the rows that change are rewritten: a feed imported again
    // touches none.
    exec(
        db,
        "UPDATE import_bills SET changed = 1 WHERE bill_id IS NULL OR EXISTS (SELECT 1 FROM bills b \
         WHERE b.id = import_bills.bill_id AND (b.period_start <> import_bills.period_start \
         OR b.period_end <> import_bills.period_end OR b.meter_reading_id IS NULL \
         OR b.meter_reading_id <> import_bills.reading_id OR b.usage_m3 <> import_bills.usage_m3 \
         OR b.water_charge_yen <> import_bills.water_charge_yen \
         OR b.sewer_charge_yen <> import_bills.sewer_charge_yen OR b.tax_yen <> import_bills.tax_yen \
         OR b.amount_yen <> import_bills.amount_yen OR b.due_date <> import_bills.due_date))",
        vec![],
    )
    .await?;
    summary.bills_updated = exec(
        db,
        "UPDATE bills SET as_of = $1, period_start = s.period_start, period_end = s.period_end, \
         meter_reading_id = s.reading_id, usage_m3 = s.usage_m3, water_charge_yen = s.water_charge_yen, \
         sewer_charge_yen = s.sewer_charge_yen, tax_yen = s.tax_yen, amount_yen = s.amount_yen, \
         due_date = s.due_date FROM import_bills s WHERE bills.id = s.bill_id AND s.changed = 1",
        vec![now.into()],
    )
    .await? as usize;
    // New bills are written as they stand today: paid when the feed
    // brings their payment, overdue when already past due, so no pass
    // rewrites them afterwards.
    summary.bills_inserted = exec(
        db,
        "INSERT INTO bills (service_location_id, meter_reading_id, billing_month, period_start, \
         period_end, usage_m3, water_charge_yen, sewer_charge_yen, tax_yen, amount_yen, due_date, \
         payment_status, paid_on, payment_method, issued_at, as_of) \
         SELECT s.location_id, s.reading_id, s.billing_month, s.period_start, s.period_end, s.usage_m3, \
         s.water_charge_yen, s.sewer_charge_yen, s.tax_yen, s.amount_yen, s.due_date, \
         CASE WHEN p.line IS NOT NULL THEN $1 WHEN s.due_date < $2 THEN $3 ELSE $4 END, \
         p.paid_on, CASE WHEN p.line IS NOT NULL THEN p.payment_method ELSE s.payment_method END, \
         $5, $5 FROM import_bills s LEFT JOIN import_payments p \
         ON p.customer_number = s.customer_number AND p.billing_month = s.billing_month \
         WHERE s.bill_id IS NULL ORDER BY s.line",
        vec![
            PaymentStatus::Paid.to_value().into(),
            today.into(),
            PaymentStatus::Overdue.to_value().into(),
            PaymentStatus::Unpaid.to_value().into(),
            now.into(),
        ],
    )
    .await? as usize;
    if summary.bills_inserted > 0 {
        stage::analyze(db, &["bills"]).await?;
    }
    // In one pass: the new bills' ids, and which bills the alert rule
    // judges again (every staged bill of a location with a changed bill).
    exec(
        db,
        "UPDATE import_bills SET \
         is_new = CASE WHEN bill_id IS NULL THEN 1 ELSE is_new END, \
         bill_id = COALESCE(bill_id, (SELECT b.id FROM bills b \
         WHERE b.service_location_id = import_bills.location_id \
         AND b.billing_month = import_bills.billing_month)), \
         judge = 1 \
         WHERE bill_id IS NULL OR location_id IN (SELECT location_id FROM import_bills WHERE changed = 1)",
        vec![],
    )
    .await?;
    stage::index_bill_ids(db).await?;
    // What the new bills were written as, for the summary.
    #[derive(FromQueryResult)]
    struct Written {
        paid: i64,
        overdue: i64,
    }
    let written = Written::find_by_statement(statement(
        db.get_database_backend(),
        "SELECT CAST(COALESCE(SUM(CASE WHEN b.payment_status = $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS paid, \
         CAST(COALESCE(SUM(CASE WHEN b.payment_status = $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue \
         FROM import_bills s JOIN bills b ON b.id = s.bill_id WHERE s.is_new = 1",
        vec![
            PaymentStatus::Paid.to_value().into(),
            PaymentStatus::Overdue.to_value().into(),
        ],
    ))
    .one(db)
    .await?;
    if let Some(written) = written {
        summary.payments_applied += written.paid as usize;
        summary.marked_overdue += written.overdue as usize;
    }
    Ok(())
}

/// Finds the bill of every line item and payment, or reports the ones
/// whose bill exists nowhere.
async fn resolve_bills(db: &impl ConnectionTrait, problems: &mut Problems) -> AppResult<()> {
    for (file, table) in [
        (parse::LINE_ITEMS, "import_line_items"),
        (parse::PAYMENTS, "import_payments"),
    ] {
        exec(
            db,
            &format!(
                "UPDATE {table} SET bill_id = (SELECT b.id FROM bills b \
                 JOIN service_locations l ON l.id = b.service_location_id \
                 WHERE l.customer_number = {table}.customer_number \
                 AND b.billing_month = {table}.billing_month)"
            ),
            vec![],
        )
        .await?;
        check(
            db,
            problems,
            file,
            "billing_month",
            &format!(
                "SELECT line, billing_month AS a, NULL AS b, NULL AS n, NULL AS m FROM {table} \
                 WHERE bill_id IS NULL"
            ),
            |f| format!("no bill for {}", f.a.as_deref().unwrap_or_default()),
        )
        .await?;
    }
    stage::analyze(
        db,
        &["import_line_items", "import_payments", "import_bills"],
    )
    .await
}

/// Rewrites every line-item list the feed gives that differs from the one
/// stored.
async fn write_line_items(db: &impl ConnectionTrait, summary: &mut Summary) -> AppResult<()> {
    let same_item = "i.bill_id = s.bill_id AND i.position = s.position \
                     AND i.label = s.label AND i.amount_yen = s.amount_yen";
    let changed = exec(
        db,
        &format!(
            "INSERT INTO import_lists (bill_id) \
             SELECT DISTINCT s.bill_id FROM import_line_items s \
             WHERE NOT EXISTS (SELECT 1 FROM bill_line_items i WHERE {same_item}) \
             UNION SELECT DISTINCT i.bill_id FROM (SELECT DISTINCT bill_id FROM import_line_items) g \
             JOIN bill_line_items i ON i.bill_id = g.bill_id \
             WHERE NOT EXISTS (SELECT 1 FROM import_line_items s WHERE {same_item})"
        ),
        vec![],
    )
    .await?;
    if changed > 0 {
        exec(
            db,
            "DELETE FROM bill_line_items WHERE bill_id IN (SELECT bill_id FROM import_lists)",
            vec![],
        )
        .await?;
        exec(
            db,
            "INSERT INTO bill_line_items (bill_id, position, label, amount_yen) \
             SELECT s.bill_id, s.position, s.label, s.amount_yen FROM import_line_items s \
             WHERE s.bill_id IN (SELECT bill_id FROM import_lists) ORDER BY s.line",
            vec![],
        )
        .await?;
    }
    // A bill without lines shows its water and sewerage totals, worked
    // out when read (billing::tariff::printed_lines): nothing is stored.
    summary.line_item_lists_written = changed as usize;
    Ok(())
}

/// Marks the paid bills paid, unless they already say so; returns how many.
async fn apply_payments(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<u64> {
    exec(
        db,
        "UPDATE bills SET payment_status = $1, paid_on = s.paid_on, as_of = $2, \
         payment_method = s.payment_method FROM import_payments s WHERE bills.id = s.bill_id \
         AND (bills.payment_status <> $1 OR bills.paid_on IS NULL OR bills.paid_on <> s.paid_on \
         OR bills.payment_method IS NULL OR bills.payment_method <> s.payment_method)",
        vec![PaymentStatus::Paid.to_value().into(), now.into()],
    )
    .await
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

/// The next chunk of the feed's staged bills that meet `condition`, in id
/// order after `after`, in one statement: the ids by the staging table's
/// index, the bills by primary key (each chunk costs its own size).
async fn bill_chunk(
    db: &impl ConnectionTrait,
    condition: &str,
    after: i64,
) -> AppResult<Vec<bill::Model>> {
    Ok(bill::Entity::find()
        .from_raw_sql(statement(
            db.get_database_backend(),
            &format!(
                "SELECT b.* FROM bills b JOIN (SELECT bill_id FROM import_bills \
                 WHERE {condition} AND bill_id > $1 ORDER BY bill_id LIMIT {CHUNK}) s \
                 ON s.bill_id = b.id ORDER BY b.id"
            ),
            vec![after.into()],
        ))
        .all(db)
        .await?)
}

/// Sets a staged bill flag by `sql`, then gives the planner the new
/// figures: the chunk walks over the flag are planned on them (planned
/// with the flag still empty, each chunk was a scan of the whole table).
async fn set_flag(db: &impl ConnectionTrait, sql: &str) -> AppResult<()> {
    exec(db, sql, vec![]).await?;
    stage::analyze(db, &["import_bills"]).await
}

/// The locations of the given bills, by id.
async fn locations_of(
    db: &impl ConnectionTrait,
    bills: impl Iterator<Item = i64>,
) -> AppResult<HashMap<i64, service_location::Model>> {
    Ok(service_location::Entity::find()
        .filter(service_location::Column::Id.is_in(bills.collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect())
}

/// Judges the feed's bills at every location whose bills the feed changed
/// (a bill is judged on its own usage and its location's history), and
/// mails the members who asked about a flag on their latest bill.
async fn flag_and_mail(
    db: &impl ConnectionTrait,
    rule: &AlertRule,
    now: DateTime<Utc>,
    summary: &mut Summary,
) -> AppResult<()> {
    // The bills to judge were flagged with the new bills' ids
    // (`write_bills`), and the table analysed since. A location with
    // fewer bills than the rule needs to flag one is not walked: a first
    // load of a couple of months has none to walk.
    exec(
        db,
        "INSERT INTO import_judged (location_id) SELECT b.service_location_id FROM bills b \
         WHERE b.service_location_id IN (SELECT location_id FROM import_bills WHERE judge = 1) \
         GROUP BY b.service_location_id HAVING COUNT(*) >= $1",
        vec![(rule.bills_needed() as i64).into()],
    )
    .await?;
    stage::analyze(db, &["import_judged"]).await?;
    let mut after = 0;
    loop {
        let chunk = bill_chunk(
            db,
            "judge = 1 AND location_id IN (SELECT location_id FROM import_judged)",
            after,
        )
        .await?;
        let Some(last) = chunk.last() else {
            return Ok(());
        };
        after = last.id;
        let refs: Vec<&bill::Model> = chunk.iter().collect();
        let flagged = alerts::flag(db, rule, &refs, now).await?;
        summary.usage_alerts += flagged.len();
        if flagged.iter().any(|f| f.latest) {
            let locations =
                locations_of(db, flagged.iter().map(|f| f.alert.service_location_id)).await?;
            summary.mails_queued += notify::high_usage(db, &flagged, &locations).await?;
        }
    }
}

/// Mails each new bill to its location's member, if they asked; returns
/// how many were queued.
async fn mail_new_bills(db: &impl ConnectionTrait) -> AppResult<usize> {
    set_flag(
        db,
        "UPDATE import_bills SET mail = 1 WHERE is_new = 1 AND location_id IN \
         (SELECT id FROM service_locations WHERE member_id IS NOT NULL)",
    )
    .await?;
    let (mut after, mut queued) = (0, 0);
    loop {
        let chunk = bill_chunk(db, "mail = 1", after).await?;
        let Some(last) = chunk.last() else {
            return Ok(queued);
        };
        after = last.id;
        let locations = locations_of(db, chunk.iter().map(|b| b.service_location_id)).await?;
        let refs: Vec<&bill::Model> = chunk.iter().collect();
        queued += notify::bills_issued(db, &refs, &locations).await?;
    }
}

/// Inserts the feed's new notices and updates the changed ones; returns
/// the notice IDs inserted.
async fn write_notices(
    db: &impl ConnectionTrait,
    rows: &[NoticeRow],
    summary: &mut Summary,
) -> AppResult<Vec<String>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let numbers: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.customer_number.as_deref())
        .collect();
    let holders: HashMap<String, Option<i64>> = service_location::Entity::find()
        .filter(service_location::Column::CustomerNumber.is_in(numbers))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.customer_number, l.member_id))
        .collect();
    let ids: Vec<&str> = rows.iter().map(|n| n.notice_id.as_str()).collect();
    let existing: HashMap<String, notice::Model> = notice::Entity::find()
        .filter(notice::Column::ExternalId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|n| Some((n.external_id.clone()?, n)))
        .collect();
    let mut new_notices = vec![];
    for row in rows {
        let addressee = match &row.customer_number {
            Some(number) => match holders.get(number).copied().flatten() {
                Some(member_id) => Some(member_id),
                // Addressed to a location no member holds: nobody to show it to.
                None => continue,
            },
            None => None,
        };
        match existing.get(&row.notice_id) {
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

/// Stores the feed's documents, each under its location, reading each PDF
/// only when it is stored.
async fn store_documents(
    db: &impl ConnectionTrait,
    dir: &Path,
    summary: &mut Summary,
) -> AppResult<()> {
    #[derive(FromQueryResult)]
    struct Staged {
        line: i64,
        document_id: String,
        location_id: i64,
        kind: String,
        title: String,
        issued_on: NaiveDate,
        file: String,
    }
    let mut after = 0i64;
    loop {
        let chunk = Staged::find_by_statement(statement(
            db.get_database_backend(),
            &format!(
                "SELECT d.line, d.document_id, l.id AS location_id, d.kind, d.title, d.issued_on, d.file \
                 FROM import_documents d JOIN service_locations l ON l.customer_number = d.customer_number \
                 WHERE d.line > $1 ORDER BY d.line LIMIT {CHUNK}"
            ),
            vec![Value::from(after)],
        ))
        .all(db)
        .await?;
        let Some(last) = chunk.last() else {
            return Ok(());
        };
        after = last.line;
        for row in chunk {
            let kind = DocumentKind::try_from_value(&row.kind)?;
            // Checked when staged; gone since, the import fails whole.
            let content = std::fs::read(dir.join(&row.file)).map_err(|e| {
                AppError::internal(std::io::Error::new(e.kind(), format!("{}: {e}", row.file)))
            })?;
            let stored = storage::put(
                db,
                NewDocument {
                    external_id: Some(row.document_id),
                    service_location_id: row.location_id,
                    kind,
                    title: row.title,
                    issued_on: row.issued_on,
                    content,
                },
            )
            .await?;
            match stored {
                Stored::Inserted => summary.documents_inserted += 1,
                Stored::Updated => summary.documents_updated += 1,
                Stored::Unchanged => {}
            }
        }
    }
}

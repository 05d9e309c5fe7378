//! Reading and checking the feed's CSV files: every row is parsed into a
//! typed record, and every problem is named by file, line and field.

use entity::types::DocumentKind;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use csv::StringRecord;
use entity::types::{PaymentMethod, UseType};

use crate::domain::{CustomerNumber, PortalCustomerNumber};

/// One problem in the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub file: &'static str,
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.message
        )
    }
}

pub const LOCATIONS: &str = "service_locations.csv";
pub const READINGS: &str = "meter_readings.csv";
pub const BILLS: &str = "bills.csv";
pub const LINE_ITEMS: &str = "bill_line_items.csv";
pub const PAYMENTS: &str = "payments.csv";
pub const NOTICES: &str = "notices.csv";
pub const DOCUMENTS: &str = "documents.csv";

/// The files a feed may hold.
pub const KNOWN_FILES: [&str; 7] = [
    LOCATIONS, READINGS, BILLS, LINE_ITEMS, PAYMENTS, NOTICES, DOCUMENTS,
];

/// Files in `dir` the feed format does not know: misnamed, or of a newer
/// format. They are not read; the operator is told.
pub fn unknown_files(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut unknown: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        // PDFs are the documents' content, read through documents.csv.
        .filter(|name| {
            !KNOWN_FILES.contains(&name.as_str())
                && !name.starts_with('.')
                && !name.to_ascii_lowercase().ends_with(".pdf")
        })
        .collect();
    unknown.sort();
    unknown
}

pub struct LocationRow {
    pub line: u64,
    pub customer_number: String,
    pub portal_customer_number: String,
    pub holder_name: String,
    pub address: String,
    pub meter_diameter_mm: i32,
    pub use_type: UseType,
    pub reading_month_parity: i16,
}

pub struct ReadingRow {
    pub line: u64,
    pub customer_number: String,
    pub read_on: NaiveDate,
    pub previous_reading: i32,
    pub current_reading: i32,
}

pub struct BillRow {
    pub line: u64,
    pub customer_number: String,
    pub billing_month: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub read_on: NaiveDate,
    pub usage_m3: i32,
    pub water_charge_yen: i64,
    pub sewer_charge_yen: i64,
    pub tax_yen: i64,
    pub amount_yen: i64,
    pub due_date: NaiveDate,
    pub payment_method: PaymentMethod,
}

pub struct LineItemRow {
    pub line: u64,
    pub customer_number: String,
    pub billing_month: String,
    pub position: i32,
    pub label: String,
    pub amount_yen: i64,
}

pub struct PaymentRow {
    pub line: u64,
    pub customer_number: String,
    pub billing_month: String,
    pub paid_on: NaiveDate,
    pub payment_method: PaymentMethod,
}

pub struct NoticeRow {
    pub line: u64,
    pub notice_id: String,
    pub published_at: DateTime<Utc>,
    /// None: to every member.
    pub customer_number: Option<String>,
    pub title: String,
    pub body: String,
}

pub struct DocumentRow {
    pub line: u64,
    pub document_id: String,
    pub customer_number: String,
    pub kind: DocumentKind,
    pub title: String,
    pub issued_on: NaiveDate,
    pub content: Vec<u8>,
}

/// Everything a feed folder holds, checked.
#[derive(Default)]
pub struct Feed {
    pub locations: Vec<LocationRow>,
    pub readings: Vec<ReadingRow>,
    pub bills: Vec<BillRow>,
    pub line_items: Vec<LineItemRow>,
    pub payments: Vec<PaymentRow>,
    pub notices: Vec<NoticeRow>,
    pub documents: Vec<DocumentRow>,
}

impl Feed {
    /// Every customer number the feed mentions.
    pub fn customer_numbers(&self) -> HashSet<String> {
        let mut all = HashSet::new();
        all.extend(self.locations.iter().map(|r| r.customer_number.clone()));
        all.extend(self.readings.iter().map(|r| r.customer_number.clone()));
        all.extend(self.bills.iter().map(|r| r.customer_number.clone()));
        all.extend(self.line_items.iter().map(|r| r.customer_number.clone()));
        all.extend(self.payments.iter().map(|r| r.customer_number.clone()));
        all.extend(
            self.notices
                .iter()
                .filter_map(|r| r.customer_number.clone()),
        );
        all.extend(self.documents.iter().map(|r| r.customer_number.clone()));
        all
    }
}

/// One CSV file: its header and rows, read as text.
struct Table {
    file: &'static str,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, StringRecord)>,
}

/// Collects the problems of one row.
struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a StringRecord,
    errors: &'a mut Vec<RowError>,
}

impl Row<'_> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            file: self.table.file,
            line: self.line,
            field: field.to_string(),
            message: message.into(),
        });
    }

    fn raw(&self, field: &str) -> &str {
        self.table
            .columns
            .get(field)
            .and_then(|i| self.record.get(*i))
            .unwrap_or("")
            .trim()
    }

    fn text(&mut self, field: &str, max: usize) -> Option<String> {
        let value = self.raw(field).to_string();
        if value.is_empty() {
            self.fail(field, "required");
            None
        } else if value.chars().count() > max {
            self.fail(field, format!("longer than {max} characters"));
            None
        } else {
            Some(value)
        }
    }

    fn optional(&self, field: &str) -> Option<String> {
        Some(self.raw(field).to_string()).filter(|v| !v.is_empty())
    }

    fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
        &mut self,
        field: &str,
        min: T,
        max: T,
    ) -> Option<T> {
        match self.raw(field).parse::<T>() {
            Ok(n) if n >= min && n <= max => Some(n),
            _ => {
                self.fail(
                    field,
                    format!("expected a whole number from {min} to {max}"),
                );
                None
            }
        }
    }

    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let parsed = NaiveDate::parse_from_str(self.raw(field), "%Y-%m-%d").ok();
        if parsed.is_none() {
            self.fail(field, "expected a date as YYYY-MM-DD");
        }
        parsed
    }

    fn month(&mut self, field: &str) -> Option<String> {
        match crate::domain::BillingMonth::parse(self.raw(field)) {
            Ok(month) => Some(month.to_string()),
            Err(invalid) => {
                self.fail(field, invalid.to_string());
                None
            }
        }
    }

    fn instant(&mut self, field: &str) -> Option<DateTime<Utc>> {
        let parsed = DateTime::parse_from_rfc3339(self.raw(field))
            .ok()
            .map(|t| t.with_timezone(&Utc));
        if parsed.is_none() {
            self.fail(field, "expected an RFC 3339 time with an offset");
        }
        parsed
    }

    fn customer_number(&mut self, field: &str) -> Option<String> {
        match CustomerNumber::parse(self.raw(field)) {
            Ok(n) => Some(n.as_str().to_string()),
            Err(_) => {
                self.fail(field, "expected a 10-digit customer number");
                None
            }
        }
    }

    fn payment_method(&mut self, field: &str) -> Option<PaymentMethod> {
        match self.raw(field) {
            "account_transfer" => Some(PaymentMethod::AccountTransfer),
            "payment_slip" => Some(PaymentMethod::PaymentSlip),
            "credit_card" => Some(PaymentMethod::CreditCard),
            _ => {
                self.fail(
                    field,
                    "expected account_transfer, payment_slip or credit_card",
                );
                None
            }
        }
    }
}

/// Reads one of the feed's CSV files as text: None when it is absent or
/// unusable, with the problems added to `errors`.
fn read_table(
    dir: &Path,
    file: &'static str,
    required: &[&str],
    errors: &mut Vec<RowError>,
) -> Option<Table> {
    let path = dir.join(file);
    if !path.exists() {
        return None;
    }
    let fail = |errors: &mut Vec<RowError>, line: u64, field: &str, message: String| {
        errors.push(RowError {
            file,
            line,
            field: field.to_string(),
            message,
        });
    };
    let mut reader = match csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_path(&path)
    {
        Ok(r) => r,
        Err(e) => {
            fail(errors, 0, "-", format!("cannot read: {e}"));
            return None;
        }
    };
    let columns: HashMap<String, usize> = match reader.headers() {
        Ok(h) => h
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().to_string(), i))
            .collect(),
        Err(e) => {
            fail(errors, 1, "-", format!("cannot read the header: {e}"));
            return None;
        }
    };
    let mut missing = false;
    for column in required {
        if !columns.contains_key(*column) {
            fail(errors, 1, column, "missing column".into());
            missing = true;
        }
    }
    if missing {
        return None;
    }
    let mut rows = vec![];
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                rows.push((line, record));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                fail(errors, line, "-", format!("malformed CSV: {e}"));
            }
        }
    }
    Some(Table {
        file,
        columns,
        rows,
    })
}

/// Runs `parse` on every row of a table.
fn rows<T>(
    table: Option<Table>,
    errors: &mut Vec<RowError>,
    mut parse: impl FnMut(&mut Row<'_>) -> Option<T>,
) -> Vec<T> {
    let Some(table) = table else { return vec![] };
    let mut out = vec![];
    for (line, record) in &table.rows {
        let mut row = Row {
            table: &table,
            line: *line,
            record,
            errors,
        };
        if let Some(parsed) = parse(&mut row) {
            out.push(parsed);
        }
    }
    out
}

/// Reads a feed folder. The result is either the whole feed, checked, or
/// every problem found in it.
pub fn read_feed(dir: &Path) -> Result<Feed, Vec<RowError>> {
    let mut errors = vec![];
    if !dir.is_dir() {
        return Err(vec![RowError {
            file: "-",
            line: 0,
            field: "-".into(),
            message: format!("{} is not a folder", dir.display()),
        }]);
    }
    let locations = read_locations(dir, &mut errors);
    let readings = read_readings(dir, &mut errors);
    let bills = read_bills(dir, &mut errors);
    let line_items = read_line_items(dir, &mut errors);
    let payments = read_payments(dir, &mut errors);
    let notices = read_notices(dir, &mut errors);
    let documents = read_documents(dir, &mut errors);
    let feed = Feed {
        locations,
        readings,
        bills,
        line_items,
        payments,
        notices,
        documents,
    };
    check_duplicates(&feed, &mut errors);
    check_line_item_sums(&feed, &mut errors);
    if errors.is_empty() {
        Ok(feed)
    } else {
        errors.sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));
        Err(errors)
    }
}

/// Reads and checks the service locations file.
fn read_locations(dir: &Path, errors: &mut Vec<RowError>) -> Vec<LocationRow> {
    let t = read_table(
        dir,
        LOCATIONS,
        &[
            "customer_number",
            "portal_customer_number",
            "holder_name",
            "address",
            "meter_diameter_mm",
            "use_type",
            "reading_month_parity",
        ],
        errors,
    );
    rows(t, errors, |r| {
        let customer_number = r.customer_number("customer_number");
        let portal = match PortalCustomerNumber::parse(r.raw("portal_customer_number")) {
            Ok(n) => Some(n.as_str().to_string()),
            Err(m) => {
                r.fail("portal_customer_number", m.to_string());
                None
            }
        };
        let holder_name = r.text("holder_name", 100);
        let address = r.text("address", 200);
        let diameter = r.number("meter_diameter_mm", 13, 300);
        let use_type = match r.raw("use_type") {
            "household" => Some(UseType::Household),
            "business" => Some(UseType::Business),
            _ => {
                r.fail("use_type", "expected household or business");
                None
            }
        };
        let parity = r.number::<i16>("reading_month_parity", 0, 1);
        Some(LocationRow {
            line: r.line,
            customer_number: customer_number?,
            portal_customer_number: portal?,
            holder_name: holder_name?,
            address: address?,
            meter_diameter_mm: diameter?,
            use_type: use_type?,
            reading_month_parity: parity?,
        })
    })
}

/// Reads and checks the meter readings file.
fn read_readings(dir: &Path, errors: &mut Vec<RowError>) -> Vec<ReadingRow> {
    let t = read_table(
        dir,
        READINGS,
        &[
            "customer_number",
            "read_on",
            "previous_reading",
            "current_reading",
        ],
        errors,
    );
    rows(t, errors, |r| {
        let customer_number = r.customer_number("customer_number");
        let read_on = r.date("read_on");
        let previous = r.number("previous_reading", 0, 99_999_999);
        let current = r.number("current_reading", 0, 99_999_999);
        if let (Some(p), Some(c)) = (previous, current)
            && c < p
        {
            r.fail("current_reading", "smaller than previous_reading");
            return None;
        }
        Some(ReadingRow {
            line: r.line,
            customer_number: customer_number?,
            read_on: read_on?,
            previous_reading: previous?,
            current_reading: current?,
        })
    })
}

/// Reads and checks the bills file.
fn read_bills(dir: &Path, errors: &mut Vec<RowError>) -> Vec<BillRow> {
    let t = read_table(
        dir,
        BILLS,
        &[
            "customer_number",
            "billing_month",
            "period_start",
            "period_end",
            "read_on",
            "usage_m3",
            "water_charge_yen",
            "sewer_charge_yen",
            "tax_yen",
            "amount_yen",
            "due_date",
            "payment_method",
        ],
        errors,
    );
    rows(t, errors, parse_bill)
}

/// Parses one bill row: its fields, and that its sums and dates agree.
fn parse_bill(r: &mut Row<'_>) -> Option<BillRow> {
    let customer_number = r.customer_number("customer_number");
    let billing_month = r.month("billing_month");
    let period_start = r.date("period_start");
    let period_end = r.date("period_end");
    let read_on = r.date("read_on");
    let usage = r.number("usage_m3", 0, 9_999_999);
    let water = r.number("water_charge_yen", 0i64, 1_000_000_000);
    let sewer = r.number("sewer_charge_yen", 0i64, 1_000_000_000);
    let tax = r.number("tax_yen", 0i64, 1_000_000_000);
    let amount = r.number("amount_yen", 0i64, 2_000_000_000);
    let due_date = r.date("due_date");
    let method = r.payment_method("payment_method");
    if let (Some(w), Some(s), Some(a)) = (water, sewer, amount)
        && w + s != a
    {
        r.fail(
            "amount_yen",
            format!("expected water_charge_yen + sewer_charge_yen = {}", w + s),
        );
        return None;
    }
    if let (Some(t), Some(a)) = (tax, amount)
        && t > a
    {
        r.fail("tax_yen", "larger than amount_yen");
        return None;
    }
    if let (Some(s), Some(e)) = (period_start, period_end)
        && s > e
    {
        r.fail("period_end", "before period_start");
        return None;
    }
    if let (Some(e), Some(d)) = (period_end, due_date)
        && d < e
    {
        r.fail("due_date", "before period_end");
        return None;
    }
    Some(BillRow {
        line: r.line,
        customer_number: customer_number?,
        billing_month: billing_month?,
        period_start: period_start?,
        period_end: period_end?,
        read_on: read_on?,
        usage_m3: usage?,
        water_charge_yen: water?,
        sewer_charge_yen: sewer?,
        tax_yen: tax?,
        amount_yen: amount?,
        due_date: due_date?,
        payment_method: method?,
    })
}

/// Reads and checks the bill line items file.
fn read_line_items(dir: &Path, errors: &mut Vec<RowError>) -> Vec<LineItemRow> {
    let t = read_table(
        dir,
        LINE_ITEMS,
        &[
            "customer_number",
            "billing_month",
            "position",
            "label",
            "amount_yen",
        ],
        errors,
    );
    rows(t, errors, |r| {
        Some(LineItemRow {
            line: r.line,
            customer_number: r.customer_number("customer_number")?,
            billing_month: r.month("billing_month")?,
            position: r.number("position", 1, 99)?,
            label: r.text("label", 100)?,
            amount_yen: r.number("amount_yen", -1_000_000_000i64, 1_000_000_000)?,
        })
    })
}

/// Reads and checks the payments file.
fn read_payments(dir: &Path, errors: &mut Vec<RowError>) -> Vec<PaymentRow> {
    let t = read_table(
        dir,
        PAYMENTS,
        &[
            "customer_number",
            "billing_month",
            "paid_on",
            "payment_method",
        ],
        errors,
    );
    rows(t, errors, |r| {
        let customer_number = r.customer_number("customer_number");
        let billing_month = r.month("billing_month");
        let paid_on = r.date("paid_on");
        let method = r.payment_method("payment_method");
        Some(PaymentRow {
            line: r.line,
            customer_number: customer_number?,
            billing_month: billing_month?,
            paid_on: paid_on?,
            payment_method: method?,
        })
    })
}

/// Reads and checks the notices file.
fn read_notices(dir: &Path, errors: &mut Vec<RowError>) -> Vec<NoticeRow> {
    let t = read_table(
        dir,
        NOTICES,
        &[
            "notice_id",
            "published_at",
            "customer_number",
            "title",
            "body",
        ],
        errors,
    );
    rows(t, errors, |r| {
        let notice_id = r.text("notice_id", 64);
        let published_at = r.instant("published_at");
        let customer_number = match r.optional("customer_number") {
            Some(_) => Some(r.customer_number("customer_number")?),
            None => None,
        };
        let title = r.text("title", 200);
        let body = r.text("body", 10_000);
        Some(NoticeRow {
            line: r.line,
            notice_id: notice_id?,
            published_at: published_at?,
            customer_number,
            title: title?,
            body: body?,
        })
    })
}

/// Reads and checks the documents file, and the PDFs it names.
fn read_documents(dir: &Path, errors: &mut Vec<RowError>) -> Vec<DocumentRow> {
    let t = read_table(
        dir,
        DOCUMENTS,
        &[
            "document_id",
            "customer_number",
            "kind",
            "title",
            "issued_on",
            "file",
        ],
        errors,
    );
    rows(t, errors, |r| {
        let document_id = r.text("document_id", 64);
        let customer_number = r.customer_number("customer_number");
        let kind = match r.raw("kind") {
            "meter_reading" => Some(DocumentKind::MeterReading),
            "tariff_change" => Some(DocumentKind::TariffChange),
            "payment_reminder" => Some(DocumentKind::PaymentReminder),
            "other" => Some(DocumentKind::Other),
            _ => {
                r.fail(
                    "kind",
                    "expected meter_reading, tariff_change, payment_reminder or other",
                );
                None
            }
        };
        let title = r.text("title", 200);
        let issued_on = r.date("issued_on");
        let file = r.text("file", 200)?;
        // Only files inside the feed folder.
        if file.contains("..") || file.starts_with('/') {
            r.fail("file", "must be a file inside the feed folder");
            return None;
        }
        let content = match std::fs::read(dir.join(&file)) {
            Ok(bytes) if bytes.starts_with(b"%PDF-") => Some(bytes),
            Ok(_) => {
                r.fail("file", format!("{file} is not a PDF"));
                None
            }
            Err(e) => {
                r.fail("file", format!("cannot read {file}: {e}"));
                None
            }
        };
        Some(DocumentRow {
            line: r.line,
            document_id: document_id?,
            customer_number: customer_number?,
            kind: kind?,
            title: title?,
            issued_on: issued_on?,
            content: content?,
        })
    })
}

/// Reports every row whose key an earlier row of the same file has.
fn dup<K: std::hash::Hash + Eq>(
    file: &'static str,
    field: &str,
    keys: impl Iterator<Item = (u64, K)>,
    errors: &mut Vec<RowError>,
) {
    let mut seen = HashSet::new();
    for (line, key) in keys {
        if !seen.insert(key) {
            errors.push(RowError {
                file,
                line,
                field: field.to_string(),
                message: "appears twice in the file".into(),
            });
        }
    }
}

/// Reports the rows that repeat another row's key in the same file.
fn check_duplicates(feed: &Feed, errors: &mut Vec<RowError>) {
    dup(
        LOCATIONS,
        "customer_number",
        feed.locations
            .iter()
            .map(|r| (r.line, r.customer_number.clone())),
        errors,
    );
    dup(
        LOCATIONS,
        "portal_customer_number",
        feed.locations
            .iter()
            .map(|r| (r.line, r.portal_customer_number.clone())),
        errors,
    );
    dup(
        READINGS,
        "read_on",
        feed.readings
            .iter()
            .map(|r| (r.line, (r.customer_number.clone(), r.read_on))),
        errors,
    );
    dup(
        BILLS,
        "billing_month",
        feed.bills
            .iter()
            .map(|r| (r.line, (r.customer_number.clone(), r.billing_month.clone()))),
        errors,
    );
    dup(
        LINE_ITEMS,
        "position",
        feed.line_items.iter().map(|r| {
            (
                r.line,
                (
                    r.customer_number.clone(),
                    r.billing_month.clone(),
                    r.position,
                ),
            )
        }),
        errors,
    );
    dup(
        PAYMENTS,
        "billing_month",
        feed.payments
            .iter()
            .map(|r| (r.line, (r.customer_number.clone(), r.billing_month.clone()))),
        errors,
    );
    dup(
        NOTICES,
        "notice_id",
        feed.notices.iter().map(|r| (r.line, r.notice_id.clone())),
        errors,
    );
    dup(
        DOCUMENTS,
        "document_id",
        feed.documents
            .iter()
            .map(|r| (r.line, r.document_id.clone())),
        errors,
    );
}

/// Line items given in the feed must add up to their bill (when the bill
/// is in the feed too).
fn check_line_item_sums(feed: &Feed, errors: &mut Vec<RowError>) {
    let mut sums: HashMap<(&str, &str), (i64, u64)> = HashMap::new();
    for item in &feed.line_items {
        let entry = sums
            .entry((item.customer_number.as_str(), item.billing_month.as_str()))
            .or_insert((0, item.line));
        entry.0 += item.amount_yen;
        entry.1 = entry.1.max(item.line);
    }
    for bill in &feed.bills {
        if let Some((sum, line)) =
            sums.get(&(bill.customer_number.as_str(), bill.billing_month.as_str()))
            && *sum != bill.amount_yen
        {
            errors.push(RowError {
                file: LINE_ITEMS,
                line: *line,
                field: "amount_yen".into(),
                message: format!(
                    "items of {} {} add up to {sum}, the bill says {}",
                    bill.customer_number, bill.billing_month, bill.amount_yen
                ),
            });
        }
    }
}

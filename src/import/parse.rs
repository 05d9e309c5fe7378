//! Reading and checking the feed's CSV files: every row is parsed into a
//! typed record, and every problem is named by file, line and field.

use entity::types::DocumentKind;
use std::collections::HashMap;
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
    /// The PDF's file name in the feed folder.
    pub file: String,
}

/// The problems found in a feed, at most [`Problems::LIMIT`] of them kept:
/// a feed gone wrong in every row is told by its first thousand.
#[derive(Debug, Default)]
pub struct Problems {
    kept: Vec<RowError>,
    more: usize,
}

impl Problems {
    pub const LIMIT: usize = 1000;

    pub fn push(&mut self, e: RowError) {
        if self.kept.len() < Self::LIMIT {
            self.kept.push(e);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The problems by file and line; the ones not kept are counted at the end.
    pub fn into_sorted(mut self) -> Vec<RowError> {
        self.kept
            .sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));
        if self.more > 0 {
            self.kept.push(RowError {
                file: "-",
                line: 0,
                field: "-".into(),
                message: format!("{} more problems not listed", self.more),
            });
        }
        self.kept
    }
}

impl Extend<RowError> for Problems {
    fn extend<I: IntoIterator<Item = RowError>>(&mut self, iter: I) {
        for e in iter {
            self.push(e);
        }
    }
}

/// A file's header: where each column is.
struct Header {
    file: &'static str,
    columns: HashMap<String, usize>,
}

/// Collects the problems of one row.
pub struct Row<'a> {
    header: &'a Header,
    line: u64,
    record: &'a StringRecord,
    errors: &'a mut Problems,
}

impl Row<'_> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            file: self.header.file,
            line: self.line,
            field: field.to_string(),
            message: message.into(),
        });
    }

    fn raw(&self, field: &str) -> &str {
        self.header
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

/// One of the feed's CSV files, read a batch of rows at a time: however
/// large the file, only a batch is in memory.
pub struct Table {
    header: Header,
    reader: csv::Reader<std::fs::File>,
    record: StringRecord,
    done: bool,
}

impl Table {
    /// Opens one of the feed's files: None when it is absent or unusable,
    /// with the problems added to `errors`.
    pub fn open(
        dir: &Path,
        file: &'static str,
        required: &[&str],
        errors: &mut Problems,
    ) -> Option<Self> {
        let path = dir.join(file);
        if !path.exists() {
            return None;
        }
        let fail = |errors: &mut Problems, line: u64, field: &str, message: String| {
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
        Some(Self {
            header: Header { file, columns },
            reader,
            record: StringRecord::new(),
            done: false,
        })
    }

    /// Parses rows with `parse` until `n` are good or the file ends; the
    /// bad ones' problems go to `errors`. Empty once the file is read.
    pub fn batch<T>(
        &mut self,
        n: usize,
        errors: &mut Problems,
        mut parse: impl FnMut(&mut Row<'_>) -> Option<T>,
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(n.min(1024));
        while !self.done && out.len() < n {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {
                    let line = self.record.position().map_or(0, |p| p.line());
                    let mut row = Row {
                        header: &self.header,
                        line,
                        record: &self.record,
                        errors,
                    };
                    if let Some(parsed) = parse(&mut row) {
                        out.push(parsed);
                    }
                }
                Ok(false) => self.done = true,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    errors.push(RowError {
                        file: self.header.file,
                        line,
                        field: "-".into(),
                        message: format!("malformed CSV: {e}"),
                    });
                    // A broken record (bad UTF-8, a stray quote) leaves the
                    // reader where it can go on; an I/O error does not.
                    if !matches!(
                        e.kind(),
                        csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                    ) {
                        self.done = true;
                    }
                }
            }
        }
        out
    }
}

/// The columns of the service locations file.
pub const LOCATIONS_COLUMNS: &[&str] = &[
    "customer_number",
    "portal_customer_number",
    "holder_name",
    "address",
    "meter_diameter_mm",
    "use_type",
    "reading_month_parity",
];

/// Parses one row of the service locations file.
pub fn location(r: &mut Row<'_>) -> Option<LocationRow> {
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
}

/// The columns of the meter readings file.
pub const READINGS_COLUMNS: &[&str] = &[
    "customer_number",
    "read_on",
    "previous_reading",
    "current_reading",
];

/// Parses one row of the meter readings file.
pub fn reading(r: &mut Row<'_>) -> Option<ReadingRow> {
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
}

/// The columns of the bills file.
pub const BILLS_COLUMNS: &[&str] = &[
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
];

/// Parses one bill row: its fields, and that its sums and dates agree.
pub fn bill(r: &mut Row<'_>) -> Option<BillRow> {
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

/// The columns of the bill line items file.
pub const LINE_ITEMS_COLUMNS: &[&str] = &[
    "customer_number",
    "billing_month",
    "position",
    "label",
    "amount_yen",
];

/// Parses one row of the bill line items file.
pub fn line_item(r: &mut Row<'_>) -> Option<LineItemRow> {
    Some(LineItemRow {
        line: r.line,
        customer_number: r.customer_number("customer_number")?,
        billing_month: r.month("billing_month")?,
        position: r.number("position", 1, 99)?,
        label: r.text("label", 100)?,
        amount_yen: r.number("amount_yen", -1_000_000_000i64, 1_000_000_000)?,
    })
}

/// The columns of the payments file.
pub const PAYMENTS_COLUMNS: &[&str] = &[
    "customer_number",
    "billing_month",
    "paid_on",
    "payment_method",
];

/// Parses one row of the payments file.
pub fn payment(r: &mut Row<'_>) -> Option<PaymentRow> {
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
}

/// The columns of the notices file.
pub const NOTICES_COLUMNS: &[&str] = &[
    "notice_id",
    "published_at",
    "customer_number",
    "title",
    "body",
];

/// Parses one row of the notices file.
pub fn notice(r: &mut Row<'_>) -> Option<NoticeRow> {
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
}

/// The columns of the documents file.
pub const DOCUMENTS_COLUMNS: &[&str] = &[
    "document_id",
    "customer_number",
    "kind",
    "title",
    "issued_on",
    "file",
];

/// Parses one row of the documents file, and the PDFs it names.
pub fn document(dir: &Path, r: &mut Row<'_>) -> Option<DocumentRow> {
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
    // The content is read when the document is stored; here, that it is
    // there and a PDF.
    let mut magic = [0u8; 5];
    match std::fs::File::open(dir.join(&file)) {
        Err(e) => {
            r.fail("file", format!("cannot read {file}: {e}"));
            return None;
        }
        Ok(mut f) => {
            let read = std::io::Read::read_exact(&mut f, &mut magic);
            if read.is_err() || magic != *b"%PDF-" {
                r.fail("file", format!("{file} is not a PDF"));
                return None;
            }
        }
    }
    Some(DocumentRow {
        line: r.line,
        document_id: document_id?,
        customer_number: customer_number?,
        kind: kind?,
        title: title?,
        issued_on: issued_on?,
        file,
    })
}

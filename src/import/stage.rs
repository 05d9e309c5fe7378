//! Staging: the feed's files, parsed a batch at a time, land in temporary
//! tables of the import's own transaction; the checks and the upserts are
//! then set-based statements over them. Memory holds one batch, whatever
//! the feed's size, and no lookup runs on a plan made before its rows
//! existed (each statement is planned when it runs, on PostgreSQL after the
//! tables are analysed).

use std::path::Path;

use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ActiveEnum, ConnectionTrait, DatabaseBackend, FromQueryResult, Statement, Value};

use super::files::Fingerprints;
use super::parse::{self, Problems, Row, Table};
use crate::error::AppResult;

/// Rows per multi-row INSERT into a staging table.
const BATCH: usize = crate::db::INSERT_CHUNK;

/// A staging column's type.
#[derive(Clone, Copy)]
enum Ty {
    Int,
    Text,
    Date,
}

impl Ty {
    fn sql(self, backend: DatabaseBackend) -> &'static str {
        match (self, backend) {
            (Ty::Int, DatabaseBackend::Postgres) => "BIGINT",
            (Ty::Date, DatabaseBackend::Postgres) => "DATE",
            (Ty::Int, _) => "INTEGER",
            (Ty::Text, _) | (Ty::Date, _) => "TEXT",
        }
    }
}

/// A staging table: the columns a file's rows fill, then the ones the
/// import resolves (ids, flags), then the indexes its statements use.
struct Staging {
    name: &'static str,
    filled: &'static [(&'static str, Ty)],
    resolved: &'static [(&'static str, Ty)],
    indexes: &'static [&'static str],
}

const LOCATIONS: Staging = Staging {
    name: "import_locations",
    filled: &[
        ("line", Ty::Int),
        ("customer_number", Ty::Text),
        ("portal_customer_number", Ty::Text),
        ("holder_name", Ty::Text),
        ("address", Ty::Text),
        ("search_text", Ty::Text),
        ("meter_diameter_mm", Ty::Int),
        ("use_type", Ty::Text),
        ("reading_month_parity", Ty::Int),
    ],
    resolved: &[],
    indexes: &["customer_number", "portal_customer_number"],
};

const READINGS: Staging = Staging {
    name: "import_readings",
    filled: &[
        ("line", Ty::Int),
        ("customer_number", Ty::Text),
        ("read_on", Ty::Date),
        ("previous_reading", Ty::Int),
        ("current_reading", Ty::Int),
    ],
    resolved: &[("location_id", Ty::Int)],
    indexes: &["customer_number, read_on"],
};

const BILLS: Staging = Staging {
    name: "import_bills",
    filled: &[
        ("line", Ty::Int),
        ("customer_number", Ty::Text),
        ("billing_month", Ty::Text),
        ("period_start", Ty::Date),
        ("period_end", Ty::Date),
        ("read_on", Ty::Date),
        ("usage_m3", Ty::Int),
        ("water_charge_yen", Ty::Int),
        ("sewer_charge_yen", Ty::Int),
        ("tax_yen", Ty::Int),
        ("amount_yen", Ty::Int),
        ("due_date", Ty::Date),
        ("payment_method", Ty::Text),
    ],
    resolved: &[
        ("location_id", Ty::Int),
        ("reading_id", Ty::Int),
        ("bill_id", Ty::Int),
        // 1: the bill is new; changed: new, or its figures differ; judge:
        // its location's bills changed, so the alert rule judges it again;
        // mail: new, at a location a member holds.
        ("is_new", Ty::Int),
        ("changed", Ty::Int),
        ("judge", Ty::Int),
        ("mail", Ty::Int),
    ],
    // Its ids are filled by updates: the walks' index on `bill_id` is
    // made once they are (`index_bill_ids`), so that no update keeps it.
    indexes: &["customer_number, billing_month"],
};

const LINE_ITEMS: Staging = Staging {
    name: "import_line_items",
    filled: &[
        ("line", Ty::Int),
        ("customer_number", Ty::Text),
        ("billing_month", Ty::Text),
        ("position", Ty::Int),
        ("label", Ty::Text),
        ("amount_yen", Ty::Int),
    ],
    resolved: &[("bill_id", Ty::Int)],
    indexes: &["customer_number, billing_month, position", "bill_id"],
};

const PAYMENTS: Staging = Staging {
    name: "import_payments",
    filled: &[
        ("line", Ty::Int),
        ("customer_number", Ty::Text),
        ("billing_month", Ty::Text),
        ("paid_on", Ty::Date),
        ("payment_method", Ty::Text),
    ],
    resolved: &[("bill_id", Ty::Int)],
    indexes: &["customer_number, billing_month"],
};

/// The notices' keys and addressees, for the checks (the notices
/// themselves, a few a feed, stay in memory).
const NOTICES: Staging = Staging {
    name: "import_notices",
    filled: &[
        ("line", Ty::Int),
        ("notice_id", Ty::Text),
        ("customer_number", Ty::Text),
    ],
    resolved: &[],
    indexes: &["notice_id"],
};

/// The documents' details; their PDFs are read when each is stored.
const DOCUMENTS: Staging = Staging {
    name: "import_documents",
    filled: &[
        ("line", Ty::Int),
        ("document_id", Ty::Text),
        ("customer_number", Ty::Text),
        ("kind", Ty::Text),
        ("title", Ty::Text),
        ("issued_on", Ty::Date),
        ("file", Ty::Text),
    ],
    resolved: &[],
    indexes: &["document_id"],
};

/// The bills whose line-item list the import rewrites.
const LISTS: Staging = Staging {
    name: "import_lists",
    filled: &[("bill_id", Ty::Int)],
    resolved: &[],
    indexes: &[],
};

/// The locations whose bills the alert rule judges: those with enough
/// bills for it to flag one.
const JUDGED: Staging = Staging {
    name: "import_judged",
    filled: &[("location_id", Ty::Int)],
    resolved: &[],
    indexes: &["location_id"],
};

const ALL: [&Staging; 9] = [
    &LOCATIONS,
    &READINGS,
    &BILLS,
    &LINE_ITEMS,
    &PAYMENTS,
    &NOTICES,
    &DOCUMENTS,
    &LISTS,
    &JUDGED,
];

/// A statement with `$1`-style parameters, for either engine (SQLite
/// numbers them `?1`). Every `$` becomes `?`: the import's statements are
/// this module's and `apply`'s own constants, with no `$` in a literal or
/// identifier (values are always bound), which is what makes the plain
/// replacement safe.
pub fn statement(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DatabaseBackend::Sqlite {
        sql.replace('$', "?")
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Runs a statement; returns the rows it changed.
pub async fn exec(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> AppResult<u64> {
    let stmt = statement(db.get_database_backend(), sql, values);
    Ok(db.execute_raw(stmt).await?.rows_affected())
}

/// Runs a query whose one row has a number `n`; returns it.
pub async fn scalar(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> AppResult<i64> {
    #[derive(FromQueryResult)]
    struct N {
        n: i64,
    }
    let stmt = statement(db.get_database_backend(), sql, values);
    Ok(N::find_by_statement(stmt)
        .one(db)
        .await?
        .map_or(0, |row| row.n))
}

/// Creates the staging tables (empty) in the current transaction.
pub async fn create(db: &impl ConnectionTrait) -> AppResult<()> {
    let backend = db.get_database_backend();
    for t in ALL {
        db.execute_unprepared(&format!("DROP TABLE IF EXISTS {}", t.name))
            .await?;
        let columns: Vec<String> = t
            .filled
            .iter()
            .chain(t.resolved)
            .map(|(name, ty)| format!("{name} {}", ty.sql(backend)))
            .collect();
        let on_commit = if backend == DatabaseBackend::Postgres {
            " ON COMMIT DROP"
        } else {
            ""
        };
        db.execute_unprepared(&format!(
            "CREATE TEMPORARY TABLE {} ({}){on_commit}",
            t.name,
            columns.join(", ")
        ))
        .await?;
    }
    Ok(())
}

/// Indexes the loaded staging tables and, on PostgreSQL, gives the planner
/// their sizes (temporary tables are never analysed by autovacuum).
pub async fn index(db: &impl ConnectionTrait) -> AppResult<()> {
    for t in ALL {
        for (i, columns) in t.indexes.iter().enumerate() {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name}_{i} ON {name} ({columns})",
                name = t.name
            ))
            .await?;
        }
    }
    analyze(db, &ALL.map(|t| t.name)).await
}

/// Indexes the staged bills by their resolved ids, for the chunk walks.
pub async fn index_bill_ids(db: &impl ConnectionTrait) -> AppResult<()> {
    db.execute_unprepared("CREATE INDEX import_bills_ids ON import_bills (bill_id)")
        .await?;
    analyze(db, &["import_bills"]).await
}

/// Refreshes the planner's statistics of the given tables (PostgreSQL; a
/// no-op on SQLite, whose planner does not keep them unless asked).
pub async fn analyze(db: &impl ConnectionTrait, tables: &[&str]) -> AppResult<()> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared(&format!("ANALYZE {}", tables.join(", ")))
            .await?;
    }
    Ok(())
}

/// Drops the staging tables (SQLite keeps temporary tables until the
/// connection closes; PostgreSQL drops them at commit anyway).
pub async fn drop(db: &impl ConnectionTrait) -> AppResult<()> {
    for t in ALL {
        db.execute_unprepared(&format!("DROP TABLE IF EXISTS {}", t.name))
            .await?;
    }
    Ok(())
}

/// Inserts one batch of rows into a staging table.
async fn insert(db: &impl ConnectionTrait, t: &Staging, rows: Vec<Vec<Value>>) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = Query::insert();
    q.into_table(Alias::new(t.name))
        .columns(t.filled.iter().map(|(name, _)| Alias::new(*name)));
    for row in rows {
        q.values_panic(row.into_iter().map(Into::into));
    }
    db.execute(&q).await?;
    Ok(())
}

/// Reads a file of the feed batch by batch into its staging table (not
/// at all when the database holds it already, byte for byte): rows
/// that parse are staged (even after a bad one, so that the checks over
/// the staged rows still report everything), bad ones go to `problems`.
/// `each` gives a parsed row's staging values.
#[allow(clippy::too_many_arguments)]
async fn load<T>(
    db: &impl ConnectionTrait,
    dir: &Path,
    files: &Fingerprints,
    file: &'static str,
    columns: &[&str],
    t: &Staging,
    problems: &mut Problems,
    mut parse: impl FnMut(&mut Row<'_>) -> Option<T>,
    mut each: impl FnMut(T) -> Vec<Value>,
) -> AppResult<()> {
    if files.unchanged(file) {
        return Ok(());
    }
    let Some(mut table) = Table::open(dir, file, columns, problems) else {
        return Ok(());
    };
    loop {
        let batch = table.batch(BATCH, problems, &mut parse);
        if batch.is_empty() {
            return Ok(());
        }
        insert(db, t, batch.into_iter().map(&mut each).collect()).await?;
    }
}

fn line(line: u64) -> Value {
    (line as i64).into()
}

/// Stages every file of the feed in `dir`; returns the notices (kept in
/// memory too: the bureau's announcements, a few a feed).
pub async fn feed(
    db: &impl ConnectionTrait,
    dir: &Path,
    files: &Fingerprints,
    problems: &mut Problems,
) -> AppResult<Vec<parse::NoticeRow>> {
    load(
        db,
        dir,
        files,
        parse::LOCATIONS,
        parse::LOCATIONS_COLUMNS,
        &LOCATIONS,
        problems,
        parse::location,
        |r| {
            let search_text = crate::domain::location_search_text(&r.holder_name, &r.address);
            vec![
                line(r.line),
                r.customer_number.into(),
                r.portal_customer_number.into(),
                r.holder_name.into(),
                r.address.into(),
                search_text.into(),
                r.meter_diameter_mm.into(),
                r.use_type.to_value().into(),
                i32::from(r.reading_month_parity).into(),
            ]
        },
    )
    .await?;
    load(
        db,
        dir,
        files,
        parse::READINGS,
        parse::READINGS_COLUMNS,
        &READINGS,
        problems,
        parse::reading,
        |r| {
            vec![
                line(r.line),
                r.customer_number.into(),
                r.read_on.into(),
                r.previous_reading.into(),
                r.current_reading.into(),
            ]
        },
    )
    .await?;
    load(
        db,
        dir,
        files,
        parse::BILLS,
        parse::BILLS_COLUMNS,
        &BILLS,
        problems,
        parse::bill,
        |r| {
            vec![
                line(r.line),
                r.customer_number.into(),
                r.billing_month.into(),
                r.period_start.into(),
                r.period_end.into(),
                r.read_on.into(),
                r.usage_m3.into(),
                r.water_charge_yen.into(),
                r.sewer_charge_yen.into(),
                r.tax_yen.into(),
                r.amount_yen.into(),
                r.due_date.into(),
                r.payment_method.to_value().into(),
            ]
        },
    )
    .await?;
    load(
        db,
        dir,
        files,
        parse::LINE_ITEMS,
        parse::LINE_ITEMS_COLUMNS,
        &LINE_ITEMS,
        problems,
        parse::line_item,
        |r| {
            vec![
                line(r.line),
                r.customer_number.into(),
                r.billing_month.into(),
                r.position.into(),
                r.label.into(),
                r.amount_yen.into(),
            ]
        },
    )
    .await?;
    load(
        db,
        dir,
        files,
        parse::PAYMENTS,
        parse::PAYMENTS_COLUMNS,
        &PAYMENTS,
        problems,
        parse::payment,
        |r| {
            vec![
                line(r.line),
                r.customer_number.into(),
                r.billing_month.into(),
                r.paid_on.into(),
                r.payment_method.to_value().into(),
            ]
        },
    )
    .await?;
    let mut notices = vec![];
    load(
        db,
        dir,
        files,
        parse::NOTICES,
        parse::NOTICES_COLUMNS,
        &NOTICES,
        problems,
        parse::notice,
        |r| {
            let values = vec![
                line(r.line),
                r.notice_id.clone().into(),
                r.customer_number.clone().into(),
            ];
            notices.push(r);
            values
        },
    )
    .await?;
    load(
        db,
        dir,
        files,
        parse::DOCUMENTS,
        parse::DOCUMENTS_COLUMNS,
        &DOCUMENTS,
        problems,
        |r| parse::document(dir, r),
        |r| {
            vec![
                line(r.line),
                r.document_id.into(),
                r.customer_number.into(),
                r.kind.to_value().into(),
                r.title.into(),
                r.issued_on.into(),
                r.file.into(),
            ]
        },
    )
    .await?;
    Ok(notices)
}

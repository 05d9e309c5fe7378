//! `water-portal import DIR`: the billing system's nightly feed (CSV files
//! and PDF documents). The files stream, a batch of rows at a time, into
//! staging tables of the import's one transaction (`stage`); the whole
//! feed is checked there, and a bad row names its file, line and field and
//! nothing is imported. Good feeds are written with set-based upserts
//! (`apply`); the same files twice change nothing. Memory holds a batch,
//! whatever the feed's size.

mod apply;
mod bulk;
mod files;
pub mod notify;
pub mod parse;
mod stage;

use std::path::Path;

use entity::data_import;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};

use crate::billing::alerts::AlertRule;
use crate::error::AppError;
pub use parse::RowError;

/// What an import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub locations_inserted: usize,
    pub locations_updated: usize,
    pub readings_inserted: usize,
    pub readings_updated: usize,
    pub bills_inserted: usize,
    pub bills_updated: usize,
    pub line_item_lists_written: usize,
    pub payments_applied: usize,
    pub marked_overdue: usize,
    /// Bills flagged for high usage.
    pub usage_alerts: usize,
    pub notices_inserted: usize,
    pub notices_updated: usize,
    pub documents_inserted: usize,
    pub documents_updated: usize,
    pub mails_queued: usize,
}

impl Summary {
    pub fn changed_anything(&self) -> bool {
        *self != Self::default()
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "locations +{} ~{}, readings +{} ~{}, bills +{} ~{}, line item lists {}, payments {}, \
             overdue {}, usage alerts {}, notices +{} ~{}, documents +{} ~{}, mails {}",
            self.locations_inserted,
            self.locations_updated,
            self.readings_inserted,
            self.readings_updated,
            self.bills_inserted,
            self.bills_updated,
            self.line_item_lists_written,
            self.payments_applied,
            self.marked_overdue,
            self.usage_alerts,
            self.notices_inserted,
            self.notices_updated,
            self.documents_inserted,
            self.documents_updated,
            self.mails_queued
        )
    }
}

/// An applied feed: what it changed, and the files it did not compare
/// again because the database holds them byte for byte.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    pub summary: Summary,
    pub unchanged_files: Vec<&'static str>,
    /// The city's first load on PostgreSQL: foreign keys checked once, at
    /// the end (`bulk`).
    pub first_load: bool,
}

/// Why a feed was not imported.
#[derive(Debug)]
pub enum ImportError {
    /// Problems in the feed itself; nothing was written.
    Rejected(Vec<RowError>),
    Failed(AppError),
}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Failed(e.into())
    }
}

/// Imports the feed in `dir`. A run that changes something is recorded,
/// which moves the portal's last-data-update time.
pub async fn import(
    db: &DatabaseConnection,
    dir: &Path,
    rule: &AlertRule,
) -> Result<Imported, ImportError> {
    if !dir.is_dir() {
        return Err(ImportError::Rejected(vec![RowError {
            file: "-",
            line: 0,
            field: "-".into(),
            message: format!("{} is not a folder", dir.display()),
        }]));
    }
    let txn = crate::db::write_txn(db).await?;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // The run looks rows up by key in tables it is filling: a cached
        // generic plan, made while a table was empty (a sequential scan),
        // would be reused for every later chunk, and the import would grow
        // quadratically with the feed. Each lookup is planned for its own
        // keys instead, for this transaction only.
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
            .await?;
        // The staging tables live in the session's own buffers (8 MB by
        // default): a city's feed would spill them to disk at every pass.
        // Settable until the session first uses a temporary table, which
        // the import's own process has not.
        txn.execute_unprepared("SET LOCAL temp_buffers = '512MB'")
            .await?;
        // Its statements each run once over a whole feed: compiling them
        // (JIT, on by the planner's cost estimates) took 0.2-0.4 s of
        // each and won nothing back.
        txn.execute_unprepared("SET LOCAL jit = off").await?;
    }
    // One time for the run: the bills it writes are as of it.
    let now = crate::clock::now();
    let imported = match apply::apply(&txn, dir, now, rule).await? {
        Ok(imported) => imported,
        Err(errors) => {
            txn.rollback().await?;
            return Err(ImportError::Rejected(errors));
        }
    };
    let summary = &imported.summary;
    if summary.changed_anything() {
        data_import::ActiveModel {
            source: Set(dir.display().to_string()),
            summary: Set(summary.to_string()),
            imported_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    if summary.changed_anything() && db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        // A big feed leaves the write-ahead log as large as what it
        // wrote; fold it into the database and truncate it, so the file
        // beside the database does not keep the feed's size.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    Ok(imported)
}

/// The command-line entry: the text to print, or every problem found.
pub async fn run_cli(
    db: &DatabaseConnection,
    dir: &Path,
    rule: &AlertRule,
) -> Result<String, String> {
    let started = std::time::Instant::now();
    let warnings: String = parse::unknown_files(dir)
        .iter()
        .map(|name| {
            format!(
                "warning: {name} is not a feed file and was not read (known: {})\n",
                parse::KNOWN_FILES.join(", ")
            )
        })
        .collect();
    let unchanged = |files: &[&str]| {
        if files.is_empty() {
            String::new()
        } else {
            format!(
                "\nunchanged since they were last imported, not compared again: {}",
                files.join(", ")
            )
        }
    };
    match import(db, dir, rule).await {
        Ok(Imported {
            summary,
            unchanged_files,
            first_load,
        }) if summary.changed_anything() => Ok(format!(
            "{warnings}imported {} in {:.1} s: {summary}{}{}",
            dir.display(),
            started.elapsed().as_secs_f64(),
            if first_load {
                "\nfirst load: the foreign keys of meter_readings and bills were checked once, at the end"
            } else {
                ""
            },
            unchanged(&unchanged_files)
        )),
        Ok(Imported {
            unchanged_files, ..
        }) => Ok(format!(
            "{warnings}{}: no changes{}",
            dir.display(),
            unchanged(&unchanged_files)
        )),
        Err(ImportError::Rejected(errors)) => Err(format!(
            "{warnings}{} not imported; nothing was written:\n{}",
            dir.display(),
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )),
        Err(ImportError::Failed(e)) => Err(format!("import failed: {e:?}")),
    }
}

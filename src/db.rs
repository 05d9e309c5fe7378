//! Connecting to the database (SQLite file or PostgreSQL) and counting the
//! statements the service sends.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sea_orm::{
    ActiveModelTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::config::Config;

/// Counters an operator reads at `GET /metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    statements: AtomicU64,
    failed_statements: AtomicU64,
}

impl Metrics {
    /// SQL statements sent since start.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// SQL statements that failed since start.
    pub fn failed_statements(&self) -> u64 {
        self.failed_statements.load(Ordering::Relaxed)
    }
}

/// Opens the connection pool, creating the SQLite file and its folder if
/// needed.
pub async fn connect(config: &Config, metrics: Arc<Metrics>) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if config.database_url.starts_with("sqlite:") {
        create_sqlite_folder(&config.database_url)?;
        // One writer at a time is SQLite's nature; WAL lets readers go on
        // while it writes, and the busy timeout queues writers instead of
        // failing them. `secure_delete` overwrites deleted rows, so a
        // withdrawn member's data does not linger in free pages.
        options
            .max_connections(8)
            .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .pragma("secure_delete", "ON")
            });
    } else {
        options.max_connections(16);
        if let Some(schema) = &config.database_schema {
            options.set_schema_search_path(schema.clone());
        }
    }
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(move |info| {
        metrics.statements.fetch_add(1, Ordering::Relaxed);
        if info.failed {
            metrics.failed_statements.fetch_add(1, Ordering::Relaxed);
        }
    });
    Ok(db)
}

fn create_sqlite_folder(url: &str) -> Result<(), DbErr> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
    }
    Ok(())
}

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at once (`BEGIN IMMEDIATE`): a transaction that reads first and writes
/// later could not wait for another writer and would fail instead.
pub async fn write_txn(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Rows per multi-row INSERT: well under both engines' bind-parameter limits.
pub const INSERT_CHUNK: usize = 400;

/// Inserts many rows, a chunk per statement.
pub async fn insert_chunked<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(INSERT_CHUNK).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

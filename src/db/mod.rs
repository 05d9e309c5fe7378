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

pub mod replica;
pub use replica::{Replica, ReplicaState};

/// Counters an operator reads at `GET /metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    statements: AtomicU64,
    failed_statements: AtomicU64,
    replica_statements: AtomicU64,
}

impl Metrics {
    /// Counts one statement sent (to the replica, or else the primary).
    fn count(&self, failed: bool, replica: bool) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        if failed {
            self.failed_statements.fetch_add(1, Ordering::Relaxed);
        }
        if replica {
            self.replica_statements.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Of the statements, those sent to the read replica.
    pub fn replica_statements(&self) -> u64 {
        self.replica_statements.load(Ordering::Relaxed)
    }

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
/// How long the first connection may take before the start gives up.
const CONNECT_WITHIN: Duration = Duration::from_secs(4);

/// A pooled connection idle this long is pinged before it is handed out;
/// one in use is not (a ping on every checkout is a round trip per
/// statement: sqlx's default). A connection that broke meanwhile fails its
/// statement, which the request reports as any database error.
pub(crate) const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// `host:port` (or the SQLite file) of a database URL, without credentials.
fn endpoint(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    if url.starts_with("postgres") && !host.contains(':') {
        format!("{host}:5432")
    } else if url.starts_with("sqlite:") {
        url.trim_start_matches("sqlite:")
            .trim_start_matches("//")
            .to_string()
    } else {
        host.to_string()
    }
}

pub async fn connect(config: &Config, metrics: Arc<Metrics>) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(CONNECT_WITHIN)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
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
    // An unreachable server is told within seconds, naming where it was
    // looked for (never the password).
    let endpoint = endpoint(&config.database_url);
    let mut db = match tokio::time::timeout(CONNECT_WITHIN, Database::connect(options)).await {
        Ok(Ok(db)) => db,
        Ok(Err(err)) => {
            return Err(DbErr::Custom(format!(
                "cannot connect to the database at {endpoint}: {err}"
            )));
        }
        Err(_) => {
            return Err(DbErr::Custom(format!(
                "no answer from the database at {endpoint} within {} s",
                CONNECT_WITHIN.as_secs()
            )));
        }
    };
    db.set_metric_callback(move |info| metrics.count(info.failed, false));
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

#[cfg(test)]
mod endpoint_tests {
    #[test]
    fn the_endpoint_names_host_and_port_but_no_password() {
        assert_eq!(
            super::endpoint("postgres://app:secret@db.example:6432/portal"),
            "db.example:6432"
        );
        assert_eq!(super::endpoint("postgres://db/portal"), "db:5432");
    }
}

//! A PostgreSQL streaming replica for members' reads (`DATABASE_READ_URL`).
//!
//! A monitor asks the replica every second how far it is behind the
//! primary. Only a replica that answers and is within
//! `PORTAL_REPLICA_MAX_LAG_SECONDS` serves reads; otherwise every read goes
//! to the primary, so sessions go on working whatever the replica does.
//! The monitor uses connections of its own, so its probes are not counted
//! among the statements requests send.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, Statement};

use super::Metrics;
use crate::config::Config;

/// How often the monitor asks.
const PROBE_EVERY: Duration = Duration::from_secs(1);
/// A probe unanswered for this long counts as the replica being down.
const PROBE_WITHIN: Duration = Duration::from_secs(2);

/// What the monitor last found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaState {
    /// Not asked yet: reads stay on the primary.
    Starting,
    /// Answering and within the allowed lag: it serves members' reads.
    Streaming,
    /// Answering but further behind than allowed.
    Lagging,
    /// Not answering.
    Down,
}

impl ReplicaState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Streaming => "streaming",
            Self::Lagging => "lagging",
            Self::Down => "down",
        }
    }

    fn from_u8(v: u8) -> Self {
        match v {
            1 => Self::Streaming,
            2 => Self::Lagging,
            3 => Self::Down,
            _ => Self::Starting,
        }
    }
}

#[derive(Debug, Default)]
struct Health {
    state: AtomicU8,
    lag_ms: AtomicU64,
    /// Until when (ms since `Health::epoch`) a replica that failed a
    /// request stays out, whatever its probes say: one that answers
    /// probes but fails queries must not flap in and out every second.
    held_out_until_ms: AtomicU64,
}

/// How long a replica that failed a request stays out.
const HOLD_OUT: Duration = Duration::from_secs(10);

/// Milliseconds since the process first asked.
fn millis_since_start() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_millis() as u64
}

/// The replica's pool and what the monitor knows of it.
#[derive(Clone, Debug)]
pub struct Replica {
    pool: DatabaseConnection,
    health: Arc<Health>,
    max_lag: Duration,
}

/// Options for a connection to `url`, in the primary's schema; lazy, so a
/// replica that is down does not keep the service from starting.
fn options(url: &str, config: &Config, max_connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_lazy(true)
        .connect_timeout(PROBE_WITHIN)
        .acquire_timeout(PROBE_WITHIN)
        .test_before_acquire_if_idle_for(super::PING_IF_IDLE_FOR)
        .max_connections(max_connections);
    if let Some(schema) = &config.database_schema {
        options.set_schema_search_path(schema.clone());
    }
    options
}

impl Replica {
    /// The replica of `config`, if one is configured.
    pub async fn connect(config: &Config, metrics: Arc<Metrics>) -> Result<Option<Self>, DbErr> {
        let Some(url) = &config.database_read_url else {
            return Ok(None);
        };
        let mut pool = Database::connect(options(url, config, 16)).await?;
        pool.set_metric_callback(move |info| metrics.count(info.failed, true));
        Ok(Some(Self {
            pool,
            health: Arc::default(),
            max_lag: Duration::from_secs(u64::from(config.replica_max_lag_seconds)),
        }))
    }

    /// The pool, if it may serve reads now.
    pub fn serving(&self) -> Option<&DatabaseConnection> {
        (self.state() == ReplicaState::Streaming).then_some(&self.pool)
    }

    pub fn state(&self) -> ReplicaState {
        ReplicaState::from_u8(self.health.state.load(Ordering::Relaxed))
    }

    /// How far behind it was at the last probe.
    pub fn lag(&self) -> Duration {
        Duration::from_millis(self.health.lag_ms.load(Ordering::Relaxed))
    }

    /// A request found it failing: reads leave it for `HOLD_OUT`, then
    /// until the monitor finds it answering again.
    pub fn mark_down(&self) {
        self.health.held_out_until_ms.store(
            millis_since_start() + HOLD_OUT.as_millis() as u64,
            Ordering::Relaxed,
        );
        self.set(ReplicaState::Down, 0);
    }

    fn set(&self, state: ReplicaState, lag_ms: u64) {
        let before = self.state();
        self.health.state.store(state as u8, Ordering::Relaxed);
        self.health.lag_ms.store(lag_ms, Ordering::Relaxed);
        if before != state {
            if state == ReplicaState::Streaming {
                tracing::info!(lag_ms, "read replica serving reads");
            } else {
                tracing::warn!(
                    state = state.as_str(),
                    lag_ms,
                    "read replica not serving; reads go to the primary"
                );
            }
        }
    }

    /// Asks the replica once how far it is behind the primary.
    async fn probe(&self, primary: &DatabaseConnection, replica: &DatabaseConnection) {
        let asked = async {
            let lsn = primary
                .query_one_raw(Statement::from_string(
                    primary.get_database_backend(),
                    "SELECT pg_current_wal_lsn()::text AS lsn",
                ))
                .await?
                .map(|row| row.try_get::<String>("", "lsn"))
                .transpose()?
                .unwrap_or_default();
            // Bytes of the primary's WAL not replayed yet, and how old the
            // last replayed transaction is. A server not in recovery is the
            // primary itself behind a read-only connection: never behind.
            let row = replica
                .query_one_raw(Statement::from_sql_and_values(
                    replica.get_database_backend(),
                    "SELECT pg_is_in_recovery() AS standby, \
                     COALESCE(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::float8 AS behind, \
                     COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 AS age",
                    [lsn.into()],
                ))
                .await?
                .ok_or_else(|| DbErr::Custom("no answer".into()))?;
            let standby: bool = row.try_get("", "standby")?;
            let behind: f64 = row.try_get("", "behind")?;
            let age: f64 = row.try_get("", "age")?;
            Ok::<_, DbErr>(if standby && behind > 0.0 {
                age.max(0.0)
            } else {
                0.0
            })
        };
        let held_out = millis_since_start() < self.health.held_out_until_ms.load(Ordering::Relaxed);
        match tokio::time::timeout(PROBE_WITHIN, asked).await {
            Ok(Ok(_)) if held_out => self.set(ReplicaState::Down, 0),
            Ok(Ok(lag)) => {
                let lag_ms = (lag * 1000.0) as u64;
                let state = if Duration::from_millis(lag_ms) > self.max_lag {
                    ReplicaState::Lagging
                } else {
                    ReplicaState::Streaming
                };
                self.set(state, lag_ms);
            }
            Ok(Err(err)) => {
                tracing::debug!(error = %err, "read replica probe failed");
                self.set(ReplicaState::Down, 0);
            }
            Err(_) => self.set(ReplicaState::Down, 0),
        }
    }

    /// Probes now, then every second for as long as the service runs.
    pub async fn start_monitor(&self, config: &Config) -> Result<(), DbErr> {
        let primary = Database::connect(options(&config.database_url, config, 1)).await?;
        let replica = Database::connect(options(
            config.database_read_url.as_deref().unwrap_or_default(),
            config,
            1,
        ))
        .await?;
        self.probe(&primary, &replica).await;
        let this = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PROBE_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                this.probe(&primary, &replica).await;
            }
        });
        Ok(())
    }
}

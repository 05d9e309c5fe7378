//! Building and running the service: the same path for `main` and for the
//! integration tests (which bind port 0).

use std::net::SocketAddr;
use std::sync::Arc;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tokio::net::TcpListener;

use crate::auth::password::Hasher;
use crate::config::Config;
use crate::db::{self, Metrics};
use crate::graphql::contract::Contract;
use crate::graphql::contract::trusted::Manifest;
use crate::graphql::{self, AppState};
use crate::http::{self, HttpState};
use crate::mail::MailWorker;
use crate::secrets::Secrets;
use crate::{demo, error::AppError};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("start-up failed: {0:?}")]
    App(AppError),
    #[error("the GraphQL contract does not hold: {0}")]
    Contract(String),
    #[error("the message catalogue does not load: {0}")]
    Catalogue(String),
}

impl From<AppError> for StartError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

/// A service ready to serve: database migrated, demo data in, port bound.
pub struct Application {
    listener: TcpListener,
    metrics_listener: TcpListener,
    metrics_router: axum::Router,
    router: axum::Router,
    limits: http::serve::Limits,
    db: DatabaseConnection,
    mail: MailWorker,
    hours: crate::portal::ServiceHours,
    clock: crate::clock::Clock,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        crate::i18n::install(&config.city.terms()).map_err(StartError::Catalogue)?;
        // Both ports first: a start that cannot serve fails before it
        // migrates or seeds anything.
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Listen {
                    addr: config.listen,
                    source,
                })?;
        let metrics_listener =
            TcpListener::bind(config.metrics_listen)
                .await
                .map_err(|source| StartError::Listen {
                    addr: config.metrics_listen,
                    source,
                })?;
        let metrics = Arc::new(Metrics::default());
        let db = open_database(&config, metrics.clone()).await?;
        if config.demo_data
            && let Some(summary) =
                demo::seed_if_empty(&db, config.demo_locations, &config.city).await?
        {
            tracing::info!(?summary, "filled the empty database with the demo city");
        }
        let backfilled = crate::support::search::backfill(&db).await?;
        if backfilled > 0 {
            tracing::info!(rows = backfilled, "filled the search columns");
        }
        let secrets = Secrets::load(&db).await?;
        let hasher = Hasher::new(config.hash_concurrency, secrets.keyring()).await?;
        let mail = MailWorker::new(db.clone(), &config)?;
        let replica = db::Replica::connect(&config, metrics.clone()).await?;
        if let Some(replica) = &replica {
            replica.start_monitor(&config).await?;
        }
        let app = AppState {
            db: db.clone(),
            replica,
            config: Arc::new(config),
            hasher,
            metrics,
            secrets,
            mail: mail.clone(),
        };
        let app_config = app.config.clone();
        let schema = graphql::schema(Some(app.clone()));
        let contract = Contract::new(
            &schema.sdl(),
            &Manifest::bundled().map_err(StartError::Contract)?,
        )
        .map_err(StartError::Contract)?;
        let state = HttpState {
            schema,
            contract: Arc::new(contract),
            app,
        };
        let metrics_router = http::metrics_router(state.clone());
        let router = http::router(state);
        let limits = http::serve::Limits {
            max_connections: app_config.max_connections,
            header_read: std::time::Duration::from_secs(app_config.header_timeout_seconds),
            request: std::time::Duration::from_secs(app_config.request_timeout_seconds),
        };
        Ok(Self {
            listener,
            metrics_listener,
            metrics_router,
            router,
            limits,
            db,
            mail,
            hours: app_config.service_hours,
            clock: crate::clock::Clock::default(),
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// The port `/metrics` is served on.
    pub fn metrics_port(&self) -> u16 {
        self.metrics_listener.local_addr().map_or(0, |a| a.port())
    }

    /// The clock the service reads; a test moves it.
    pub fn clock(&self) -> crate::clock::Clock {
        self.clock.clone()
    }

    /// The database connection the service uses.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until SIGTERM or Ctrl-C, finishing requests under way.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if let Ok(addr) = self.listener.local_addr() {
            tracing::info!(%addr, playground = %format!("http://{addr}/playground"), "serving");
            if let crate::portal::ServiceHours::Always = self.hours {
                tracing::info!(
                    "open around the clock (PORTAL_SERVICE_HOURS=always, the demo's default; the city's hours are 07:00-02:00)"
                );
            } else if !self.hours.is_open(crate::clock::now()) {
                tracing::warn!(
                    next_opens_at = ?self.hours.next_opens_at(crate::clock::now()),
                    "the portal is closed now: members get OUTSIDE_SERVICE_HOURS until it opens (PORTAL_SERVICE_HOURS)"
                );
            }
        }
        let mail = tokio::spawn(self.clock.clone().scope_owned(self.mail.run()));
        let housekeeping = tokio::spawn(
            self.clock
                .clone()
                .scope_owned(crate::housekeeping::run(self.db.clone())),
        );
        let metrics = tokio::spawn(async move {
            axum::serve(self.metrics_listener, self.metrics_router)
                .await
                .ok();
        });
        http::serve::serve(
            self.listener,
            self.router,
            self.limits,
            self.clock.clone(),
            shutdown_signal(),
        )
        .await;
        mail.abort();
        housekeeping.abort();
        metrics.abort();
        self.db.close().await.ok();
        tracing::info!("stopped");
        Ok(())
    }
}

/// Connects and brings the schema up to date (for the server and the
/// command-line tools alike).
pub async fn open_database(
    config: &Config,
    metrics: Arc<Metrics>,
) -> Result<DatabaseConnection, StartError> {
    let db = db::connect(config, metrics).await?;
    if let (Some(schema), DatabaseBackend::Postgres) =
        (&config.database_schema, db.get_database_backend())
    {
        // The name was checked to be [A-Za-z0-9_] when read.
        db.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .await?;
    }
    Migrator::up(&db, None).await?;
    Ok(db)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

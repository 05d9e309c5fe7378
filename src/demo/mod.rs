//! The demo city: a deterministic, Kanazawa-like city that an empty database
//! is filled with, so `cargo run` shows real-looking pages at once.
//!
//! Same inputs (location count, today's date) give the same city: the
//! numbers come from a fixed-seed generator, never from the OS.

mod city;

use entity::service_location;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::auth::password::hash_now;
use crate::error::{AppError, AppResult};

pub use city::{DEMO_LOGIN_ID, DEMO_PASSWORD, DEMO_SECRET_ANSWER, STAFF_LOGIN_ID, STAFF_PASSWORD};

/// What the demo city holds, for the start-up log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub locations: usize,
    pub members: usize,
    pub readings: usize,
    pub bills: usize,
    pub line_items: usize,
    pub notices: usize,
    pub documents: usize,
}

/// Locations whose rows are made and written together while seeding.
const SEED_PART_LOCATIONS: usize = 2_000;

impl Summary {
    fn add(&mut self, part: &Summary) {
        self.locations += part.locations;
        self.members += part.members;
        self.readings += part.readings;
        self.bills += part.bills;
        self.line_items += part.line_items;
        self.notices += part.notices;
        self.documents += part.documents;
    }
}

/// Fills an empty database with the demo city; a database that already has
/// service locations is left alone.
pub async fn seed_if_empty(
    db: &DatabaseConnection,
    locations: u32,
    profile: &crate::city::City,
) -> AppResult<Option<Summary>> {
    if service_location::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    // Three argon2 hashes: off the runtime like every other hash.
    let hashes = tokio::task::spawn_blocking(|| -> AppResult<[String; 3]> {
        Ok([
            hash_now(DEMO_PASSWORD)?,
            hash_now(STAFF_PASSWORD)?,
            hash_now(DEMO_SECRET_ANSWER)?,
        ])
    })
    .await
    .map_err(AppError::internal)??;
    let today = crate::clock::today();
    let mut seeder = city::Seeder::new(
        locations as usize,
        today,
        crate::clock::now(),
        hashes,
        profile,
    );
    // A part at a time, in one transaction: memory holds one part's rows
    // (their PDFs included), whatever the city's size.
    let mut summary = Summary::default();
    let txn = crate::db::write_txn(db).await?;
    while seeder.add(SEED_PART_LOCATIONS) {
        let part = seeder.take_part();
        summary.add(&part.summary());
        part.insert(&txn).await?;
    }
    let last = seeder.finish();
    summary.add(&last.summary());
    last.insert(&txn).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // Rows were written with their IDs; move each sequence past them.
        for table in city::TABLES_WITH_IDS {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(Some(summary))
}

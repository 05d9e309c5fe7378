//! A city's first load on PostgreSQL. Each row written to a table with a
//! foreign key costs the engine a look-up and a lock of the row it
//! references, one by one (about 20 µs a key, most of a first load's
//! time). When the database holds no bill yet, the import drops the
//! foreign keys of `meter_readings` and `bills` for its own transaction
//! and adds them back, exactly as they were, once it has written them:
//! PostgreSQL then checks every row at once, with one join. All of it is
//! inside the import's transaction: a failure leaves the keys as they
//! were. The price is that the two tables and `service_locations` stay
//! locked until the import commits, which a first load, before the portal
//! serves the city, can pay; an import into a city with bills keeps the
//! row-by-row checks and locks no table. Altering the tables needs the
//! role that owns them (the one that ran the migrations); the locks are
//! waited for 10 s at most, then the import fails whole.

use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult};

use super::stage::{scalar, statement};
use crate::error::AppResult;

/// The foreign keys dropped for a first load, to be added back.
#[derive(Debug, Default)]
pub struct Dropped(Vec<Key>);

impl Dropped {
    /// Whether the import took the first-load path.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

#[derive(Debug, FromQueryResult)]
struct Key {
    tbl: String,
    name: String,
    def: String,
}

/// Drops the foreign keys of the tables the import fills when it is the
/// city's first load: bills staged, none stored (PostgreSQL only).
pub async fn begin(db: &impl ConnectionTrait) -> AppResult<Dropped> {
    let backend = db.get_database_backend();
    if backend != DatabaseBackend::Postgres {
        return Ok(Dropped::default());
    }
    let first_load = scalar(
        db,
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM import_bills) AND NOT EXISTS (SELECT 1 FROM bills) \
         THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS n",
        vec![],
    )
    .await?;
    if first_load == 0 {
        return Ok(Dropped::default());
    }
    let keys = Key::find_by_statement(statement(
        backend,
        "SELECT c.conrelid::regclass::text AS tbl, quote_ident(c.conname) AS name, \
         pg_get_constraintdef(c.oid) AS def FROM pg_constraint c \
         WHERE c.contype = 'f' AND c.conrelid IN ('meter_readings'::regclass, 'bills'::regclass) \
         ORDER BY c.conname",
        vec![],
    ))
    .all(db)
    .await?;
    db.execute_unprepared("SET LOCAL lock_timeout = '10s'")
        .await?;
    for key in &keys {
        db.execute_unprepared(&format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            key.tbl, key.name
        ))
        .await?;
    }
    db.execute_unprepared("SET LOCAL lock_timeout TO DEFAULT")
        .await?;
    Ok(Dropped(keys))
}

/// Adds the dropped keys back; PostgreSQL checks every row as it does.
pub async fn end(db: &impl ConnectionTrait, dropped: Dropped) -> AppResult<()> {
    for key in dropped.0 {
        db.execute_unprepared(&format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {}",
            key.tbl, key.name, key.def
        ))
        .await?;
    }
    Ok(())
}

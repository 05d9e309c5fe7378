//! A mail waiting to be sent, written in the same transaction as the change
//! it reports.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Makes a mail about one event unique (e.g. `bill-issued:42:7`).
    #[sea_orm(unique)]
    pub dedup_key: Option<String>,
    pub to_address: String,
    /// The member it is for, if one (kept after sending).
    pub member_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A posted password-reset letter: a one-time code for a member who forgot
//! both password and secret answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reset_letters")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub member_id: i64,
    /// Where it is posted.
    pub service_location_id: i64,
    /// Who issued it.
    pub staff_id: i64,
    /// SHA-256 of the code, hex.
    #[sea_orm(unique)]
    pub code_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    /// The printable letter, until staff download it.
    pub pdf: Option<Vec<u8>>,
    pub downloaded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

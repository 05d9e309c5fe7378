//! A bill flagged for high usage (a possible leak), with the figures the
//! rule compared.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub service_location_id: i64,
    #[sea_orm(unique)]
    pub bill_id: i64,
    pub billing_month: String,
    pub usage_m3: i32,
    /// The same period a year earlier.
    pub last_year_m3: i32,
    /// The highest of the recent periods before it.
    pub typical_high_m3: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

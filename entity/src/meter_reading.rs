//! One meter reading (検針) at a service location.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meter_readings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub service_location_id: i64,
    pub read_on: Date,
    pub previous_reading: i32,
    pub current_reading: i32,
    pub usage_m3: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A bimonthly bill (請求) for water and sewerage at one service location.

use sea_orm::entity::prelude::*;

use crate::types::{PaymentMethod, PaymentStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bills")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub service_location_id: i64,
    pub meter_reading_id: Option<i64>,
    /// `YYYY-MM`: the month the bill was issued (検針月).
    pub billing_month: String,
    pub period_start: Date,
    pub period_end: Date,
    pub usage_m3: i32,
    /// Tax included.
    pub water_charge_yen: i64,
    /// Tax included.
    pub sewer_charge_yen: i64,
    /// Consumption tax contained in the two charges.
    pub tax_yen: i64,
    pub amount_yen: i64,
    pub due_date: Date,
    pub payment_status: PaymentStatus,
    pub paid_on: Option<Date>,
    pub payment_method: Option<PaymentMethod>,
    pub issued_at: DateTimeUtc,
    /// When the feed that last wrote its figures or payment was imported.
    pub as_of: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

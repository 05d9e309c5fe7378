//! A water contract at one address (給水装置), with or without a member.

use sea_orm::entity::prelude::*;

use crate::types::UseType;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_locations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// お客様番号, as the billing system knows the contract.
    #[sea_orm(unique)]
    pub customer_number: String,
    /// ポータルサイト用お客様番号, printed on the meter-reading slip.
    #[sea_orm(unique)]
    pub portal_customer_number: String,
    pub holder_name: String,
    pub address: String,
    pub meter_diameter_mm: i32,
    pub use_type: UseType,
    /// 1 when meters are read in odd months, 0 in even months.
    pub reading_month_parity: i16,
    pub member_id: Option<i64>,
    pub linked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Holder name and address folded for the support desk's search.
    pub search_text: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

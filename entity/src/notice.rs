//! A notice (お知らせ) from the water bureau, to every member or to one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Identifier in the billing system's feed, for idempotent imports.
    #[sea_orm(unique)]
    pub external_id: Option<String>,
    /// None: addressed to every member.
    pub member_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub published_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

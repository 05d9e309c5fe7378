//! A portal member (会員): a household or business that registered.

use sea_orm::entity::prelude::*;

use crate::types::MemberStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// None once the member has withdrawn, so the ID can be registered again.
    #[sea_orm(unique)]
    pub login_id: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub email: Option<String>,
    pub secret_question_id: Option<i32>,
    pub secret_answer_hash: Option<String>,
    /// Version of the answer normalisation the hash was made with.
    pub secret_answer_norm_version: i16,
    pub notify_bill_issued: bool,
    pub notify_notice_published: bool,
    /// A mail on each sign-in from a device not seen before.
    pub notify_new_device: bool,
    /// A mail when a bill is flagged for high usage (a possible leak).
    pub notify_high_usage: bool,
    /// Mails and documents in this language (`ja`, `en`).
    pub language: String,
    /// The terms of use version the member agreed to.
    pub terms_version: String,
    pub status: MemberStatus,
    pub registered_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
    /// The display name folded for the support desk's search.
    pub name_search: Option<String>,
    /// When the member last changed something themselves (a mutation):
    /// for a while after, their reads stay on the primary.
    pub last_write_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

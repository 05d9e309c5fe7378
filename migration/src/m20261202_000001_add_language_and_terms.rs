//! The member's language (mails and documents in Japanese or English) and
//! the terms version agreed to, at provisional registration and on the
//! member.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for (table, column) in [
            (
                "members",
                string_len("language", 8).default("ja").to_owned(),
            ),
            (
                "members",
                string_len("terms_version", 32).default("").to_owned(),
            ),
            (
                "registrations",
                string_len("terms_version", 32).default("").to_owned(),
            ),
            (
                "registrations",
                string_len("language", 8).default("ja").to_owned(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).add_column(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("registrations", "language"),
            ("registrations", "terms_version"),
            ("members", "terms_version"),
            ("members", "language"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

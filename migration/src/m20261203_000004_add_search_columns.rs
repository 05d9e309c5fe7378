//! What the support desk searches names and addresses by: the holder's
//! name and address, and the member's name, folded (NFKC, case, katakana
//! as hiragana, no spaces) by the service, which fills rows left empty
//! at its start.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("service_locations")
                    .add_column(text_null("search_text"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .add_column(text_null("name_search"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .drop_column("name_search")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("service_locations")
                    .drop_column("search_text")
                    .to_owned(),
            )
            .await
    }
}

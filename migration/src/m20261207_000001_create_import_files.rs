//! The fingerprint of each feed file as last applied: a file the billing
//! system sends again byte for byte is not staged and compared again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("import_files")
                    .if_not_exists()
                    .col(string_len("name", 64).primary_key())
                    .col(string_len("sha256", 64))
                    .col(timestamp_with_time_zone("imported_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("import_files").to_owned())
            .await
    }
}

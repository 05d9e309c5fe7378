//! When the billing feed that last wrote a bill's figures or payment was
//! imported (`Bill.asOf`); existing bills take their issue time.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bills")
                    .add_column(timestamp_with_time_zone_null("as_of"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE bills SET as_of = issued_at")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bills")
                    .drop_column("as_of")
                    .to_owned(),
            )
            .await
    }
}

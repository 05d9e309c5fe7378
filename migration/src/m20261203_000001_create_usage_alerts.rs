//! High usage and possible leaks: a bill whose usage is well above both
//! the same period last year and the location's recent range is flagged
//! once (`usage_alerts`, one row per bill), and members who opt in
//! (`notify_high_usage`) are mailed about it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .add_column(boolean("notify_high_usage").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("usage_alerts")
                    .col(big_pk_auto("id"))
                    .col(big_integer("service_location_id"))
                    .col(big_integer("bill_id").unique_key())
                    .col(string_len("billing_month", 7))
                    .col(integer("usage_m3"))
                    .col(integer("last_year_m3"))
                    .col(integer("typical_high_m3"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("usage_alerts", "service_location_id")
                            .to("service_locations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("usage_alerts", "bill_id")
                            .to("bills", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_usage_alerts_location_month")
                    .table("usage_alerts")
                    .col("service_location_id")
                    .col("billing_month")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("usage_alerts").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("members")
                    .drop_column("notify_high_usage")
                    .to_owned(),
            )
            .await
    }
}

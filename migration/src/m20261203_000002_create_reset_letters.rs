//! The dead end's way out: a member who forgot both password and secret
//! answer gets a letter posted to the service location, with a one-time
//! code (only its hash is kept). The printable letter waits in `pdf` until
//! staff download it once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reset_letters")
                    .col(big_pk_auto("id"))
                    .col(big_integer("member_id"))
                    .col(big_integer("service_location_id"))
                    .col(big_integer("staff_id"))
                    .col(string_len("code_hash", 64).unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(blob_null("pdf"))
                    .col(timestamp_with_time_zone_null("downloaded_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("reset_letters", "member_id")
                            .to("members", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("reset_letters", "service_location_id")
                            .to("service_locations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reset_letters_member_id")
                    .table("reset_letters")
                    .col("member_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("reset_letters").to_owned())
            .await
    }
}

//! An e-mail address belongs to one member: the plain index on
//! `members.email` becomes a unique one (a withdrawn member's address is
//! erased to NULL, and NULLs never collide).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_members_email")
                    .table("members")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_members_email_unique")
                    .table("members")
                    .col("email")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_members_email_unique")
                    .table("members")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_members_email")
                    .table("members")
                    .col("email")
                    .to_owned(),
            )
            .await
    }
}

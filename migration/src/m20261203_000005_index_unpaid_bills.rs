//! The overdue pass after each import (`UPDATE bills SET payment_status =
//! 'overdue' WHERE payment_status = 'unpaid' AND due_date < today`) reads
//! the unpaid bills by index instead of scanning every bill (3 M at
//! Kanazawa's size).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_bills_status_due_date")
                    .table("bills")
                    .col("payment_status")
                    .col("due_date")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_bills_status_due_date")
                    .table("bills")
                    .to_owned(),
            )
            .await
    }
}

//! Bills the feed gave no lines for used to get two stored lines, their
//! water and sewerage totals (水道料金（税込）, 下水道使用料（税込）, the
//! catalogue's Japanese wording of the time). The portal now works them
//! out from the bill when it is read, in the reader's language and after
//! a correction too; the stored pairs would keep a corrected bill's old
//! amounts and make a correction be checked against them, so they go.
//! Lines the billing system sent are kept.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DELETE FROM bill_line_items WHERE bill_id IN (SELECT bill_id FROM bill_line_items \
                 GROUP BY bill_id HAVING COUNT(*) = 2 \
                 AND MIN(CASE WHEN (position = 1 AND label = '水道料金（税込）') \
                 OR (position = 2 AND label = '下水道使用料（税込）') THEN 1 ELSE 0 END) = 1)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Nothing to restore: the lines are worked out when read.
        Ok(())
    }
}

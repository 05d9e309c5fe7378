//! Database migrations, applied at start-up by the service.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_portal_tables;
mod m20261201_000001_unique_member_email;
mod m20261201_000002_create_password_resets;
mod m20261201_000003_add_session_origin;
mod m20261201_000004_create_sign_in_links;
mod m20261201_000005_add_new_device_setting;
mod m20261202_000001_add_language_and_terms;
mod m20261202_000002_add_bill_as_of;
mod m20261203_000001_create_usage_alerts;
mod m20261203_000002_create_reset_letters;
mod m20261203_000003_add_mail_member;
mod m20261203_000004_add_search_columns;
mod m20261203_000005_index_unpaid_bills;
mod m20261204_000001_add_member_last_write;
mod m20261207_000001_create_import_files;
mod m20261207_000002_drop_stored_bill_totals;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_portal_tables::Migration),
            Box::new(m20261201_000001_unique_member_email::Migration),
            Box::new(m20261201_000002_create_password_resets::Migration),
            Box::new(m20261201_000003_add_session_origin::Migration),
            Box::new(m20261201_000004_create_sign_in_links::Migration),
            Box::new(m20261201_000005_add_new_device_setting::Migration),
            Box::new(m20261202_000001_add_language_and_terms::Migration),
            Box::new(m20261202_000002_add_bill_as_of::Migration),
            Box::new(m20261203_000001_create_usage_alerts::Migration),
            Box::new(m20261203_000002_create_reset_letters::Migration),
            Box::new(m20261203_000003_add_mail_member::Migration),
            Box::new(m20261203_000004_add_search_columns::Migration),
            Box::new(m20261203_000005_index_unpaid_bills::Migration),
            Box::new(m20261204_000001_add_member_last_write::Migration),
            Box::new(m20261207_000001_create_import_files::Migration),
            Box::new(m20261207_000002_drop_stored_bill_totals::Migration),
        ]
    }
}

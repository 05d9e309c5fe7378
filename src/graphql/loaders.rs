//! Per-request dataloaders: related rows of one kind are fetched in one
//! query, whatever the length of the list that asks for them.
//!
//! They cache, so they are made afresh for every request (never kept in the
//! schema's data): one member's rows must never be served to another.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{bill, bill_line_item, meter_reading, notice_read, service_location, usage_alert};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::billing::service as billing;
use crate::error::AppError;

/// The loaders of one request.
pub struct Loaders {
    pub locations: DataLoader<LocationLoader>,
    pub latest_bills: DataLoader<LatestBillLoader>,
    pub readings: DataLoader<ReadingLoader>,
    pub line_items: DataLoader<LineItemLoader>,
    pub notice_reads: DataLoader<NoticeReadLoader>,
    pub bills_by_month: DataLoader<BillByMonthLoader>,
    pub alerts: DataLoader<AlertLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            locations: DataLoader::new(LocationLoader(db.clone()), tokio::spawn),
            latest_bills: DataLoader::new(LatestBillLoader(db.clone()), tokio::spawn),
            readings: DataLoader::new(ReadingLoader(db.clone()), tokio::spawn),
            line_items: DataLoader::new(LineItemLoader(db.clone()), tokio::spawn),
            notice_reads: DataLoader::new(NoticeReadLoader(db.clone()), tokio::spawn),
            bills_by_month: DataLoader::new(BillByMonthLoader(db.clone()), tokio::spawn),
            alerts: DataLoader::new(AlertLoader(db.clone()), tokio::spawn),
        }
    }
}

/// Service locations by ID.
pub struct LocationLoader(DatabaseConnection);

impl Loader<i64> for LocationLoader {
    type Value = service_location::Model;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = service_location::Entity::find()
            .filter(service_location::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// The latest bill of each service location, by location ID.
pub struct LatestBillLoader(DatabaseConnection);

impl Loader<i64> for LatestBillLoader {
    type Value = bill::Model;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = billing::latest_bills(&self.0, keys).await?;
        Ok(rows
            .into_iter()
            .map(|b| (b.service_location_id, b))
            .collect())
    }
}

/// High-usage flags by bill ID.
pub struct AlertLoader(DatabaseConnection);

impl Loader<i64> for AlertLoader {
    type Value = usage_alert::Model;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = usage_alert::Entity::find()
            .filter(usage_alert::Column::BillId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|a| (a.bill_id, a)).collect())
    }
}

/// Meter readings by ID.
pub struct ReadingLoader(DatabaseConnection);

impl Loader<i64> for ReadingLoader {
    type Value = meter_reading::Model;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = meter_reading::Entity::find()
            .filter(meter_reading::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// A bill's line items in order, by bill ID.
pub struct LineItemLoader(DatabaseConnection);

impl Loader<i64> for LineItemLoader {
    type Value = Vec<bill_line_item::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = bill_line_item::Entity::find()
            .filter(bill_line_item::Column::BillId.is_in(keys.iter().copied()))
            .order_by_asc(bill_line_item::Column::BillId)
            .order_by_asc(bill_line_item::Column::Position)
            .all(&self.0)
            .await?;
        let mut by_bill: HashMap<i64, Self::Value> = keys.iter().map(|k| (*k, vec![])).collect();
        for row in rows {
            by_bill.entry(row.bill_id).or_default().push(row);
        }
        Ok(by_bill)
    }
}

/// Whether a member has read a notice: keyed by (member ID, notice ID),
/// present only when read.
pub struct NoticeReadLoader(DatabaseConnection);

impl Loader<(i64, i64)> for NoticeReadLoader {
    type Value = chrono::DateTime<chrono::Utc>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(i64, i64)],
    ) -> Result<HashMap<(i64, i64), Self::Value>, Self::Error> {
        let members: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let notices: Vec<i64> = keys.iter().map(|k| k.1).collect();
        let rows = notice_read::Entity::find()
            .filter(notice_read::Column::MemberId.is_in(members))
            .filter(notice_read::Column::NoticeId.is_in(notices))
            .all(&self.0)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ((r.member_id, r.notice_id), r.read_at))
            .filter(|(k, _)| keys.contains(k))
            .collect())
    }
}

/// A location's bill for a billing month (the same period a year earlier),
/// by (location ID, `YYYY-MM`).
pub struct BillByMonthLoader(DatabaseConnection);

impl Loader<(i64, String)> for BillByMonthLoader {
    type Value = bill::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(i64, String)],
    ) -> Result<HashMap<(i64, String), Self::Value>, Self::Error> {
        let rows = bill::Entity::find()
            .filter(bill::Column::ServiceLocationId.is_in(keys.iter().map(|k| k.0)))
            .filter(bill::Column::BillingMonth.is_in(keys.iter().map(|k| k.1.clone())))
            .all(&self.0)
            .await?;
        Ok(rows
            .into_iter()
            .map(|b| ((b.service_location_id, b.billing_month.clone()), b))
            .filter(|(key, _)| keys.contains(key))
            .collect())
    }
}

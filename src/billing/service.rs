//! Reading bills and usage for a member's service locations.

use entity::{bill, service_location};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::BillingMonth;
use crate::error::BadInput;
use crate::error::{AppError, AppResult};

/// Longest usage history a client may ask for, in months.
pub const MAX_HISTORY_MONTHS: i32 = 120;

/// `YYYY-MM` as a count of months, for window arithmetic.
fn month_index(billing_month: &str) -> Option<i32> {
    BillingMonth::parse(billing_month)
        .ok()
        .map(BillingMonth::index)
}

fn month_from_index(index: i32) -> String {
    BillingMonth::from_index(index).to_string()
}

/// Picks each location's latest bill: its billing month is the greatest
/// of that location's (one index probe per location on
/// `(service_location_id, billing_month)`).
fn is_latest_of_its_location() -> sea_orm::sea_query::SimpleExpr {
    Expr::cust(
        r#""bills"."billing_month" = (SELECT MAX("latest"."billing_month") FROM "bills" AS "latest" WHERE "latest"."service_location_id" = "bills"."service_location_id")"#,
    )
}

/// The latest bill of each of `location_ids`, in one statement whatever
/// the number of locations.
pub async fn latest_bills(
    db: &impl ConnectionTrait,
    location_ids: &[i64],
) -> AppResult<Vec<bill::Model>> {
    if location_ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(bill::Entity::find()
        .filter(bill::Column::ServiceLocationId.is_in(location_ids.iter().copied()))
        .filter(is_latest_of_its_location())
        .all(db)
        .await?)
}

/// A member's service locations, by customer number, each with its latest
/// bill if it has one: one statement (a left join on the latest month).
pub async fn locations_with_latest_bills(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> AppResult<Vec<(service_location::Model, Option<bill::Model>)>> {
    Ok(service_location::Entity::find()
        .select_also(bill::Entity)
        .join(
            sea_orm::JoinType::LeftJoin,
            service_location::Entity::belongs_to(bill::Entity)
                .from(service_location::Column::Id)
                .to(bill::Column::ServiceLocationId)
                .on_condition(|_, _| is_latest_of_its_location().into())
                .into(),
        )
        .filter(service_location::Column::MemberId.eq(member_id))
        .order_by_asc(service_location::Column::CustomerNumber)
        .all(db)
        .await?)
}

/// One page of a location's bills, newest first; the cursor is the billing
/// month. Returns the page and whether more follow.
pub async fn bills_page(
    db: &impl ConnectionTrait,
    location_id: i64,
    first: u64,
    after_month: Option<&str>,
) -> AppResult<(Vec<bill::Model>, bool)> {
    let mut query = bill::Entity::find()
        .filter(bill::Column::ServiceLocationId.eq(location_id))
        .order_by_desc(bill::Column::BillingMonth)
        .limit(first + 1);
    if let Some(after) = after_month {
        query = query.filter(bill::Column::BillingMonth.lt(after));
    }
    let mut rows = query.all(db).await?;
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, has_next))
}

/// The bills of the last `months` months up to the location's latest bill,
/// oldest first: with bimonthly billing, 24 months are 12 bills.
pub async fn usage_history(
    db: &impl ConnectionTrait,
    location_id: i64,
    months: i32,
) -> AppResult<Vec<bill::Model>> {
    if !(1..=MAX_HISTORY_MONTHS).contains(&months) {
        return Err(AppError::BadRequest(BadInput::HistoryMonths {
            max: MAX_HISTORY_MONTHS as u32,
        }));
    }
    // At most one bill a month: the newest `months` bills cover the
    // window, whatever the reading cycle; one statement reads them.
    let mut newest = bill::Entity::find()
        .filter(bill::Column::ServiceLocationId.eq(location_id))
        .order_by_desc(bill::Column::BillingMonth)
        .limit(months as u64)
        .all(db)
        .await?;
    let Some(latest) = newest.first().and_then(|b| month_index(&b.billing_month)) else {
        return Ok(vec![]);
    };
    newest.retain(|b| month_index(&b.billing_month).is_some_and(|i| i > latest - months));
    newest.reverse();
    Ok(newest)
}

/// The same billing period a year earlier: `2026-11` → `2025-11`.
pub fn same_period_last_year(billing_month: &str) -> Option<String> {
    month_index(billing_month).map(|i| month_from_index(i - 12))
}

/// [`usage_history`], each period with the same period a year earlier
/// when there is one (read in the same statement: twelve months more).
pub async fn usage_history_with_last_year(
    db: &impl ConnectionTrait,
    location_id: i64,
    months: i32,
) -> AppResult<Vec<(bill::Model, Option<bill::Model>)>> {
    if !(1..=MAX_HISTORY_MONTHS).contains(&months) {
        return Err(AppError::BadRequest(BadInput::HistoryMonths {
            max: MAX_HISTORY_MONTHS as u32,
        }));
    }
    let wider = usage_history(
        db,
        location_id,
        std::cmp::min(months, MAX_HISTORY_MONTHS - 12) + 12,
    )
    .await?;
    let Some(latest) = wider.last().and_then(|b| month_index(&b.billing_month)) else {
        return Ok(vec![]);
    };
    let by_month: std::collections::HashMap<String, bill::Model> = wider
        .iter()
        .map(|b| (b.billing_month.clone(), b.clone()))
        .collect();
    Ok(wider
        .iter()
        .filter(|b| month_index(&b.billing_month).is_some_and(|i| i > latest - months))
        .map(|b| {
            let earlier =
                same_period_last_year(&b.billing_month).and_then(|m| by_month.get(&m).cloned());
            (b.clone(), earlier)
        })
        .collect())
}

/// A bill, if it belongs to one of `member_id`'s locations.
pub async fn bill_of_member(
    db: &impl ConnectionTrait,
    bill_id: i64,
    member_id: i64,
) -> AppResult<Option<bill::Model>> {
    Ok(bill::Entity::find_by_id(bill_id)
        .filter(
            Expr::col(bill::Column::ServiceLocationId).in_subquery(
                Query::select()
                    .column(service_location::Column::Id)
                    .from(service_location::Entity)
                    .and_where(service_location::Column::MemberId.eq(member_id))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_months_count_across_new_year() {
        let nov = month_index("2026-11").expect("valid");
        assert_eq!(month_from_index(nov - 23), "2024-12");
        assert_eq!(month_from_index(nov + 2), "2027-01");
        assert!(month_index("2026-13").is_none());
    }
}

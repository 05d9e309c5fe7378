//! High usage and possible leaks. After each import, a bill whose usage is
//! well above both the same period a year earlier and the location's
//! recent periods is flagged, once (one `usage_alerts` row per bill).
//!
//! The rule, with the city profile's `[usage_alert]` thresholds (defaults
//! in brackets): a bill of U m³ is flagged when the same period last year
//! (L m³) and at least `min_periods` [3] of the `typical_periods` [6]
//! periods before it (highest: T m³) are known, and
//! - U ≥ L × (100 + `over_last_year_percent` [50]) / 100, and
//! - U ≥ T × (100 + `over_typical_percent` [30]) / 100, and
//! - U − max(L, T) ≥ `min_excess_m3` [10] (a few m³ more is not a leak).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{bill, usage_alert};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;

use crate::domain::BillingMonth;
use crate::error::AppResult;

/// The thresholds of the rule (module docs).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AlertRule {
    pub over_last_year_percent: i32,
    pub over_typical_percent: i32,
    pub typical_periods: usize,
    pub min_periods: usize,
    pub min_excess_m3: i32,
}

impl Default for AlertRule {
    fn default() -> Self {
        Self {
            over_last_year_percent: 50,
            over_typical_percent: 30,
            typical_periods: 6,
            min_periods: 3,
            min_excess_m3: 10,
        }
    }
}

impl AlertRule {
    pub fn check(&self) -> Result<(), String> {
        if self.over_last_year_percent < 0 || self.over_typical_percent < 0 {
            return Err("usage_alert: percentages must not be negative".into());
        }
        if self.min_periods == 0 || self.min_periods > self.typical_periods {
            return Err("usage_alert: min_periods must be 1 to typical_periods".into());
        }
        if self.typical_periods > 24 {
            return Err("usage_alert: typical_periods must be at most 24".into());
        }
        Ok(())
    }

    /// The bills a location needs before one of them can be flagged: the
    /// bill itself and `min_periods` earlier ones (last year's among
    /// them, since it is required and recent enough to count).
    pub fn bills_needed(&self) -> usize {
        self.min_periods + 1
    }

    /// The figures that flag `usage`, if they do. `recent` are the usages
    /// of the periods before it, newest first.
    pub fn assess(&self, usage: i32, last_year: Option<i32>, recent: &[i32]) -> Option<Figures> {
        let last_year = last_year?;
        let recent = &recent[..recent.len().min(self.typical_periods)];
        if recent.len() < self.min_periods {
            return None;
        }
        let typical_high = *recent.iter().max()?;
        let above = |base: i32, percent: i32| {
            i64::from(usage) * 100 >= i64::from(base) * i64::from(100 + percent)
        };
        let flagged = above(last_year, self.over_last_year_percent)
            && above(typical_high, self.over_typical_percent)
            && usage - last_year.max(typical_high) >= self.min_excess_m3;
        flagged.then_some(Figures {
            usage,
            last_year,
            typical_high,
        })
    }
}

/// What a flag compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figures {
    pub usage: i32,
    pub last_year: i32,
    pub typical_high: i32,
}

impl Figures {
    /// The flag's row, for a bill of `location_id` in `billing_month`.
    pub fn row(
        self,
        location_id: i64,
        bill_id: i64,
        billing_month: &str,
        at: DateTime<Utc>,
    ) -> usage_alert::ActiveModel {
        usage_alert::ActiveModel {
            service_location_id: Set(location_id),
            bill_id: Set(bill_id),
            billing_month: Set(billing_month.to_string()),
            usage_m3: Set(self.usage),
            last_year_m3: Set(self.last_year),
            typical_high_m3: Set(self.typical_high),
            created_at: Set(at),
            ..Default::default()
        }
    }
}

/// A new flag, and whether its bill is its location's latest (only those
/// are mailed: a first load of two years' history mails nobody about old
/// periods).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flagged {
    pub alert: usage_alert::Model,
    pub latest: bool,
}

/// Flags those of `bills` the rule flags and no earlier pass did; returns
/// the new flags. Reads each location's two years before its bill, 400
/// locations a statement.
pub async fn flag(
    db: &impl ConnectionTrait,
    rule: &AlertRule,
    bills: &[&bill::Model],
    now: DateTime<Utc>,
) -> AppResult<Vec<Flagged>> {
    let mut flagged = vec![];
    for chunk in bills.chunks(400) {
        let location_ids: HashSet<i64> = chunk.iter().map(|b| b.service_location_id).collect();
        let history = bill::Entity::find()
            .filter(bill::Column::ServiceLocationId.is_in(location_ids.iter().copied()))
            .all(db)
            .await?;
        let mut by_location: HashMap<i64, Vec<(i32, i32)>> = HashMap::new();
        for b in &history {
            if let Ok(month) = BillingMonth::parse(&b.billing_month) {
                by_location
                    .entry(b.service_location_id)
                    .or_default()
                    .push((month.index(), b.usage_m3));
            }
        }
        let already: HashSet<i64> = usage_alert::Entity::find()
            .filter(usage_alert::Column::BillId.is_in(chunk.iter().map(|b| b.id)))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.bill_id)
            .collect();
        for bill in chunk.iter().filter(|b| !already.contains(&b.id)) {
            let Ok(month) = BillingMonth::parse(&bill.billing_month) else {
                continue;
            };
            let at = month.index();
            let periods = by_location
                .get(&bill.service_location_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let last_year = periods.iter().find(|(i, _)| *i == at - 12).map(|p| p.1);
            let mut recent: Vec<(i32, i32)> = periods
                .iter()
                .copied()
                .filter(|(i, _)| *i < at && *i >= at - 24)
                .collect();
            recent.sort_by_key(|p| std::cmp::Reverse(p.0));
            let recent: Vec<i32> = recent.into_iter().map(|p| p.1).collect();
            let Some(figures) = rule.assess(bill.usage_m3, last_year, &recent) else {
                continue;
            };
            let latest = periods.iter().all(|(i, _)| *i <= at);
            flagged.push((
                latest,
                figures.row(bill.service_location_id, bill.id, &bill.billing_month, now),
            ));
        }
    }
    let mut out = Vec::with_capacity(flagged.len());
    for (latest, alert) in flagged {
        let alert = usage_alert::Entity::insert(alert)
            .exec_with_returning(db)
            .await?;
        out.push(Flagged { alert, latest });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leak_is_well_above_last_year_and_the_recent_range() {
        let rule = AlertRule::default();
        let recent = [40, 43, 40, 37, 40, 44];
        // 95 m³ against 42 last year and at most 44 lately.
        assert_eq!(
            rule.assess(95, Some(42), &recent),
            Some(Figures {
                usage: 95,
                last_year: 42,
                typical_high: 44
            })
        );
        // Above last year only (a hot summer like the last): not flagged.
        assert_eq!(rule.assess(64, Some(42), &[60, 43, 40]), None);
        // Above the recent range only.
        assert_eq!(rule.assess(64, Some(60), &recent), None);
        // Relatively high, but only a few m³: a small household.
        assert_eq!(rule.assess(8, Some(2), &[2, 3, 2]), None);
        // Without last year's period or enough history nothing is said.
        assert_eq!(rule.assess(95, None, &recent), None);
        assert_eq!(rule.assess(95, Some(42), &[40, 41]), None);
        // Only the newest `typical_periods` count.
        assert_eq!(
            rule.assess(95, Some(42), &[40, 40, 40, 40, 40, 40, 200])
                .map(|f| f.typical_high),
            Some(40)
        );
    }

    #[test]
    fn a_location_needs_bills_needed_bills_before_one_is_flagged() {
        // The import walks only locations with this many bills: fewer
        // must never flag.
        let rule = AlertRule::default();
        let earlier = vec![40; rule.bills_needed() - 1];
        assert!(rule.assess(95, Some(40), &earlier).is_some());
        assert!(rule.assess(95, Some(40), &earlier[1..]).is_none());
    }

    #[test]
    fn a_rule_that_could_never_hold_is_refused() {
        let mut rule = AlertRule::default();
        assert!(rule.check().is_ok());
        rule.min_periods = 7;
        assert!(rule.check().is_err());
    }
}

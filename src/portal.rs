//! The portal as a whole: service hours, the last data update, greetings and
//! the secret-question list shown on the login screen.

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use chrono_tz::Asia::Tokyo;
use entity::data_import;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

use crate::error::{AppError, AppResult};

/// When members may use the portal (Asia/Tokyo wall-clock times).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceHours {
    Always,
    /// Open from `opens` until `closes`; `closes` before `opens` means the
    /// portal stays open past midnight (07:00–02:00).
    Daily {
        opens: NaiveTime,
        closes: NaiveTime,
    },
}

impl ServiceHours {
    /// Whether the portal is open at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        match *self {
            Self::Always => true,
            Self::Daily { opens, closes } => {
                let t = now.with_timezone(&Tokyo).time();
                if opens < closes {
                    opens <= t && t < closes
                } else {
                    t >= opens || t < closes
                }
            }
        }
    }

    /// The next opening after `now`, if the portal is closed at `now`.
    pub fn next_opens_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let Self::Daily { opens, .. } = *self else {
            return None;
        };
        if self.is_open(now) {
            return None;
        }
        let local = now.with_timezone(&Tokyo);
        let day = if local.time() < opens {
            local.date_naive()
        } else {
            local.date_naive() + Duration::days(1)
        };
        day.and_time(opens)
            .and_local_timezone(Tokyo)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Fails with `OUTSIDE_SERVICE_HOURS` when the portal is closed.
    pub fn ensure_open(&self, now: DateTime<Utc>) -> AppResult<()> {
        if self.is_open(now) {
            Ok(())
        } else {
            Err(AppError::OutsideServiceHours {
                next_opens_at: self.next_opens_at(now),
            })
        }
    }

    pub fn bounds(&self) -> (String, String) {
        match self {
            Self::Always => ("00:00".into(), "24:00".into()),
            Self::Daily { opens, closes } => (
                opens.format("%H:%M").to_string(),
                closes.format("%H:%M").to_string(),
            ),
        }
    }
}

/// Which greeting the hour in Asia/Tokyo calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Greeting {
    Morning,
    Day,
    Evening,
}

pub fn greeting(now: DateTime<Utc>) -> Greeting {
    match now.with_timezone(&Tokyo).hour() {
        4..=10 => Greeting::Morning,
        11..=17 => Greeting::Day,
        _ => Greeting::Evening,
    }
}

/// When the billing data was last loaded, if ever.
pub async fn last_data_update(db: &impl ConnectionTrait) -> AppResult<Option<DateTime<Utc>>> {
    let latest = data_import::Entity::find()
        .select_only()
        .column(data_import::Column::ImportedAt)
        .order_by_desc(data_import::Column::ImportedAt)
        .limit(1)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?;
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn tokyo(h: u32, m: u32) -> DateTime<Utc> {
        Tokyo
            .with_ymd_and_hms(2026, 11, 24, h, m, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .expect("valid time")
    }

    fn kanazawa() -> ServiceHours {
        ServiceHours::Daily {
            opens: NaiveTime::from_hms_opt(7, 0, 0).expect("valid"),
            closes: NaiveTime::from_hms_opt(2, 0, 0).expect("valid"),
        }
    }

    #[test]
    fn the_portal_is_open_from_seven_until_two_past_midnight() {
        let hours = kanazawa();
        assert!(hours.is_open(tokyo(7, 0)));
        assert!(hours.is_open(tokyo(23, 59)));
        assert!(hours.is_open(tokyo(1, 59)));
        assert!(!hours.is_open(tokyo(2, 0)));
        assert!(!hours.is_open(tokyo(6, 59)));
    }

    #[test]
    fn when_closed_it_says_when_it_opens_next() {
        let hours = kanazawa();
        assert_eq!(hours.next_opens_at(tokyo(3, 30)), Some(tokyo(7, 0)));
        assert_eq!(hours.next_opens_at(tokyo(12, 0)), None);
        assert!(ServiceHours::Always.next_opens_at(tokyo(3, 0)).is_none());
    }

    #[test]
    fn greetings_follow_the_hour_in_tokyo() {
        assert_eq!(greeting(tokyo(8, 0)), Greeting::Morning);
        assert_eq!(greeting(tokyo(13, 0)), Greeting::Day);
        assert_eq!(greeting(tokyo(20, 0)), Greeting::Evening);
        assert_eq!(greeting(tokyo(1, 0)), Greeting::Evening);
    }
}

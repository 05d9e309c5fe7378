//! Dates, times, money and volumes as a member reads them, in their
//! language: the one place that formats them.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Asia::Tokyo;

use super::Lang;
use crate::domain::BillingMonth;

const JA_WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
const EN_WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Ja => JA_WEEKDAYS[i],
        Lang::En => EN_WEEKDAYS[i],
    }
}

fn en_month(month: u32) -> &'static str {
    EN_MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// 2026年12月31日(木) / Thu 31 December 2026.
pub fn date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Ja => format!(
            "{}年{}月{}日({})",
            day.year(),
            day.month(),
            day.day(),
            weekday(lang, day.weekday())
        ),
        Lang::En => format!(
            "{} {} {} {}",
            weekday(lang, day.weekday()),
            day.day(),
            en_month(day.month()),
            day.year()
        ),
    }
}

/// 2026年12月3日(木) 4時22分 / Thu 3 December 2026, 04:22 (Japan time).
pub fn date_time(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Tokyo);
    let day = date(lang, local.date_naive());
    match lang {
        Lang::Ja => format!("{day} {}時{:02}分", local.hour(), local.minute()),
        Lang::En => format!(
            "{day}, {:02}:{:02} (Japan time)",
            local.hour(),
            local.minute()
        ),
    }
}

/// 7時 / 7時30分 / 07:30: a wall-clock time in Asia/Tokyo.
pub fn clock(lang: Lang, hour: u32, minute: u32) -> String {
    match lang {
        Lang::Ja if minute == 0 => format!("{hour}時"),
        Lang::Ja => format!("{hour}時{minute:02}分"),
        Lang::En => format!("{hour:02}:{minute:02}"),
    }
}

/// A billing month `YYYY-MM`: 2026年12月 / December 2026. Anything else is
/// shown as it is.
pub fn month(lang: Lang, billing_month: &str) -> String {
    match (BillingMonth::parse(billing_month), lang) {
        (Ok(m), Lang::Ja) => format!("{}年{}月", m.year(), m.month()),
        (Ok(m), Lang::En) => format!("{} {}", en_month(m.month()), m.year()),
        (Err(_), _) => billing_month.to_string(),
    }
}

/// Thousands grouped: `10,296`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 12,345円 / ¥12,345.
pub fn yen(lang: Lang, amount: i64) -> String {
    match lang {
        Lang::Ja => format!("{}円", grouped(amount)),
        Lang::En if amount < 0 => format!("-¥{}", grouped(-amount)),
        Lang::En => format!("¥{}", grouped(amount)),
    }
}

/// 23m³ / 23 m³.
pub fn volume(lang: Lang, cubic_meters: i64) -> String {
    match lang {
        Lang::Ja => format!("{}m³", grouped(cubic_meters)),
        Lang::En => format!("{} m³", grouped(cubic_meters)),
    }
}

/// A billing period's volume: 23m³（2か月分） / 23 m³ (2 months).
pub fn period_volume(lang: Lang, cubic_meters: i64, months: u32) -> String {
    let v = volume(lang, cubic_meters);
    match (lang, months) {
        (Lang::Ja, _) => format!("{v}（{months}か月分）"),
        (Lang::En, 1) => format!("{v} (1 month)"),
        (Lang::En, _) => format!("{v} ({months} months)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    #[test]
    fn dates_read_as_members_write_them() {
        assert_eq!(date(Lang::Ja, day(2026, 12, 31)), "2026年12月31日(木)");
        assert_eq!(date(Lang::En, day(2026, 12, 31)), "Thu 31 December 2026");
    }

    #[test]
    fn times_are_shown_in_japan_time() {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 2, 19, 22, 0)
            .single()
            .expect("valid");
        assert_eq!(date_time(Lang::Ja, at), "2026年12月3日(木) 4時22分");
        assert_eq!(
            date_time(Lang::En, at),
            "Thu 3 December 2026, 04:22 (Japan time)"
        );
    }

    #[test]
    fn money_and_volumes_are_grouped() {
        assert_eq!(yen(Lang::Ja, 1_234_567), "1,234,567円");
        assert_eq!(yen(Lang::Ja, 999), "999円");
        assert_eq!(yen(Lang::En, -1_000), "-¥1,000");
        assert_eq!(period_volume(Lang::Ja, 23, 2), "23m³（2か月分）");
        assert_eq!(period_volume(Lang::En, 1_200, 2), "1,200 m³ (2 months)");
    }

    #[test]
    fn billing_months_read_as_months() {
        assert_eq!(month(Lang::Ja, "2026-12"), "2026年12月");
        assert_eq!(month(Lang::En, "2026-02"), "February 2026");
        assert_eq!(month(Lang::Ja, "junk"), "junk");
    }
}

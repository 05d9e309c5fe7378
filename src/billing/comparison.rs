//! Compared with last year: a billing period against the same period a
//! year earlier, and the sentence a screen reader speaks for it.

use entity::bill;

use crate::i18n::{Lang, format};
use crate::t;

/// A period's figures against the same period a year earlier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearOnYear {
    /// `YYYY-MM` of the earlier period.
    pub billing_month: String,
    pub usage_m3: i32,
    pub amount_yen: i64,
    /// This period minus last year's.
    pub usage_difference: i32,
    pub amount_difference: i64,
    /// The usage difference in percent of last year's, rounded; none when
    /// last year's was 0.
    pub usage_percent: Option<i32>,
}

/// This period's usage against an earlier one's, in whole percent.
pub fn percent(now: i64, before: i64) -> Option<i32> {
    (before > 0).then(|| {
        let change = (now - before) * 100;
        // Rounded half away from zero, as people round.
        ((change + change.signum() * before / 2) / before) as i32
    })
}

pub fn compare(current: &bill::Model, last_year: &bill::Model) -> YearOnYear {
    YearOnYear {
        billing_month: last_year.billing_month.clone(),
        usage_m3: last_year.usage_m3,
        amount_yen: last_year.amount_yen,
        usage_difference: current.usage_m3 - last_year.usage_m3,
        amount_difference: current.amount_yen - last_year.amount_yen,
        usage_percent: percent(current.usage_m3.into(), last_year.usage_m3.into()),
    }
}

/// 「前年同期より3m³（8%）少なくなっています。」
pub fn sentence(lang: Lang, difference: i64, percent: Option<i32>) -> String {
    let volume = format::volume(lang, difference.abs());
    let Some(percent) = percent.map(|p| p.abs().to_string()) else {
        // Nothing last year: no percentage to tell.
        return match difference.signum() {
            0 => t!(lang, "compare-same"),
            _ => t!(lang, "compare-more-plain", volume = volume),
        };
    };
    match difference.signum() {
        1 => t!(lang, "compare-more", volume = volume, percent = percent),
        -1 => t!(lang, "compare-less", volume = volume, percent = percent),
        _ => t!(lang, "compare-same"),
    }
}

/// The graph's meaning in one sentence: the latest twelve months' usage
/// against the twelve before, from `points` oldest first (bimonthly: the
/// last six periods against the six before).
pub fn graph_sentence(lang: Lang, usages: &[i32], periods_a_year: usize) -> String {
    if usages.len() < 2 * periods_a_year || periods_a_year == 0 {
        let total: i64 = usages.iter().map(|u| i64::from(*u)).sum();
        return t!(
            lang,
            "compare-graph-short",
            volume = format::volume(lang, total)
        );
    }
    let split = usages.len() - periods_a_year;
    let recent: i64 = usages[split..].iter().map(|u| i64::from(*u)).sum();
    let before: i64 = usages[split - periods_a_year..split]
        .iter()
        .map(|u| i64::from(*u))
        .sum();
    t!(
        lang,
        "compare-graph",
        volume = format::volume(lang, recent),
        comparison = sentence(lang, recent - before, percent(recent, before))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_says_how_much_and_which_way() {
        // 37 m³ after 40 m³: 3 m³ less, 7.5 % → 8 %.
        assert_eq!(percent(37, 40), Some(-8));
        assert_eq!(
            sentence(Lang::Ja, -3, percent(37, 40)),
            "前年同期より3m³（8%）少なくなっています。"
        );
        assert_eq!(
            sentence(Lang::En, 5, percent(45, 40)),
            "5 m³ (13%) more than the same period last year."
        );
        assert_eq!(sentence(Lang::Ja, 0, Some(0)), "前年同期と同じです。");
        assert_eq!(percent(5, 0), None);
    }

    #[test]
    fn the_graph_compares_the_latest_year_with_the_one_before() {
        let usages = [40, 40, 40, 40, 40, 40, 38, 38, 38, 38, 38, 38];
        assert_eq!(
            graph_sentence(Lang::Ja, &usages, 6),
            "直近1年のご使用水量は228m³で、前年同期より12m³（5%）少なくなっています。"
        );
    }
}

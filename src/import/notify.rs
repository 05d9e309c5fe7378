//! Notification mails after an import: a new bill to its location's member
//! (`billIssued`), a new notice to its members (`noticePublished`). Each
//! mail carries a dedup key, so nobody gets the same one twice, whatever
//! is re-run.

use std::collections::HashMap;

use entity::types::MemberStatus;
use entity::{bill, member, notice, service_location};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use entity::types::PaymentMethod;

use crate::accounts::mails::{Addressee, compose, member_lang};
use crate::error::AppResult;
use crate::i18n::format;
use crate::mail::{self, OutgoingMail};
use crate::t;

/// 「2026年12月分のご請求のお知らせ」: the figures, and when it is paid.
fn bill_mail(
    member: &member::Model,
    email: &str,
    bill: &bill::Model,
    location: &service_location::Model,
) -> OutgoingMail {
    let lang = member_lang(member);
    let month = format::month(lang, &bill.billing_month);
    let due = format::date(lang, bill.due_date);
    let payment = if bill.payment_method == Some(PaymentMethod::AccountTransfer) {
        t!(lang, "mail-bill-transfer", date = due)
    } else {
        t!(lang, "mail-bill-due", date = due)
    };
    compose(
        lang,
        email,
        Addressee::Member(member),
        t!(lang, "mail-bill-issued-subject", month = month.as_str()),
        t!(
            lang,
            "mail-bill-issued-body",
            month = month.as_str(),
            customer_number = location.customer_number.as_str(),
            address = location.address.as_str(),
            usage = format::period_volume(
                lang,
                bill.usage_m3.into(),
                crate::billing::explain::period_months(bill.period_start, bill.period_end)
                    .unsigned_abs()
            ),
            amount = format::yen(lang, bill.amount_yen),
            tax = format::yen(lang, bill.tax_yen),
            payment = payment
        ),
        Some(t!(lang, "mail-settings-hint")),
    )
}

/// Queues one mail per new bill whose member wants them.
pub async fn bills_issued(
    db: &impl ConnectionTrait,
    bills: &[&bill::Model],
    by_id: &HashMap<i64, service_location::Model>,
) -> AppResult<usize> {
    let member_ids: Vec<i64> = bills
        .iter()
        .filter_map(|b| by_id.get(&b.service_location_id).and_then(|l| l.member_id))
        .collect();
    let mut members = HashMap::new();
    for chunk in member_ids.chunks(400) {
        let rows = member::Entity::find()
            .filter(member::Column::Id.is_in(chunk.iter().copied()))
            .filter(member::Column::Status.eq(MemberStatus::Active))
            .filter(member::Column::NotifyBillIssued.eq(true))
            .all(db)
            .await?;
        members.extend(rows.into_iter().map(|m| (m.id, m)));
    }
    let mut queued = 0;
    for bill in bills {
        let Some(location) = by_id.get(&bill.service_location_id) else {
            continue;
        };
        let Some(member) = location.member_id.and_then(|id| members.get(&id)) else {
            continue;
        };
        let Some(email) = &member.email else { continue };
        mail::enqueue(
            db,
            bill_mail(member, email, bill, location),
            Some(format!("bill-issued:{}:{}", bill.id, member.id)),
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// Queues one mail per new notice and member who wants them.
pub async fn notices_published(
    db: &impl ConnectionTrait,
    notices: &[notice::Model],
) -> AppResult<usize> {
    if notices.is_empty() {
        return Ok(0);
    }
    let subscribers = member::Entity::find()
        .filter(member::Column::Status.eq(MemberStatus::Active))
        .filter(member::Column::NotifyNoticePublished.eq(true))
        .filter(member::Column::Email.is_not_null())
        .all(db)
        .await?;
    let mut queued = 0;
    for notice in notices {
        for member in subscribers
            .iter()
            .filter(|m| notice.member_id.is_none_or(|to| to == m.id))
        {
            let Some(email) = &member.email else { continue };
            let lang = member_lang(member);
            mail::enqueue(
                db,
                compose(
                    lang,
                    email,
                    Addressee::Member(member),
                    t!(
                        lang,
                        "mail-notice-published-subject",
                        title = notice.title.as_str()
                    ),
                    t!(
                        lang,
                        "mail-notice-published-body",
                        title = notice.title.as_str(),
                        body = notice.body.as_str()
                    ),
                    Some(t!(lang, "mail-settings-hint")),
                ),
                Some(format!("notice-published:{}:{}", notice.id, member.id)),
            )
            .await?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// What a member is asked to check when usage is flagged, in order.
pub fn leak_checks(lang: crate::i18n::Lang) -> Vec<String> {
    vec![
        t!(lang, "leak-check-faucet"),
        t!(lang, "leak-check-toilet"),
        t!(lang, "leak-check-pilot"),
    ]
}

/// Queues one mail per new flag on a location's latest bill, to its
/// member if they opted in (`notificationSettings.highUsage`).
pub async fn high_usage(
    db: &impl ConnectionTrait,
    flagged: &[crate::billing::alerts::Flagged],
    by_id: &HashMap<i64, service_location::Model>,
) -> AppResult<usize> {
    let mut queued = 0;
    for flag in flagged.iter().filter(|f| f.latest) {
        let alert = &flag.alert;
        let Some(location) = by_id.get(&alert.service_location_id) else {
            continue;
        };
        let Some(member_id) = location.member_id else {
            continue;
        };
        let Some(member) = member::Entity::find_by_id(member_id)
            .filter(member::Column::Status.eq(MemberStatus::Active))
            .filter(member::Column::NotifyHighUsage.eq(true))
            .one(db)
            .await?
        else {
            continue;
        };
        let Some(email) = &member.email else { continue };
        let lang = member_lang(&member);
        let month = format::month(lang, &alert.billing_month);
        let checks: String = leak_checks(lang)
            .iter()
            .map(|c| match lang {
                crate::i18n::Lang::Ja => format!("・{c}\n"),
                crate::i18n::Lang::En => format!("- {c}\n"),
            })
            .collect();
        let body = t!(
            lang,
            "mail-high-usage-body",
            month = month.as_str(),
            customer_number = location.customer_number.as_str(),
            address = location.address.as_str(),
            usage = format::volume(lang, alert.usage_m3.into()),
            last_year = format::volume(lang, alert.last_year_m3.into()),
            typical = format::volume(lang, alert.typical_high_m3.into()),
            checks = checks.trim_end()
        );
        mail::enqueue(
            db,
            compose(
                lang,
                email,
                Addressee::Member(&member),
                t!(lang, "mail-high-usage-subject", month = month.as_str()),
                body,
                Some(t!(lang, "mail-settings-hint")),
            ),
            Some(format!("high-usage:{}:{}", alert.bill_id, member.id)),
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}

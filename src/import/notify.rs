//! Notification mails after an import: a new bill to its location's member
//! (`billIssued`), a new notice to its members (`noticePublished`). Each
//! mail carries a dedup key, so nobody gets the same one twice, whatever
//! is re-run.

use std::collections::HashMap;

use entity::types::MemberStatus;
use entity::{bill, member, notice, service_location};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::Yen;
use crate::error::AppResult;
use crate::mail::{self, OutgoingMail};

const SIGNATURE: &str = "\n\n――――――――――――――――――――\n金沢市上下水道局 お客さまサービス\n\
通知メールの設定は、ポータルサイトの「会員登録情報の照会・変更」から変更できます。\n";

/// Queues one mail per new bill whose member wants them.
pub async fn bills_issued(
    db: &impl ConnectionTrait,
    bills: &[&bill::Model],
    locations: &HashMap<String, service_location::Model>,
) -> AppResult<usize> {
    let by_id: HashMap<i64, &service_location::Model> =
        locations.values().map(|l| (l.id, l)).collect();
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
        let body = format!(
            "{} 様\n\n{}分のご請求が確定しました。\n\n\
             お客様番号: {}\n給水場所: {}\nご使用水量: {} m³\nご請求金額: {} 円（うち消費税等 {} 円）\n\
             お支払期限: {}\n\n明細はポータルサイトの「料金明細」でご覧いただけます。{SIGNATURE}",
            member.display_name,
            bill.billing_month,
            location.customer_number,
            location.address,
            bill.usage_m3,
            Yen(bill.amount_yen),
            Yen(bill.tax_yen),
            bill.due_date.format("%Y-%m-%d"),
        );
        mail::enqueue(
            db,
            OutgoingMail {
                to: email.clone(),
                subject: format!(
                    "【金沢市上下水道局】{}分のご請求のお知らせ",
                    bill.billing_month
                ),
                body,
            },
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
            mail::enqueue(
                db,
                OutgoingMail {
                    to: email.clone(),
                    subject: format!("【金沢市上下水道局】お知らせ: {}", notice.title),
                    body: format!(
                        "{} 様\n\n上下水道局から新しいお知らせがあります。\n\n{}\n\n{}{SIGNATURE}",
                        member.display_name, notice.title, notice.body
                    ),
                },
                Some(format!("notice-published:{}:{}", notice.id, member.id)),
            )
            .await?;
            queued += 1;
        }
    }
    Ok(queued)
}

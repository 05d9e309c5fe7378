//! Listing notices a member may see and marking them read.

use chrono::{DateTime, Duration, Utc};
use entity::{notice, notice_read};
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::error::Missing;
use crate::error::{AppError, AppResult};

/// A notice carries the "New" mark for this long after publication.
pub const NEW_FOR_DAYS: i64 = 7;

/// Whether a notice published at `published_at` is new at `now`.
pub fn is_new(published_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    published_at > now - Duration::days(NEW_FOR_DAYS)
}

/// Where a page of notices resumes: after this publication time and ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeCursor {
    pub published_at: DateTime<Utc>,
    pub id: i64,
}

impl NoticeCursor {
    pub fn encode(&self) -> String {
        format!("{}:{}", self.published_at.timestamp_micros(), self.id)
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (micros, id) = raw.split_once(':')?;
        Some(Self {
            published_at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: id.parse().ok()?,
        })
    }
}

fn visible_to(member_id: i64) -> Condition {
    Condition::all()
        .add(
            Condition::any()
                .add(notice::Column::MemberId.is_null())
                .add(notice::Column::MemberId.eq(member_id)),
        )
        .add(notice::Column::PublishedAt.lte(crate::clock::now()))
}

/// A page of the notices `member_id` may see, newest first, each with
/// whether the member has read it (one statement), and whether more
/// follow.
pub async fn page(
    db: &impl ConnectionTrait,
    member_id: i64,
    first: u64,
    after: Option<&NoticeCursor>,
) -> AppResult<(Vec<(notice::Model, bool)>, bool)> {
    let mut query = notice::Entity::find()
        .select_also(notice_read::Entity)
        .join(
            sea_orm::JoinType::LeftJoin,
            notice::Entity::belongs_to(notice_read::Entity)
                .from(notice::Column::Id)
                .to(notice_read::Column::NoticeId)
                .on_condition(move |_, read| {
                    Condition::all().add(
                        sea_orm::sea_query::Expr::col((read, notice_read::Column::MemberId))
                            .eq(member_id),
                    )
                })
                .into(),
        )
        .filter(visible_to(member_id))
        .order_by_desc(notice::Column::PublishedAt)
        .order_by_desc(notice::Column::Id)
        .limit(first + 1);
    if let Some(after) = after {
        query = query.filter(
            Condition::any()
                .add(notice::Column::PublishedAt.lt(after.published_at))
                .add(
                    notice::Column::PublishedAt
                        .eq(after.published_at)
                        .and(notice::Column::Id.lt(after.id)),
                ),
        );
    }
    let mut rows: Vec<(notice::Model, bool)> = query
        .all(db)
        .await?
        .into_iter()
        .map(|(notice, read)| (notice, read.is_some()))
        .collect();
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, has_next))
}

/// A notice, if `member_id` may see it.
pub async fn notice_for(
    db: &impl ConnectionTrait,
    member_id: i64,
    notice_id: i64,
) -> AppResult<Option<notice::Model>> {
    Ok(notice::Entity::find_by_id(notice_id)
        .filter(visible_to(member_id))
        .one(db)
        .await?)
}

/// Marks a notice read for a member; marking it again changes nothing.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    member_id: i64,
    notice_id: i64,
) -> AppResult<notice::Model> {
    let notice = notice_for(db, member_id, notice_id)
        .await?
        .ok_or(AppError::NotFound(Missing::Notice))?;
    notice_read::Entity::insert(notice_read::ActiveModel {
        member_id: Set(member_id),
        notice_id: Set(notice_id),
        read_at: Set(crate::clock::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(notice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_new_for_a_week() {
        let now = crate::clock::now();
        assert!(is_new(now - Duration::days(6), now));
        assert!(!is_new(now - Duration::days(8), now));
    }

    #[test]
    fn cursors_round_trip() {
        let c = NoticeCursor {
            published_at: DateTime::from_timestamp_micros(1_764_000_000_123_456).expect("valid"),
            id: 42,
        };
        assert_eq!(NoticeCursor::decode(&c.encode()), Some(c));
        assert_eq!(NoticeCursor::decode("garbage"), None);
    }
}

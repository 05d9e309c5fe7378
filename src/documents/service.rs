//! Which documents a member may see, and their signed download links.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{document, service_location};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::error::AppResult;
use crate::secrets::Secrets;

/// How long a download link works.
pub const LINK_VALID_MINUTES: i64 = 10;

/// A document without its content (lists never load the files).
#[derive(Clone, Debug, FromQueryResult)]
pub struct DocumentMeta {
    pub id: i64,
    pub service_location_id: i64,
    pub kind: entity::types::DocumentKind,
    pub title: String,
    pub issued_on: NaiveDate,
    pub size_bytes: i64,
}

fn of_member(member_id: i64) -> sea_orm::sea_query::SimpleExpr {
    Expr::col((document::Entity, document::Column::ServiceLocationId)).in_subquery(
        Query::select()
            .column(service_location::Column::Id)
            .from(service_location::Entity)
            .and_where(service_location::Column::MemberId.eq(member_id))
            .to_owned(),
    )
}

/// A page of a member's documents, newest first.
pub async fn page_for_member(
    db: &impl ConnectionTrait,
    member_id: i64,
    first: u64,
    after: Option<(NaiveDate, i64)>,
) -> AppResult<(Vec<DocumentMeta>, bool)> {
    let mut query = document::Entity::find()
        .select_only()
        .columns([
            document::Column::Id,
            document::Column::ServiceLocationId,
            document::Column::Kind,
            document::Column::Title,
            document::Column::IssuedOn,
            document::Column::SizeBytes,
        ])
        .filter(of_member(member_id))
        .order_by_desc(document::Column::IssuedOn)
        .order_by_desc(document::Column::Id)
        .limit(first + 1);
    if let Some((issued_on, id)) = after {
        query = query.filter(
            Condition::any()
                .add(document::Column::IssuedOn.lt(issued_on))
                .add(
                    document::Column::IssuedOn
                        .eq(issued_on)
                        .and(document::Column::Id.lt(id)),
                ),
        );
    }
    let mut rows = query.into_model::<DocumentMeta>().all(db).await?;
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, has_next))
}

/// A document with its content, if it is one of the member's.
pub async fn document_of_member(
    db: &impl ConnectionTrait,
    id: i64,
    member_id: i64,
) -> AppResult<Option<document::Model>> {
    Ok(document::Entity::find_by_id(id)
        .filter(of_member(member_id))
        .one(db)
        .await?)
}

fn link_message(document_id: i64, member_id: i64, expires: i64) -> String {
    format!("document:{document_id}:member:{member_id}:expires:{expires}")
}

/// `/documents/ID?member=…&expires=…&signature=…`, valid for a few minutes.
pub fn signed_path(
    secrets: &Secrets,
    document_id: i64,
    member_id: i64,
    now: DateTime<Utc>,
) -> String {
    let expires = (now + Duration::minutes(LINK_VALID_MINUTES)).timestamp();
    let signature = secrets.sign_link(&link_message(document_id, member_id, expires));
    format!("/documents/{document_id}?member={member_id}&expires={expires}&signature={signature}")
}

/// The member a signed link was made for, if it is genuine and not expired.
pub fn verify_link(
    secrets: &Secrets,
    document_id: i64,
    member: &str,
    expires: &str,
    signature: &str,
    now: DateTime<Utc>,
) -> Option<i64> {
    let member_id: i64 = member.parse().ok()?;
    let expires: i64 = expires.parse().ok()?;
    (expires > now.timestamp()
        && secrets.verify_link(&link_message(document_id, member_id, expires), signature))
    .then_some(member_id)
}

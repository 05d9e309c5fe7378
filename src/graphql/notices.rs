//! Notices over GraphQL: the list with New and read marks, one notice, and
//! marking it read.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, Object, SimpleObject};
use entity::notice;

use crate::error::AppError;
use crate::error::{BadInput, Missing};
use crate::graphql::errors::{self, GqlResult, Refusal, UserError};
use crate::graphql::guard;
use crate::graphql::pagination::{decode_cursor, encode_cursor, page_size};
use crate::graphql::{AppContext, parse_id, scalars::DateTime};
use crate::notices::service::{self, NoticeCursor};

/// A notice as one member sees it.
pub struct Notice {
    row: notice::Model,
    member_id: i64,
    /// Whether the member has read it, when the query that found it said
    /// so (a page of notices); otherwise the read-mark loader asks.
    read: Option<bool>,
}

#[Object]
impl Notice {
    async fn id(&self) -> ID {
        self.row.id.into()
    }
    async fn title(&self) -> &str {
        &self.row.title
    }
    async fn body(&self) -> &str {
        &self.row.body
    }
    async fn published_at(&self) -> DateTime {
        DateTime(self.row.published_at)
    }
    /// The "New" mark: published within the last week.
    async fn is_new(&self) -> bool {
        service::is_new(self.row.published_at, crate::clock::now())
    }
    /// Whether this member has opened it.
    async fn is_read(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        if let Some(read) = self.read {
            return Ok(read);
        }
        let read = ctx
            .loaders()
            .notice_reads
            .load_one((self.member_id, self.row.id))
            .await?;
        Ok(read.is_some())
    }
}

#[derive(SimpleObject, Default)]
pub struct MarkNoticeReadPayload {
    pub notice: Option<Notice>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct NoticeQuery;

#[Object]
impl NoticeQuery {
    /// Notices to every member and to the signed-in member, newest first.
    async fn notices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, Notice>> {
        let member = guard::member(ctx).await?;
        let first = page_size(first)?;
        let after = match after {
            Some(raw) => Some(
                NoticeCursor::decode(&decode_cursor(&raw)?)
                    .ok_or_else(|| AppError::BadRequest(BadInput::Cursor))?,
            ),
            None => None,
        };
        let (rows, has_next) = service::page(ctx.db(), member.id, first, after.as_ref()).await?;
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(rows.into_iter().map(|(row, read)| {
            let cursor = NoticeCursor {
                published_at: row.published_at,
                id: row.id,
            };
            Edge::new(
                encode_cursor(&cursor.encode()),
                Notice {
                    row,
                    member_id: member.id,
                    read: Some(read),
                },
            )
        }));
        Ok(connection)
    }

    /// One notice the signed-in member may see.
    async fn notice(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Notice>> {
        let member = guard::member(ctx).await?;
        let id = parse_id(&id, Missing::Notice)?;
        service::notice_for(ctx.db(), member.id, id)
            .await?
            .map(|row| {
                Some(Notice {
                    row,
                    member_id: member.id,
                    read: None,
                })
            })
            .ok_or(AppError::NotFound(Missing::Notice).into())
    }
}

#[derive(Default)]
pub struct NoticeMutation;

#[Object]
impl NoticeMutation {
    /// Marks a notice read for the signed-in member.
    async fn mark_notice_read(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> GqlResult<MarkNoticeReadPayload> {
        let member = guard::member(ctx).await?;
        let not_found = || MarkNoticeReadPayload {
            user_errors: vec![errors::refusal(Refusal::NoticeNotFound)],
            ..Default::default()
        };
        let Ok(id) = parse_id(&id, Missing::Notice) else {
            return Ok(not_found());
        };
        match service::mark_read(ctx.db(), member.id, id).await {
            Ok(row) => Ok(MarkNoticeReadPayload {
                notice: Some(Notice {
                    row,
                    member_id: member.id,
                    read: Some(true),
                }),
                user_errors: vec![],
            }),
            Err(AppError::NotFound(_)) => Ok(not_found()),
            Err(other) => Err(other.into()),
        }
    }
}

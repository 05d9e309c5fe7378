//! Documents over GraphQL: a member's documents across all their service
//! locations, newest first, each with a short-lived download link.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, Object};
use chrono::NaiveDate;

use crate::documents::service::{self, DocumentMeta};
use crate::error::{AppError, AppResult};
use crate::error::{BadInput, Missing};
use crate::graphql::accounts::ServiceLocation;
use crate::graphql::errors::GqlResult;
use crate::graphql::pagination::{decode_cursor, encode_cursor, page_size};
use crate::graphql::{AppContext, scalars::Date};

/// What kind of notice a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum DocumentKind {
    /// 検針のお知らせ
    MeterReading,
    /// 料金改定のお知らせ
    TariffChange,
    /// 未納・督促のお知らせ
    PaymentReminder,
    Other,
}

impl DocumentKind {
    pub fn of(stored: entity::types::DocumentKind) -> Self {
        use entity::types::DocumentKind as Stored;
        match stored {
            Stored::MeterReading => Self::MeterReading,
            Stored::TariffChange => Self::TariffChange,
            Stored::PaymentReminder => Self::PaymentReminder,
            Stored::Other => Self::Other,
        }
    }
}

/// A PDF document the bureau sent about one of the member's locations.
pub struct Document {
    meta: DocumentMeta,
    member_id: i64,
}

#[Object]
impl Document {
    async fn id(&self) -> ID {
        self.meta.id.into()
    }
    async fn title(&self) -> &str {
        &self.meta.title
    }
    async fn kind(&self) -> DocumentKind {
        DocumentKind::of(self.meta.kind)
    }
    async fn issued_on(&self) -> Date {
        Date(self.meta.issued_on)
    }
    async fn size_bytes(&self) -> i64 {
        self.meta.size_bytes
    }
    /// A link that returns the PDF to a plain GET, without headers, for
    /// the next few minutes (relative to this service's address).
    async fn download_url(&self, ctx: &Context<'_>) -> String {
        service::signed_path(
            ctx.secrets(),
            self.meta.id,
            self.member_id,
            crate::clock::now(),
        )
    }
    async fn service_location(&self, ctx: &Context<'_>) -> GqlResult<ServiceLocation> {
        ctx.loaders()
            .locations
            .load_one(self.meta.service_location_id)
            .await?
            .map(ServiceLocation::new)
            .ok_or(AppError::NotFound(Missing::Location).into())
    }
}

/// A page of a member's documents.
pub async fn documents_connection(
    ctx: &Context<'_>,
    member_id: i64,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<Connection<String, Document>> {
    let first = page_size(first)?;
    let after = match after {
        Some(raw) => Some(
            decode_cursor(&raw)?
                .split_once(':')
                .and_then(|(d, id)| {
                    Some((
                        NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?,
                        id.parse().ok()?,
                    ))
                })
                .ok_or_else(|| AppError::BadRequest(BadInput::Cursor))?,
        ),
        None => None,
    };
    let (rows, has_next) = service::page_for_member(ctx.db(), member_id, first, after).await?;
    let mut connection = Connection::new(after.is_some(), has_next);
    connection.edges.extend(rows.into_iter().map(|meta| {
        let cursor = encode_cursor(&format!(
            "{}:{}",
            meta.issued_on.format("%Y-%m-%d"),
            meta.id
        ));
        Edge::new(cursor, Document { meta, member_id })
    }));
    Ok(connection)
}

//! Where document files live: in the database, beside their metadata.
//!
//! Why the database rather than a folder under `data/`: several stateless
//! service instances share one PostgreSQL database and nothing else, a
//! backup of the database is a backup of everything, and a document and
//! its row can never drift apart. Bureau notices are a few kilobytes each.

use chrono::NaiveDate;
use entity::document;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::error::AppResult;

/// A document to store.
pub struct NewDocument {
    /// The billing system's identifier, if it came from the feed.
    pub external_id: Option<String>,
    pub service_location_id: i64,
    pub kind: entity::types::DocumentKind,
    pub title: String,
    pub issued_on: NaiveDate,
    pub content: Vec<u8>,
}

/// What storing a document did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    Inserted,
    Updated,
    Unchanged,
}

/// Stores a document; one with the same external ID is replaced when its
/// content or details changed, and left alone when they did not.
pub async fn put(db: &impl ConnectionTrait, doc: NewDocument) -> AppResult<Stored> {
    let sha256 = hex::encode(Sha256::digest(&doc.content));
    let existing = match &doc.external_id {
        Some(id) => {
            document::Entity::find()
                .filter(document::Column::ExternalId.eq(id.as_str()))
                .one(db)
                .await?
        }
        None => None,
    };
    let size = doc.content.len() as i64;
    match existing {
        Some(old)
            if old.sha256 == sha256
                && old.title == doc.title
                && old.kind == doc.kind
                && old.issued_on == doc.issued_on
                && old.service_location_id == doc.service_location_id =>
        {
            Ok(Stored::Unchanged)
        }
        Some(old) => {
            document::Entity::update_many()
                .col_expr(
                    document::Column::ServiceLocationId,
                    Expr::value(doc.service_location_id),
                )
                .col_expr(document::Column::Kind, Expr::value(doc.kind))
                .col_expr(document::Column::Title, Expr::value(doc.title))
                .col_expr(document::Column::IssuedOn, Expr::value(doc.issued_on))
                .col_expr(document::Column::SizeBytes, Expr::value(size))
                .col_expr(document::Column::Sha256, Expr::value(sha256))
                .col_expr(document::Column::Content, Expr::value(doc.content))
                .filter(document::Column::Id.eq(old.id))
                .exec(db)
                .await?;
            Ok(Stored::Updated)
        }
        None => {
            document::ActiveModel {
                external_id: Set(doc.external_id),
                service_location_id: Set(doc.service_location_id),
                kind: Set(doc.kind),
                title: Set(doc.title),
                issued_on: Set(doc.issued_on),
                content_type: Set("application/pdf".into()),
                size_bytes: Set(size),
                sha256: Set(sha256),
                content: Set(doc.content),
                created_at: Set(crate::clock::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
            Ok(Stored::Inserted)
        }
    }
}

/// A document with its content.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<document::Model>> {
    Ok(document::Entity::find_by_id(id).one(db).await?)
}

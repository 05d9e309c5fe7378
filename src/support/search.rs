//! The support desk's search: one box for ポータルサイト用お客さま番号,
//! customer number, login ID, e-mail, a name (kana, width and spacing
//! insensitive) or an address fragment. Results are service locations
//! with their member, by location, paginated; every search is audited.

use entity::types::AuditAction;
use entity::{member, service_location};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use unicode_normalization::UnicodeNormalization as _;

use crate::domain::{fold_for_search, location_search_text};
use crate::error::AppResult;

/// Most results a page holds.
pub const MAX_PAGE: u64 = 50;

/// A search as typed, checked: 2 to 100 characters after trimming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    /// NFKC, trimmed: for identifiers.
    plain: String,
    /// Folded: for names and addresses.
    folded: String,
}

/// Why a search was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchProblem {
    /// Fewer than 2 characters, or more than 100.
    Length,
}

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, SearchProblem> {
        let plain: String = raw.nfkc().collect::<String>().trim().to_string();
        let folded = fold_for_search(&plain);
        if folded.chars().count() < 2 || plain.chars().count() > 100 {
            return Err(SearchProblem::Length);
        }
        Ok(Self { plain, folded })
    }

    /// What the audit log keeps: the kind of search, not its words (a
    /// login ID, e-mail or name is the member's, and stays out of the log
    /// as `member` look-ups keep it out).
    pub fn kind(&self) -> &'static str {
        if self.number().is_some() {
            "number"
        } else if self.plain.contains('@') {
            "email"
        } else {
            "text"
        }
    }

    /// Digits alone (hyphens and spaces dropped), if that is all it is.
    fn number(&self) -> Option<String> {
        let digits: String = self
            .plain
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .collect();
        (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
    }

    fn like(&self) -> LikeExpr {
        let escaped: String = self
            .folded
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        LikeExpr::new(format!("%{escaped}%")).escape('\\')
    }
}

/// One page of matching locations, by ID after `after`, and whether more
/// follow. Audited as the staff member's search.
pub async fn search(
    db: &impl ConnectionTrait,
    staff_id: i64,
    query: &SearchQuery,
    first: u64,
    after: Option<i64>,
) -> AppResult<(Vec<service_location::Model>, bool)> {
    let members = Query::select()
        .column(member::Column::Id)
        .from(member::Entity)
        .cond_where(
            Condition::any()
                .add(member::Column::LoginId.eq(query.plain.to_lowercase()))
                .add(
                    Expr::expr(Func::lower(Expr::col(member::Column::Email)))
                        .eq(query.plain.to_lowercase()),
                )
                .add(Expr::col(member::Column::NameSearch).like(query.like())),
        )
        .to_owned();
    let mut which = Condition::any()
        .add(Expr::col(service_location::Column::SearchText).like(query.like()))
        .add(Expr::col(service_location::Column::MemberId).in_subquery(members));
    if let Some(number) = query.number() {
        which = which
            .add(service_location::Column::CustomerNumber.eq(number.as_str()))
            .add(service_location::Column::PortalCustomerNumber.eq(number.as_str()));
    }
    let mut find = service_location::Entity::find()
        .filter(which)
        .order_by_asc(service_location::Column::Id)
        .limit(first + 1);
    if let Some(after) = after {
        find = find.filter(service_location::Column::Id.gt(after));
    }
    let mut locations = find.all(db).await?;
    let has_next = locations.len() as u64 > first;
    locations.truncate(first as usize);
    crate::support::service::audit(
        db,
        staff_id,
        AuditAction::Search,
        None,
        None,
        query.kind().to_string(),
    )
    .await?;
    Ok((locations, has_next))
}

/// Fills the search columns of rows written before they existed, 500 a
/// statement; returns how many.
pub async fn backfill(db: &impl ConnectionTrait) -> AppResult<usize> {
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String, String)> = service_location::Entity::find()
            .select_only()
            .columns([
                service_location::Column::Id,
                service_location::Column::HolderName,
                service_location::Column::Address,
            ])
            .filter(service_location::Column::SearchText.is_null())
            .limit(500)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            break;
        }
        for (id, holder, address) in &rows {
            service_location::Entity::update_many()
                .col_expr(
                    service_location::Column::SearchText,
                    Expr::value(location_search_text(holder, address)),
                )
                .filter(service_location::Column::Id.eq(*id))
                .exec(db)
                .await?;
        }
        filled += rows.len();
    }
    loop {
        let rows: Vec<(i64, String)> = member::Entity::find()
            .select_only()
            .columns([member::Column::Id, member::Column::DisplayName])
            .filter(member::Column::NameSearch.is_null())
            .filter(member::Column::Status.eq(entity::types::MemberStatus::Active))
            .limit(500)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            break;
        }
        for (id, name) in &rows {
            member::Entity::update_many()
                .col_expr(
                    member::Column::NameSearch,
                    Expr::value(fold_for_search(name)),
                )
                .filter(member::Column::Id.eq(*id))
                .exec(db)
                .await?;
        }
        filled += rows.len();
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_folded_and_numbers_are_read_through_hyphens() {
        let q = SearchQuery::parse("  ｶﾅｻﾞﾜ　商店 ").expect("ok");
        assert_eq!(q.folded, "かなざわ商店");
        let n = SearchQuery::parse("２０００-0000-0006").expect("ok");
        assert_eq!(n.number().as_deref(), Some("200000000006"));
        assert_eq!(SearchQuery::parse("金").err(), Some(SearchProblem::Length));
        assert_eq!(SearchQuery::parse(" ").err(), Some(SearchProblem::Length));
        assert!(SearchQuery::parse(&"あ".repeat(101)).is_err());
        assert_eq!(q.number(), None);
    }
}

//! The portal as the login screen sees it: status, hours and the secret
//! questions.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::secret_question;
use sea_orm::{EntityTrait, QueryOrder};

use crate::graphql::errors::GqlResult;
use crate::graphql::{AppContext, scalars};
use crate::portal::{ServiceHours, last_data_update};

/// The opening hours as the login screen shows them.
#[derive(SimpleObject)]
pub struct ServiceHoursView {
    /// `HH:MM`.
    opens_at: String,
    /// `HH:MM`; earlier than `opensAt` when the portal is open past midnight.
    closes_at: String,
    time_zone: String,
}

/// Whether the portal is open, and how fresh its data is.
pub struct PortalStatus {
    now: DateTime<Utc>,
    hours: ServiceHours,
}

#[Object]
impl PortalStatus {
    /// Whether members can use the portal now.
    async fn open(&self) -> bool {
        self.hours.is_open(self.now)
    }

    async fn service_hours(&self) -> ServiceHoursView {
        let (opens_at, closes_at) = self.hours.bounds();
        ServiceHoursView {
            opens_at,
            closes_at,
            time_zone: "Asia/Tokyo".into(),
        }
    }

    /// When the portal opens next; null while it is open.
    async fn next_opens_at(&self) -> Option<scalars::DateTime> {
        self.hours.next_opens_at(self.now).map(scalars::DateTime)
    }

    /// 最終データ更新日時: when the billing data was last loaded.
    async fn last_data_update_at(&self, ctx: &Context<'_>) -> GqlResult<Option<scalars::DateTime>> {
        Ok(last_data_update(ctx.db()).await?.map(scalars::DateTime))
    }
}

/// A secret question a member can pick.
#[derive(SimpleObject)]
pub struct SecretQuestion {
    pub id: async_graphql::ID,
    pub text: String,
}

impl From<secret_question::Model> for SecretQuestion {
    fn from(q: secret_question::Model) -> Self {
        Self {
            id: q.id.into(),
            text: q.text,
        }
    }
}

/// Queries answered before sign-in and outside service hours.
#[derive(Default)]
pub struct PortalQuery;

#[Object]
impl PortalQuery {
    /// Service hours and data freshness, for the login screen and dashboard.
    async fn portal_status(&self, ctx: &Context<'_>) -> PortalStatus {
        PortalStatus {
            now: Utc::now(),
            hours: ctx.config().service_hours,
        }
    }

    /// The secret questions a member can choose from.
    async fn secret_questions(&self, ctx: &Context<'_>) -> GqlResult<Vec<SecretQuestion>> {
        let questions = secret_question::Entity::find()
            .order_by_asc(secret_question::Column::SortOrder)
            .all(ctx.db())
            .await?;
        Ok(questions.into_iter().map(Into::into).collect())
    }
}

//! The portal as the login screen sees it: status, hours and the secret
//! questions.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::secret_question;
use sea_orm::{EntityTrait, QueryOrder};

use crate::city::City;
use crate::graphql::errors::{GqlResult, lang};
use crate::graphql::{AppContext, scalars};
use crate::portal::{ServiceHours, last_data_update};
use crate::t;

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
        // A signed-in page has it from the session's statement.
        let at = match crate::graphql::guard::last_data_update(ctx).await? {
            Some(at) => at,
            None => last_data_update(ctx.db()).await?,
        };
        Ok(at.map(scalars::DateTime))
    }
}

/// A secret question a member can pick.
#[derive(SimpleObject)]
pub struct SecretQuestion {
    pub id: async_graphql::ID,
    pub text: String,
}

impl From<secret_question::Model> for SecretQuestion {
    /// The questions the first migration seeds are worded by the catalogue,
    /// in the request's language; any other is shown as stored.
    fn from(q: secret_question::Model) -> Self {
        let lang = lang();
        let text = match q.id {
            1 => t!(lang, "secret-question-1"),
            2 => t!(lang, "secret-question-2"),
            3 => t!(lang, "secret-question-3"),
            4 => t!(lang, "secret-question-4"),
            5 => t!(lang, "secret-question-5"),
            _ => q.text,
        };
        Self {
            id: q.id.into(),
            text,
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
            now: crate::clock::now(),
            hours: ctx.config().service_hours,
        }
    }

    /// The city's contact points, FAQ and published texts, for the login
    /// screen; answered outside service hours too.
    async fn portal_info(&self, ctx: &Context<'_>) -> PortalInfo {
        PortalInfo(ctx.config().city.clone())
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

/// A contact point: the desk, or one of the offices.
#[derive(SimpleObject)]
pub struct ContactPoint {
    pub name: String,
    pub phone: String,
    /// When it answers, in words.
    pub hours: String,
    /// The mail form, for the desk.
    pub form_url: Option<String>,
}

/// A published text (利用規約, 個人情報のお取り扱い) and its version.
#[derive(SimpleObject)]
pub struct PublishedText {
    /// The version members agree to (利用規約) or read.
    pub version: String,
    pub url: String,
    /// The text, in the request's language.
    pub text: String,
}

/// よくあるご質問.
#[derive(SimpleObject)]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
}

/// What the login screen links to, from the city profile, in the
/// request's language.
pub struct PortalInfo(std::sync::Arc<City>);

#[Object]
impl PortalInfo {
    /// 金沢市企業局.
    async fn organisation_name(&self) -> &str {
        self.0.organisation.get(lang())
    }
    /// 金沢市上下水道ポータルサイト.
    async fn portal_name(&self) -> &str {
        self.0.portal.get(lang())
    }
    /// このサイトについて.
    async fn about(&self) -> &str {
        self.0.about.get(lang())
    }
    /// お問い合わせ先.
    async fn contact_desk(&self) -> ContactPoint {
        let desk = &self.0.desk;
        ContactPoint {
            name: desk.name.get(lang()).to_string(),
            phone: desk.phone.clone(),
            hours: desk.hours.get(lang()).to_string(),
            form_url: Some(desk.form_url.clone()),
        }
    }
    /// 窓口一覧.
    async fn offices(&self) -> Vec<ContactPoint> {
        self.0
            .offices
            .iter()
            .map(|o| ContactPoint {
                name: o.name.get(lang()).to_string(),
                phone: o.phone.clone(),
                hours: o.hours.get(lang()).to_string(),
                form_url: None,
            })
            .collect()
    }
    /// よくあるご質問.
    async fn faq(&self) -> Vec<FaqEntry> {
        self.0
            .faq
            .iter()
            .map(|f| FaqEntry {
                question: f.question.get(lang()).to_string(),
                answer: f.answer.get(lang()).to_string(),
            })
            .collect()
    }
    /// 利用規約: `requestRegistration` records this version as agreed to.
    async fn terms(&self) -> PublishedText {
        PublishedText {
            version: self.0.terms.version.clone(),
            url: self.0.terms.url.clone(),
            text: self.0.terms.text.get(lang()).to_string(),
        }
    }
    /// 個人情報のお取り扱いについて.
    async fn privacy(&self) -> PublishedText {
        PublishedText {
            version: self.0.privacy.version.clone(),
            url: self.0.privacy.url.clone(),
            text: self.0.privacy.text.get(lang()).to_string(),
        }
    }
}

//! Assembles the GraphQL schema from the domains' roots; holds nothing of
//! the domains themselves.

pub mod account_mutations;
pub mod accounts;
pub mod auth;
pub mod billing;
pub mod charges;
pub mod contract;
pub mod documents;
pub mod errors;
pub mod guard;
pub mod loaders;
pub mod notices;
pub mod pagination;
pub mod portal;
pub mod scalars;
pub mod support;

use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::auth::password::Hasher;
use crate::config::Config;
use crate::db::Metrics;
use crate::graphql::account_mutations::{AccountMutation, RecoveryQuery};
use crate::graphql::accounts::AccountQuery;
use crate::graphql::auth::AuthMutation;
use crate::graphql::billing::BillingQuery;
use crate::graphql::charges::ChargesQuery;
use crate::graphql::notices::{NoticeMutation, NoticeQuery};
use crate::graphql::portal::PortalQuery;
use crate::graphql::support::{SupportMutation, SupportQuery};
use crate::mail::MailWorker;
use crate::secrets::Secrets;

/// What every resolver may use; one per running service.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// `DATABASE_READ_URL`'s replica, for members' reads.
    pub replica: Option<crate::db::Replica>,
    pub config: Arc<Config>,
    pub hasher: Hasher,
    pub metrics: Arc<Metrics>,
    pub secrets: Secrets,
    pub mail: MailWorker,
}

#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    PortalQuery,
    AccountQuery,
    RecoveryQuery,
    BillingQuery,
    ChargesQuery,
    NoticeQuery,
    SupportQuery,
);

#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    AuthMutation,
    AccountMutation,
    NoticeMutation,
    SupportMutation,
);

pub type PortalSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Deepest selection a client may send: the clients' deepest is 6,
/// GraphiQL's introspection query 15. What a document may cost is
/// `contract::cost`'s to say.
pub const MAX_DEPTH: usize = 16;

/// The schema with the service's limits.
pub fn schema(state: Option<AppState>) -> PortalSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    // Every document reaches the executor through the contract
    // (`contract::Contract::prepare`), which has validated it against this
    // schema with apollo-compiler and coerced its variables: the executor
    // only computes depth and cost hints instead of validating it again
    // on every request.
    .validation_mode(async_graphql::ValidationMode::Fast)
    .limit_depth(MAX_DEPTH)
    .limit_recursive_depth(32)
    .limit_directives(8);
    match state {
        // A schema kept for staff also keeps its field names out of error
        // messages ("Did you mean …").
        Some(state) if state.config.introspection_for_staff_only => {
            builder.disable_suggestions().data(state).finish()
        }
        Some(state) => builder.data(state).finish(),
        None => builder.finish(),
    }
}

/// The schema as SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    schema(None).sdl()
}

/// Parses an ID the service made; anything else is simply not found.
pub fn parse_id(
    id: &async_graphql::ID,
    what: crate::error::Missing,
) -> crate::error::AppResult<i64> {
    id.parse::<i64>()
        .map_err(|_| crate::error::AppError::NotFound(what))
}

/// Shorthands for what resolvers take from the context.
pub trait AppContext {
    fn state(&self) -> &AppState;
    /// Where this request reads and writes: the primary, or for a
    /// member's query the read replica (`ReadFrom`).
    fn db(&self) -> &DatabaseConnection;
    fn config(&self) -> &Config {
        &self.state().config
    }
    fn hasher(&self) -> &Hasher {
        &self.state().hasher
    }
    fn secrets(&self) -> &Secrets {
        &self.state().secrets
    }
    /// Tells the mail worker that mail is waiting.
    fn wake_mail(&self) {
        self.state().mail.wake();
    }
    fn loaders(&self) -> &loaders::Loaders;
}

/// The connection a request's resolvers use, when it is not the primary:
/// `http::graphql` sets it for members' queries while the replica serves.
pub struct ReadFrom(pub DatabaseConnection);

impl AppContext for Context<'_> {
    fn state(&self) -> &AppState {
        // `http::graphql` builds every executed schema with the state and
        // every request with its loaders; a missing one is a wiring bug.
        self.data_unchecked::<AppState>()
    }

    fn db(&self) -> &DatabaseConnection {
        match self.data_opt::<ReadFrom>() {
            Some(ReadFrom(replica)) => replica,
            None => &self.state().db,
        }
    }

    fn loaders(&self) -> &loaders::Loaders {
        self.data_unchecked::<loaders::Loaders>()
    }
}

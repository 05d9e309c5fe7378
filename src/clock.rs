//! The service's time source. Every "now" the service reads comes from
//! [`now`]: the system clock, shifted by the running application's
//! [`Clock`], which the HTTP edge and the background tasks put in scope.
//! A test moves its own app's clock (sessions going idle, locks ending,
//! links expiring) without touching the database or other tests' apps.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

tokio::task_local! {
    static CURRENT: Clock;
}

/// One application's clock: the system's, plus an offset that only a test
/// moves.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (never the system's) forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Runs `fut` with this clock as [`now`]'s source.
    pub async fn scope<F: Future>(&self, fut: F) -> F::Output {
        CURRENT.scope(self.clone(), fut).await
    }

    /// [`Clock::scope`] for a future spawned as a task of its own.
    pub fn scope_owned<F: Future>(self, fut: F) -> impl Future<Output = F::Output> {
        CURRENT.scope(self, fut)
    }
}

/// The current time: the running application's clock when one is in
/// scope, else the system's (command-line tools).
pub fn now() -> DateTime<Utc> {
    CURRENT.try_with(Clock::now).unwrap_or_else(|_| Utc::now())
}

/// Today in Asia/Tokyo, the portal's calendar.
pub fn today() -> chrono::NaiveDate {
    now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_clock_moves_only_what_runs_in_its_scope() {
        let clock = Clock::default();
        clock.advance(Duration::hours(2));
        let inside = clock.scope(async { now() }).await;
        let outside = now();
        assert!(
            inside - outside >= Duration::minutes(119),
            "{inside} {outside}"
        );
    }
}

//! The accept loop, with the limits a proxy-less deployment needs against
//! slow clients (slowloris): a connection limit, a time limit on reading
//! request headers, and one on the whole request. (The body's own time
//! limit is the GraphQL handler's, where the body is read.)
//!
//! axum's `serve` sets none of these, so the service drives hyper itself.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

/// The limits on connections and their requests.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections served at once; more are closed as they arrive.
    pub max_connections: usize,
    /// A connection that has not sent a request's headers within this is
    /// closed (idle keep-alive connections too).
    pub header_read: Duration,
    /// A request (headers read to answer sent) taking longer gets 408.
    pub request: Duration,
}

/// Serves `router` on `listener` until `shutdown`, then lets requests
/// under way finish (at most `request` longer).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    clock: crate::clock::Clock,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, or the peer left: wait a
                    // moment rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "connection limit reached; connection closed");
            continue;
        };
        let router = router.clone();
        let clock = clock.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            let clock = clock.clone();
            let lang = super::graphql::request_lang(request.headers());
            async move {
                let answer = clock
                    .scope(tokio::time::timeout(
                        limits.request,
                        router.oneshot(request),
                    ))
                    .await;
                Ok::<Response, Infallible>(match answer {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    Err(_) => super::graphql::refuse(
                        lang,
                        StatusCode::REQUEST_TIMEOUT,
                        "BAD_REQUEST",
                        "http-request-timeout",
                    ),
                })
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.request, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still under way at shutdown were cut off");
    }
}

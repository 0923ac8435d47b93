//! The accept loop, with the bounds `axum::serve` does not offer: a cap on
//! open connections (beyond it, new ones wait in the kernel's queue), a
//! deadline for a request's head to arrive (a slow client cannot hold a
//! connection by trickling headers), and a deadline for the graceful stop
//! (a slow client cannot hold the process up either).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Most bytes of a request's line and headers (hyper's read buffer).
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// How the accept loop bounds its clients.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most time for a request's line and headers to arrive.
    pub header_timeout: Duration,
    /// Most time connections may take to finish once a stop begins.
    pub shutdown_grace: Duration,
}

/// The whole application as one service, cloned for each request.
pub type App =
    tower::util::BoxCloneSyncService<axum::extract::Request, axum::response::Response, std::convert::Infallible>;

/// Serves `router` on `listener` until `stop` completes, then stops
/// accepting and gives open connections `shutdown_grace` to finish.
pub async fn serve(
    listener: TcpListener,
    router: App,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        // A request head larger than this is answered 431: no client of ours
        // sends more than a few kilobytes of headers.
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(64);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        // A slot first: at the cap, connections wait in the kernel's accept
        // queue instead of each costing a task and buffers here.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before
                    // it was accepted: not a reason to stop serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after the shutdown grace; closing them");
    }
    Ok(())
}

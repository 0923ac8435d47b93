//! The central store role: receives batches from companions, keeps each
//! submission id once, and gives organisers their export. It returns its
//! own `Router`; the application merges it with the roles it runs.
//!
//! `storage.rs` is the storage trait and how a store is opened, with its
//! two engines in `sqlite.rs` and `postgres.rs`; `batches.rs` the
//! companions' endpoint, `export.rs` the organisers' export.

pub mod batches;
pub mod export;
pub mod organiser;
pub mod postgres;
pub mod sqlite;
pub mod stats;
pub mod storage;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

pub use export::{Format as ExportFormat, csv_header, restore_formula, write_all as export_all};
pub use gdc_core::{Batch, BatchResults, ItemResult, ItemStatus, Published, PublishedPage};
pub use sqlite::{SqliteStore, StoredRow, parse_item};
pub use storage::{
    Access, Action, CentralStorage, CentralStore, FeedQuery, Moderation, ReviewItem, Stats, StoreLocation, TokenInfo,
    new_token, token_hash,
};

use crate::config::{CompanionToken, Secret};
use crate::feed::Feed;
use crate::http::{ApiRoute, Caller};
use crate::ops::metrics::Metrics;

/// What the central store's handlers share.
#[derive(Debug)]
pub struct Central {
    pub store: CentralStore,
    /// Companion name to the token it presents.
    pub companions: Vec<CompanionToken>,
    /// Grants export over HTTP; without it, export is CLI-only.
    pub admin_token: Option<Secret>,
    pub metrics: Arc<Metrics>,
    /// Most time to receive a whole batch.
    pub body_timeout: Duration,
    /// When the feed shows a contribution.
    pub moderation: Moderation,
    /// When each configured companion last sent a batch (the stored
    /// tokens keep theirs in the store).
    pub last_batches: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

impl Central {
    /// The companion presenting `token`: one of the configuration's, or
    /// one made with `gdc-server token create` (the store keeps its hash).
    pub async fn companion(&self, token: &str) -> Result<String, crate::http::error::ApiError> {
        if let Some(c) = self.companions.iter().find(|c| c.token.matches(token)) {
            let mut last = self.last_batches.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            last.insert(c.name.clone(), crate::storage::now_ms());
            return Ok(c.name.clone());
        }
        let found = self.store.companion_for(&storage::token_hash(token)).await.map_err(|e| {
            tracing::error!(error = %e, "companion tokens unreadable");
            crate::http::error::ApiError::Unavailable { reason: "storage", retry_after_secs: 2 }
        })?;
        found.ok_or(crate::http::error::ApiError::Unauthorized)
    }

    /// Refuses a request without the admin token or an organiser's
    /// session (and every request when no admin token is configured: then
    /// these routes are CLI-only).
    pub fn require_admin(&self, headers: &axum::http::HeaderMap) -> Result<(), crate::http::error::ApiError> {
        let admin = self.admin_token.as_ref().ok_or(crate::http::error::ApiError::Unauthorized)?;
        match crate::http::bearer(headers) {
            Some(t) if admin.matches(t) => Ok(()),
            None if organiser::has_session(admin.expose(), headers) => Ok(()),
            _ => Err(crate::http::error::ApiError::Unauthorized),
        }
    }
}

/// One `Arc`: the clones a request makes cost an increment each.
#[derive(Debug, Clone)]
pub struct CentralState(pub Arc<Central>);

impl std::ops::Deref for CentralState {
    type Target = Central;

    fn deref(&self) -> &Central {
        &self.0
    }
}

/// The central store's routes.
pub fn routes() -> Vec<ApiRoute<CentralState>> {
    let mut routes = vec![ApiRoute::new("/v1/batches", Caller::Tool, post(batches::receive_batch))];
    routes.extend(admin_routes());
    routes
}

/// The admin token's API routes.
fn admin_routes() -> Vec<ApiRoute<CentralState>> {
    vec![
        ApiRoute::new("/v1/export", Caller::Tool, get(export::export)),
        ApiRoute::new("/v1/stats", Caller::Tool, get(stats::stats)),
    ]
}

/// The central store's `Router`. `feed` is the published feed for
/// companions elsewhere; `None` when a companion in this process serves it.
pub fn router(
    state: CentralState,
    reads: crate::http::limits::ReadLimit,
    feed: Option<(Feed, crate::http::Layers)>,
) -> Router {
    let none = crate::http::Layers::none();
    let batches = routes().into_iter().filter(|r| r.path == "/v1/batches").collect();
    // What the admin token opens is throttled per client IP, like reads,
    // whenever a request carries a credential: a token cannot be guessed a
    // request at a time at any rate (a request without one is refused at
    // once, and costs nothing to refuse).
    let guarded = crate::http::mount(admin_routes(), &none)
        .merge(organiser::routes())
        .route_layer(axum::middleware::from_fn_with_state(reads, throttle_credentials));
    let mut router = crate::http::mount(batches, &none).merge(guarded).with_state(state);
    if let Some((feed, layers)) = feed {
        router = router.merge(crate::http::mount(vec![crate::feed::route()], &layers).with_state(feed));
    }
    router
}

/// The per-IP read limit, for requests that present a credential: a bearer
/// token, a cookie, or a form (sign-in, moderation).
async fn throttle_credentials(
    state: axum::extract::State<crate::http::limits::ReadLimit>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let h = req.headers();
    let carries = h.contains_key(axum::http::header::AUTHORIZATION)
        || h.contains_key(axum::http::header::COOKIE)
        || req.method() == axum::http::Method::POST;
    if carries { crate::http::limits::throttle_reads(state, req, next).await } else { next.run(req).await }
}

//! What a process reports of itself, whatever roles it runs: liveness,
//! readiness, metrics and the OpenAPI document. It returns its own `Router`.

pub mod health;
pub mod metrics;
pub mod openapi;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::companion::forwarder::ForwardStatus;
use crate::companion::outbox::{Outbox, Stats};
use crate::http::fresh::Fresh;
use crate::http::limits::ReadLimit;
use crate::http::{ApiRoute, Caller, Layers};
use metrics::Metrics;

/// A companion's outbox and forwarding, which readiness and metrics report.
#[derive(Debug, Clone)]
pub struct Outboxes {
    pub outbox: Outbox,
    pub forwarding: Arc<ForwardStatus>,
}

/// What the operations endpoints read.
#[derive(Debug)]
pub struct Ops {
    pub metrics: Arc<Metrics>,
    /// Present when this process runs a companion.
    pub outboxes: Option<Outboxes>,
    /// The readiness report, reused for a second.
    pub readiness: Fresh<(), (StatusCode, serde_json::Value)>,
    /// The outbox figures `/metrics` reports, reused for a second.
    pub outbox_stats: Fresh<(), Stats>,
}

#[derive(Debug, Clone)]
pub struct OpsState(pub Arc<Ops>);

impl std::ops::Deref for OpsState {
    type Target = Ops;

    fn deref(&self) -> &Ops {
        &self.0
    }
}

impl OpsState {
    pub fn new(metrics: Arc<Metrics>, outboxes: Option<Outboxes>) -> Self {
        let second = std::time::Duration::from_secs(1);
        Self(Arc::new(Ops { metrics, outboxes, readiness: Fresh::new(second, 1), outbox_stats: Fresh::new(second, 1) }))
    }
}

/// The operations routes.
pub fn routes() -> Vec<ApiRoute<OpsState>> {
    vec![
        ApiRoute::new("/healthz", Caller::Tool, get(health::healthz)),
        ApiRoute::new("/readyz", Caller::Monitor, get(health::readyz)),
        ApiRoute::new("/metrics", Caller::Monitor, get(health::metrics)),
        ApiRoute::new("/v1/openapi.json", Caller::Tool, get(openapi_document)),
    ]
}

pub fn router(state: OpsState, reads: ReadLimit) -> Router {
    crate::http::mount(routes(), &Layers { cors: None, reads: Some(reads) }).with_state(state)
}

#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "operations",
    summary = "This document",
    responses((status = 200, description = "OpenAPI", content_type = "application/json"))
)]
pub(crate) async fn openapi_document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi::document())
}

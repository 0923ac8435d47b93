//! Liveness, readiness and metrics: what a process reports of itself.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::{OpsState, Outboxes};
use crate::storage::now_ms;

/// `GET /healthz`: the process serves HTTP.
#[utoipa::path(get, path = "/healthz", tag = "operations", summary = "Liveness",
    responses((status = 200, description = "`ok`", content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 when the outbox takes writes (the one thing intake
/// needs); the central store's reachability is reported, not required,
/// since the outbox holds submissions while it is away.
#[utoipa::path(get, path = "/readyz", tag = "operations", summary = "Readiness (computed at most once a second)",
    responses(
        (status = 200, description = "The outbox takes writes; the central store's reachability is reported",
            body = serde_json::Value),
        (status = 503, description = "The outbox cannot take writes", body = serde_json::Value),
        (status = 429, description = "Too many reads from this client", body = crate::http::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn readyz(State(state): State<OpsState>) -> (StatusCode, Json<Value>) {
    let report = state.readiness.get_or_try((), async { Ok::<_, ()>(readiness(&state).await) }).await;
    let (status, report) = report.unwrap_or_else(|()| unreachable!("readiness never fails"));
    (status, Json(report))
}

async fn readiness(state: &OpsState) -> (StatusCode, Value) {
    let mut ready = true;
    let mut report = serde_json::Map::new();
    if let Some(Outboxes { outbox, forwarding: f }) = &state.outboxes {
        let writable = outbox.ping().await;
        let stats = outbox.stats().await;
        ready &= writable.is_ok();
        report.insert(
            "outbox".into(),
            match (writable, stats) {
                (Ok(()), Ok(s)) => json!({ "ok": true, "pending": s.pending, "dead_letters": s.dead }),
                (Err(e), _) | (_, Err(e)) => json!({ "ok": false, "error": e.to_string() }),
            },
        );
        let failing_since = f.failing_since_ms.load(Ordering::Relaxed);
        let last_error = f.last_error.lock().ok().and_then(|e| e.clone());
        report.insert(
            "central".into(),
            json!({
                "reachable": failing_since == 0,
                "last_ok_ms": f.last_ok_ms.load(Ordering::Relaxed),
                "failing_for_ms": if failing_since == 0 { 0 } else { now_ms() - failing_since },
                "last_error": if failing_since == 0 { None } else { last_error },
            }),
        );
    }
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Value::Object(report))
}

/// `GET /metrics`: Prometheus (OpenMetrics) text.
#[utoipa::path(get, path = "/metrics", tag = "operations", summary = "Prometheus metrics",
    responses(
        (status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text"),
        (status = 429, description = "Too many reads from this client", body = crate::http::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn metrics(State(state): State<OpsState>) -> impl IntoResponse {
    let m = &state.metrics;
    if let Some(Outboxes { outbox, .. }) = &state.outboxes {
        m.outbox_pending.set(outbox.usage.rows.load(Ordering::Relaxed) as i64);
        m.outbox_pending_bytes.set(outbox.usage.bytes.load(Ordering::Relaxed) as i64);
        if let Ok(stats) = state.outbox_stats.get_or_try((), outbox.stats()).await {
            m.dead_letters.set(stats.dead);
            m.outbox_oldest_age.set(stats.oldest_pending_ms.map_or(0, |t| (now_ms() - t).max(0) / 1000));
        }
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], m.render())
}

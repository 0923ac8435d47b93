//! `GET /v1/stats`: the counts organisers follow (by topic, stakeholder
//! group, country, language, site and day), for the admin token's holder.
//! Flagged contributions are left out until an organiser reviews them.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::CentralState;
use super::storage::Stats;
use crate::http::error::ApiError;

/// `GET /v1/stats`.
#[utoipa::path(
    get,
    path = "/v1/stats",
    tag = "central store",
    summary = "Counts by topic, stakeholder group, country, language, site and day, for organisers",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = Stats),
        (status = 401, description = "No or wrong admin token", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many requests from this client", body = crate::http::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Storage unavailable", body = crate::http::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn stats(State(central): State<CentralState>, headers: HeaderMap) -> Result<Json<Stats>, ApiError> {
    central.require_admin(&headers)?;
    let stats = central.store.stats().await.map_err(|e| {
        tracing::error!(error = %e, "stats failed");
        ApiError::Unavailable { reason: "storage", retry_after_secs: 5 }
    })?;
    Ok(Json(stats))
}

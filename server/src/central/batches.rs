//! `POST /v1/batches`: companions hand over what they stored. The bearer
//! token is checked before a byte of the body is read.

use axum::Json;
use axum::extract::State;
use gdc_core::{Batch, BatchResults};

use super::CentralState;
use crate::http::bearer;
use crate::http::error::ApiError;
use crate::http::json::{read_body, require_json};
use crate::ops::metrics::ResultLabel;

/// Largest batch a companion may post.
pub const MAX_BATCH_BYTES: usize = 64 * 1024 * 1024;

/// `POST /v1/batches`: a companion hands over submissions. The bearer
/// token is checked before a byte of the body is read: anyone can send
/// 64 MiB, only companions make us hold it in memory.
#[utoipa::path(
    post,
    path = "/v1/batches",
    tag = "central store",
    summary = "Submissions forwarded by a companion; idempotent by id",
    security(("bearer" = [])),
    request_body(content = gdc_core::Batch, content_type = "application/json"),
    responses(
        (status = 200, description = "One result per submission, in order", body = BatchResults),
        (status = 400, description = "The body could not be read", body = crate::http::error::ErrorBody),
        (status = 401, description = "No or wrong companion token (checked before the body is read)", body = crate::http::error::ErrorBody),
        (status = 408, description = "The body did not arrive in time", body = crate::http::error::ErrorBody),
        (status = 413, description = "Batch over 64 MiB: send fewer at a time", body = crate::http::error::ErrorBody),
        (status = 415, description = "Not `application/json`", body = crate::http::error::ErrorBody),
        (status = 422, description = "Not a batch", body = crate::http::error::ErrorBody),
        (status = 503, description = "Storage unavailable: nothing was stored", body = crate::http::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn receive_batch(
    State(central): State<CentralState>,
    request: axum::extract::Request,
) -> Result<Json<BatchResults>, ApiError> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let token = bearer(headers).ok_or(ApiError::Unauthorized)?;
    let companion = central.companion(token).await?;
    require_json(headers)?;
    let body = read_body(headers, body, MAX_BATCH_BYTES, central.body_timeout).await?;
    let batch: Batch = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Malformed { field: "submissions".into(), message: e.to_string() })?;
    let results = central.store.insert_batch(&companion, batch).await.map_err(|e| {
        tracing::error!(error = %e, "central store could not write a batch");
        ApiError::Unavailable { reason: "storage", retry_after_secs: 2 }
    })?;
    for item in &results.results {
        central.metrics.central_items.get_or_create(&ResultLabel { result: item.status.as_str() }).inc();
    }
    Ok(Json(results))
}

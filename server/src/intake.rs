//! `POST /v1/submissions`: where a visitor's browser hands over a
//! contribution. Checked in the order a client can act on: content type,
//! size, JSON shape, site, origin, the consultation's rules; stored durably
//! before it is acknowledged.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use gdc_core::{ErrorCode, FieldError, Receipt, ReceiptStatus, Rules, Submission, WireSubmission};

use crate::AppState;
use crate::error::ApiError;
use crate::outbox::Stored;
use crate::sites::Site;

/// Largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    require_json(&headers)?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge { limit: MAX_BODY_BYTES }
        } else {
            ApiError::BadRequest(r.body_text())
        }
    })?;
    let wire = parse_json(&body)?;
    let site = state.site(&wire.site)?;
    check_origin(&headers, site)?;
    let submission =
        Submission::parse(wire, Rules { allowed_topics: site.allowed_topics() }).map_err(ApiError::Invalid)?;

    let outbox = state.outbox.as_ref().ok_or(ApiError::NotFound)?;
    let id = submission.id().to_string();
    let site_key = submission.site().to_owned();
    let body = serde_json::to_string(submission.wire()).map_err(|_| ApiError::Internal)?;
    let stored = outbox.insert(id.clone(), site_key, body).await.map_err(|e| {
        tracing::error!(error = %e, "could not store a submission");
        ApiError::Unavailable { reason: "storage", retry_after_secs: 2 }
    })?;
    Ok(match stored {
        Stored::New => (StatusCode::ACCEPTED, Json(Receipt { id, status: ReceiptStatus::Accepted })),
        Stored::Duplicate => (StatusCode::OK, Json(Receipt { id, status: ReceiptStatus::Duplicate })),
    })
}

/// Only `application/json` (with any parameters, such as a charset).
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if is_json { Ok(()) } else { Err(ApiError::UnsupportedMediaType) }
}

/// Parses the v1 shape, naming the field where the JSON went wrong.
fn parse_json(body: &[u8]) -> Result<WireSubmission, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if matches!(path.as_str(), "." | "?" | "") { "body".to_owned() } else { path };
        ApiError::Malformed { field, message: e.inner().to_string() }
    })
}

/// A field error for JSON that is not of the expected shape.
pub fn malformed_field(field: &str, message: &str) -> FieldError {
    FieldError { field: field.to_owned(), code: ErrorCode::InvalidFormat, message: message.to_owned() }
}

/// A browser always sends `Origin` on a POST. It must be this server itself
/// (iframe mode: the widget runs on our origin) or one of the site's origins
/// (inline mode). Clients without an `Origin` are not browsers, and CORS
/// protects nothing for them; they are let through to validation.
fn check_origin(headers: &HeaderMap, site: &Site) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let same_origin = host.is_some_and(|host| origin.split_once("://").is_some_and(|(_, h)| h == host));
    if same_origin || site.allows_origin(origin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!("origin {origin} may not post for site {}", site.key)))
    }
}

//! JSON bodies: only `application/json`, read within a size and a time
//! limit, parsed with the failing field named.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use gdc_core::{ErrorCode, FieldError};

use crate::http::error::ApiError;

/// Reads a request body of at most `limit` bytes within `deadline` in
/// all: too large is 413 (at once when `Content-Length` says so), too slow
/// 408 (a client trickling a byte at a time cannot hold a connection open
/// past the deadline), broken off 400.
pub async fn read_body(
    headers: &HeaderMap,
    body: axum::body::Body,
    limit: usize,
    deadline: std::time::Duration,
) -> Result<Bytes, ApiError> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let read = tokio::time::timeout(deadline, axum::body::to_bytes(body, limit)).await;
    let error = match read {
        Err(_) => return Err(ApiError::Timeout),
        Ok(Ok(bytes)) => return Ok(bytes),
        Ok(Err(e)) => e.into_inner(),
    };
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error.as_ref());
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        if e.is::<tower_http::timeout::TimeoutError>() {
            return Err(ApiError::Timeout);
        }
        source = e.source();
    }
    Err(ApiError::BadRequest(format!("the request body could not be read: {error}")))
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

/// Parses a JSON body into `T`, naming the field where the JSON went wrong. The
/// path-tracking parser runs only when the plain one failed: most bodies
/// are well formed, and tracking paths costs on every field.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let wire = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::Malformed { field: field_of(&path), message: e.inner().to_string() }
    })?;
    // The plain parser failed, the path-tracking one did not: what follows
    // the value is the problem (trailing characters, a second document),
    // which only `end` checks.
    de.end().map_err(|e| ApiError::Malformed { field: "body".to_owned(), message: e.to_string() })?;
    Ok(wire)
}

/// The wire field a parser path names: `answers[0].principles` as is; the
/// body itself for an empty path or one that starts outside any field (the
/// top level is not an object); a trailing unknown segment (`consent.?`, a
/// stray comma) dropped.
fn field_of(path: &str) -> String {
    let trimmed = path.trim_end_matches(".?");
    if trimmed.is_empty() || matches!(trimmed, "." | "?") || trimmed.starts_with('[') {
        "body".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A field error for JSON that is not of the expected shape.
pub fn malformed_field(field: &str, message: &str) -> FieldError {
    FieldError { field: field.to_owned(), code: ErrorCode::InvalidFormat, message: message.to_owned() }
}

//! The one error type every handler returns. Turning it into a response has
//! no side effects; a 500 says nothing of its cause to the client, and the
//! cause is logged where the error is made.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gdc_core::{FieldError, ValidationErrors};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body parsed but broke the consultation's rules.
    #[error("invalid submission")]
    Invalid(ValidationErrors),
    /// The body is not JSON of the v1 shape.
    #[error("malformed body at {field}: {message}")]
    Malformed { field: String, message: String },
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    Forbidden(String),
    /// The form token is missing, forged, or signed with a key this server
    /// no longer has: the widget fetches a fresh one and sends again.
    #[error("missing or invalid form token: a fresh form token is needed")]
    TokenInvalid,
    #[error("missing or wrong bearer token")]
    Unauthorized,
    #[error("not found")]
    NotFound,
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("the request body did not arrive in time")]
    Timeout,
    #[error("too many requests; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// Temporarily unable to take the request durably; the client retries.
    #[error("unavailable: {reason}")]
    Unavailable { reason: &'static str, retry_after_secs: u64 },
    #[error("internal error")]
    Internal,
}

/// Every error answer's body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for machines.
    #[schema(schema_with = error_codes)]
    pub error: &'static str,
    /// What went wrong, in plain English.
    pub message: String,
    /// With `invalid` (422): each refused field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every `error` value an answer may carry.
const ERROR_CODES: &[&str] = &[
    "invalid",
    "unsupported_media_type",
    "payload_too_large",
    "forbidden",
    "token_invalid",
    "unauthorized",
    "not_found",
    "method_not_allowed",
    "bad_request",
    "timeout",
    "too_many_requests",
    "unavailable",
    "internal",
];

fn error_codes() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ERROR_CODES.iter().copied()))
        .build()
}

impl ApiError {
    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status_and_code().0
    }

    /// How long the client should wait before trying again, if it should.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Unavailable { retry_after_secs, .. } | Self::TooManyRequests { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Invalid(_) | Self::Malformed { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Self::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Self::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::TokenInvalid => (StatusCode::FORBIDDEN, "token_invalid"),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Timeout => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            Self::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let errors = match &self {
            Self::Invalid(e) => e.0.clone(),
            Self::Malformed { field, message } => vec![FieldError {
                field: field.clone(),
                code: gdc_core::ErrorCode::InvalidFormat,
                message: message.clone(),
            }],
            _ => Vec::new(),
        };
        let body = ErrorBody { error: code, message: self.to_string(), errors };
        let mut response = (status, Json(body)).into_response();
        if let Self::Unavailable { retry_after_secs, .. } | Self::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if let Self::Unauthorized = self {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_is_documented() {
        let all = [
            ApiError::Invalid(Default::default()),
            ApiError::Malformed { field: String::new(), message: String::new() },
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge { limit: 0 },
            ApiError::Forbidden(String::new()),
            ApiError::TokenInvalid,
            ApiError::Unauthorized,
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::BadRequest(String::new()),
            ApiError::Timeout,
            ApiError::TooManyRequests { retry_after_secs: 1 },
            ApiError::Unavailable { reason: "", retry_after_secs: 1 },
            ApiError::Internal,
        ];
        for e in all {
            assert!(ERROR_CODES.contains(&e.status_and_code().1), "{e:?}");
        }
    }
}

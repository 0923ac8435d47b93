//! `GET /v1/token?site=…`: a form token for a widget its page did not give
//! one (inline mode), with the topics the site collects.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;

use super::CompanionState;
use crate::http::error::ApiError;
use crate::storage::now_ms;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// The site key.
    #[serde(default)]
    site: String,
}

/// A form token, and the topics the site collects.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    token: String,
    /// Topic ids the site collects; empty: every topic.
    topics: Vec<String>,
    /// A submission sent sooner than this after the token was issued is
    /// doubted as a bot's (stored, flagged): a widget that renews its token
    /// to resend a contribution waits this long first.
    min_age_ms: u64,
}

/// `GET /v1/token?site=…`: a form token for a widget that was not given
/// one in its page (inline mode), with the topics the site collects (empty:
/// all), so the widget offers none the companion would refuse.
#[utoipa::path(
    get,
    path = "/v1/token",
    tag = "companion",
    summary = "A form token for a site",
    params(TokenQuery),
    responses(
        (status = 200, description = "A token, and the topics the site collects", body = IssuedToken),
        (status = 400, description = "A malformed query", body = crate::http::error::ErrorBody),
        (status = 403, description = "Unknown or disabled site", body = crate::http::error::ErrorBody),
    )
)]
pub async fn issue_token(
    State(state): State<CompanionState>,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let site = state.site(&q.site)?;
    let token = state.tokens.issue(&site.key, now_ms());
    let min_age_ms = u64::try_from(state.tokens.min_age().as_millis()).unwrap_or(u64::MAX);
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(IssuedToken { token, topics: site.topics.clone(), min_age_ms })))
}

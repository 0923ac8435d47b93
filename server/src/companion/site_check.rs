//! `GET /v1/sites/{key}?origin=…`: what the configurator asks while a
//! webmaster types: whether the site key is registered and enabled, which
//! topics it collects, and whether a page on `origin` may embed it, with
//! the reason when not. Nothing here is secret: a site's origins are in
//! its embed page's `frame-ancestors` already.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};

use super::CompanionState;
use super::sites::origin_of;
use crate::http::error::ApiError;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteQuery {
    /// The address (or origin) of the page that will embed the widget.
    #[serde(default)]
    origin: Option<String>,
}

/// A registered site as a webmaster may see it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SiteInfo {
    site: String,
    /// Whether it takes contributions now.
    enabled: bool,
    /// Topic ids it collects; empty: every topic.
    topics: Vec<String>,
    /// The origins that may embed it (`http://localhost:*` allows any port).
    origins: Vec<String>,
    /// For the `origin` asked about: whether a page there may embed the
    /// widget; absent when none was asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    origin_allowed: Option<bool>,
    /// Why not, when it may not (the configurator says it in the
    /// webmaster's language): `disabled`, `not-an-address` (the origin
    /// asked about is not an http(s) address) or `origin-not-registered`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    problem: Option<&'static str>,
}

/// `GET /v1/sites/{key}`: a site key checked against the registry.
#[utoipa::path(
    get,
    path = "/v1/sites/{key}",
    tag = "companion",
    summary = "A site key checked against the registry, and whether a page's origin may embed it",
    params(("key" = String, Path, description = "The site key"), SiteQuery),
    responses(
        (status = 200, description = "The site, and whether `origin` may embed it", body = SiteInfo),
        (status = 400, description = "A malformed query", body = crate::http::error::ErrorBody),
        (status = 404, description = "No site with this key", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many requests from this client", body = crate::http::error::ErrorBody),
    )
)]
pub async fn site_info(
    State(state): State<CompanionState>,
    Path(key): Path<String>,
    query: Result<Query<SiteQuery>, QueryRejection>,
) -> Result<Json<SiteInfo>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let site = state.sites.get(&key).ok_or(ApiError::NotFound)?;
    let asked = q.origin.filter(|o| !o.trim().is_empty());
    let (origin_allowed, problem) = match asked.map(|a| origin_of(a.trim())) {
        None => (None, (!site.enabled).then_some("disabled")),
        Some(None) => (Some(false), Some("not-an-address")),
        Some(Some(_)) if !site.enabled => (Some(false), Some("disabled")),
        Some(Some(origin)) if site.allows_origin(&origin) => (Some(true), None),
        Some(Some(_)) => (Some(false), Some("origin-not-registered")),
    };
    Ok(Json(SiteInfo {
        site: site.key.clone(),
        enabled: site.enabled,
        topics: site.topics.clone(),
        origins: site.origins.clone(),
        origin_allowed,
        problem,
    }))
}

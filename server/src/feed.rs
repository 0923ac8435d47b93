//! The published feed, `GET /v1/contributions`: what contributors agreed to
//! show and organisers let through (the central store's moderation mode),
//! one topic (and language) and page at a time. Either role serves it: a process
//! holding the central store reads it from its own store; a companion
//! without one asks the central store over HTTP and keeps each page a
//! moment. Which, is decided once at start-up, never per request.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gdc_core::PublishedPage;
use gdc_core::wire::MAX_PAGE;
use serde::Deserialize;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};

use crate::central::{CentralStore, FeedQuery, Moderation};
use crate::http::error::ApiError;
use crate::http::fresh::Fresh;

/// Where the feed comes from.
#[derive(Debug, Clone)]
pub enum FeedSource {
    /// The central store in this process, moderated in this mode.
    Local(CentralStore, Moderation),
    /// The central store at this base URL, asked over HTTP.
    Remote { base: String, http: reqwest::Client },
}

/// The feed's handler state.
#[derive(Debug, Clone)]
pub struct Feed(Arc<FeedInner>);

#[derive(Debug)]
struct FeedInner {
    source: FeedSource,
    /// Pages fetched from a remote central store, by query.
    pages: Fresh<FeedQuery, PublishedPage>,
}

impl Feed {
    pub fn new(source: FeedSource) -> Self {
        Self(Arc::new(FeedInner { source, pages: Fresh::new(Duration::from_secs(2), 1_024) }))
    }

    async fn page(&self, query: FeedQuery) -> anyhow::Result<PublishedPage> {
        match &self.0.source {
            FeedSource::Local(store, mode) => Ok(store.published(&query, *mode).await?),
            FeedSource::Remote { base, http } => {
                // A busy partner page costs the central store one request
                // per page and topic every two seconds.
                let fetch = async {
                    let url = format!("{}/v1/contributions", base.trim_end_matches('/'));
                    let mut params = vec![("topic", query.topic.clone()), ("page", query.page.to_string())];
                    params.extend(query.lang.clone().map(|l| ("lang", l)));
                    let response = http.get(url).query(&params).send().await?;
                    anyhow::Ok(response.error_for_status()?.json::<PublishedPage>().await?)
                };
                self.0.pages.get_or_try(query.clone(), fetch).await
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PublishedQuery {
    topic: String,
    #[serde(default)]
    page: Option<usize>,
    #[serde(default)]
    lang: Option<String>,
}

/// Written out: utoipa's derive leaves a `schema_with` parameter optional.
impl utoipa::IntoParams for PublishedQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let page = utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(1))
            .maximum(Some(MAX_PAGE as u64));
        vec![
            ParameterBuilder::new()
                .name("topic")
                .parameter_in(ParameterIn::Query)
                .required(Required::True)
                .description(Some("The topic."))
                .schema(Some(gdc_core::openapi::topic()))
                .build(),
            ParameterBuilder::new()
                .name("page")
                .parameter_in(ParameterIn::Query)
                .description(Some("The page, from 1; 20 contributions a page."))
                .schema(Some(page))
                .build(),
            ParameterBuilder::new()
                .name("lang")
                .parameter_in(ParameterIn::Query)
                .description(Some("Only contributions written in this language."))
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String)
                        .enum_values(Some(gdc_core::submission::LANGUAGES.iter().copied())),
                ))
                .build(),
        ]
    }
}

/// `GET /v1/contributions?topic=…&lang=…&page=…`: published contributions.
#[utoipa::path(
    get,
    path = "/v1/contributions",
    tag = "companion",
    summary = "Published contributions on a topic, newest first (moderated)",
    params(PublishedQuery),
    responses(
        (status = 200, description = "A page of contributions, texts as typed (escape them)", body = PublishedPage),
        (status = 400, description = "Unknown topic or language, or a page out of range", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many reads from this client", body = crate::http::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The central store is unreachable", body = crate::http::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn contributions(
    State(feed): State<Feed>,
    query: Result<Query<PublishedQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    if !gdc_core::consultation::is_topic(&q.topic) {
        return Err(ApiError::BadRequest(format!("unknown topic {:?}", q.topic)));
    }
    let page = q.page.unwrap_or(1);
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(ApiError::BadRequest(format!("page must be from 1 to {MAX_PAGE}")));
    }
    if let Some(lang) = q.lang.as_deref()
        && !gdc_core::submission::LANGUAGES.contains(&lang)
    {
        return Err(ApiError::BadRequest(format!("unknown language {lang:?}")));
    }
    let page = feed.page(FeedQuery { topic: q.topic, lang: q.lang, page }).await.map_err(|e| {
        tracing::warn!(error = %e, "published contributions unavailable");
        ApiError::Unavailable { reason: "central store unreachable", retry_after_secs: 30 }
    })?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=60")], Json(page)).into_response())
}

/// The feed's route, for whichever role serves it.
pub fn route() -> crate::http::ApiRoute<Feed> {
    crate::http::ApiRoute::new("/v1/contributions", crate::http::Caller::BrowserRead, axum::routing::get(contributions))
}

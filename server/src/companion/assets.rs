//! Serves what `cargo xtask build` produced: the loader at a stable URL with
//! short caching, content-hashed assets cached forever, precompressed
//! variants chosen from `Accept-Encoding`, and the embed page with a CSP
//! whose `frame-ancestors` are the site's registered origins.

use std::path::Path;

use axum::Router;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use super::CompanionState;

/// Where the loader lives; partners paste this URL, so it never changes
/// within a major version.
pub const LOADER_PATH: &str = "/widget/v1/loader.js";

/// The iframe page's path.
pub const EMBED_PATH: &str = "/embed/v1";

/// The asset paths as the OpenAPI document names them.
pub const DOCUMENTED_PATHS: &[&str] = &[LOADER_PATH, EMBED_PATH, "/widget/assets/{file}"];

/// The embed page's policy, before `frame-ancestors`: requests only to
/// ourselves, and its form posts to this server alone. Its `script-src`
/// (our own scripts and Wasm, and the boot script in the page by its hash)
/// and `style-src` are added per page (`form::script_sources`,
/// `form::style_sources`).
pub(crate) const EMBED_CSP: &str =
    "default-src 'none'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'";

pub fn routes(assets_dir: &Path, site_root: Option<&Path>) -> Router<CompanionState> {
    let immutable = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    let short =
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    let vary = SetResponseHeaderLayer::if_not_present(header::VARY, HeaderValue::from_static("accept-encoding"));
    // Inline mode imports the glue and fetches the Wasm and the stylesheet
    // from partner pages, in CORS mode (integrity checks need it). They are
    // public and carry no credentials, so any origin may read them.
    let any_origin =
        SetResponseHeaderLayer::overriding(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));

    let hashed = ServeDir::new(assets_dir.join("widget/assets")).precompressed_br().precompressed_gzip();
    let loader = tower::ServiceBuilder::new()
        .layer(short)
        .layer(vary.clone())
        .service(ServeFile::new(assets_dir.join("widget/v1/loader.js")).precompressed_br().precompressed_gzip());
    let mut router = Router::new()
        .nest_service(
            "/widget/assets",
            tower::ServiceBuilder::new().layer(immutable).layer(vary.clone()).layer(any_origin.clone()).service(hashed),
        )
        // Any origin too: a partner pinning the loader with `integrity` loads
        // it with `crossorigin`, in CORS mode.
        .route(
            LOADER_PATH,
            super::form::compressed(get(move |state, headers, raw, request| {
                loader_get(state, headers, raw, request, loader.clone())
            }))
            .layer(any_origin),
        )
        .route(EMBED_PATH, super::form::compressed(get(super::form::page_get).post(super::form::page_post)));
    // The configurator, for webmasters: `/` of every companion.
    let no_cache = SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let page = ServeFile::new(assets_dir.join("index.html")).precompressed_br().precompressed_gzip();
    router = router.route_service("/", tower::ServiceBuilder::new().layer(no_cache.clone()).service(page));
    if let Some(root) = site_root {
        // The demo's partner pages (`examples/index.html` is the demo page).
        router = router.nest_service(
            "/examples",
            tower::ServiceBuilder::new().layer(no_cache).service(ServeDir::new(root.join("examples"))),
        );
    }
    router
}

/// `GET /widget/v1/loader.js`: the file the build made, cached for five
/// minutes; or, when the address repeats an inline widget's settings, the
/// same script with that widget's first screen and stylesheet inside
/// (`document.currentScript.gdcFirst`), so the form shows one round trip
/// sooner. That answer holds the form's own id and token: never stored.
async fn loader_get<S>(
    State(state): State<CompanionState>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
    request: Request,
    file: S,
) -> Response
where
    S: tower::Service<Request, Error = std::convert::Infallible>,
    S::Response: IntoResponse,
{
    if let Some((query, html)) = super::form::first_screen(&state, &headers, raw.as_deref()).await
        && let (Ok(loader), Ok(page)) = (state.built.loader.get(), state.built.embed.get())
    {
        let first = serde_json::json!({ "q": query, "html": html, "css": page.stylesheet() });
        return (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            format!("document.currentScript.gdcFirst={first};\n{loader}"),
        )
            .into_response();
    }
    match tower::ServiceExt::oneshot(file, request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

/// What a webmaster (and their visitors) see in the frame when the widget
/// cannot be shown for their site key: the reason in the page's language,
/// as plain text in a page with no script, which anyone may frame (it says
/// nothing the API would not).
pub(crate) fn embed_error(status: StatusCode, lang: &str, reason: &str) -> Response {
    // The loader's `lang` (the partner page's, or the visitor's browser's).
    let lang = gdc_i18n::negotiate(lang);
    let t = crate::texts().get(lang);
    let escape = |s: String| crate::http::escape_html(&s);
    let dir = if gdc_i18n::is_rtl(lang) { "rtl" } else { "ltr" };
    let (title, heading) = (escape(t.get("embed-unavailable-title")), escape(t.get("embed-unavailable-heading")));
    let (reason, help) = (escape(t.get(reason)), escape(t.get("embed-unavailable-help")));
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><meta charset=\"utf-8\"><title>{title}</title>\
         <body style=\"font:16px/1.5 system-ui,sans-serif;margin:1rem;color:#1b1f24\">\
         <h1 style=\"font-size:1.125rem\">{heading}</h1><p>{reason}</p><p>{help}</p></body></html>"
    );
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'"),
            ),
        ],
        html,
    )
        .into_response()
}

/// The loader partners paste (a service; documented here).
#[utoipa::path(get, path = "/widget/v1/loader.js", tag = "widget", summary = "The loader partners paste; short caching",
    params(
        ("mode" = Option<String>, Query, description = "`inline`, with the widget's settings (`site`, `lang`, `topics`, \
            `theme`, `variant`, `question`): the loader with that widget's first screen and stylesheet inside, never cached"),
    ),
    responses(
        (status = 200, description = "JavaScript (br or gzip by Accept-Encoding)", content_type = "text/javascript"),
        (status = 404, description = "The widget is not built on this server"),
    ))]
#[allow(dead_code)]
pub(crate) fn loader() {}

/// Content-hashed widget assets (a service; documented here).
#[utoipa::path(get, path = "/widget/assets/{file}", tag = "widget",
    summary = "Content-hashed widget assets; immutable; br or gzip by Accept-Encoding",
    params(("file" = String, Path, description = "A hashed file name from the build's manifest")),
    responses(
        (status = 200, description = "The asset", content_type = "application/octet-stream"),
        (status = 404, description = "No such asset"),
    ))]
#[allow(dead_code)]
pub(crate) fn asset() {}

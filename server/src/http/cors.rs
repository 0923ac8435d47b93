//! CORS for partner pages: preflights from any origin registered for an
//! enabled site are allowed, for the methods and headers the widget uses;
//! `Retry-After` is exposed so a widget in the page can wait as told.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// CORS allowing the origins `allowed` accepts.
pub fn for_sites(allowed: Arc<dyn Fn(&str) -> bool + Send + Sync>, extra_headers: &[&'static str]) -> CorsLayer {
    let mut headers = vec![header::CONTENT_TYPE];
    headers.extend(extra_headers.iter().map(|h| HeaderName::from_static(h)));
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| origin.to_str().is_ok_and(|o| allowed(o))))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(headers)
        // The widget in a partner page waits as long as it is asked to.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

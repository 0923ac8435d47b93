//! What every role's HTTP side shares: the one error type (`error.rs`), JSON
//! bodies (`json.rs`), CORS for partner pages (`cors.rs`), client addresses
//! and rate limits (`limits.rs`), answers kept fresh (`fresh.rs`), the
//! accept loop (`serve.rs`), and how a role's route table becomes a
//! `Router` with the layers its callers need.

pub mod cors;
pub mod error;
pub mod fresh;
pub mod json;
pub mod limits;
pub mod serve;

use axum::Router;
use axum::http::{HeaderMap, header};
use axum::middleware;
use axum::routing::MethodRouter;
use tower_http::cors::CorsLayer;

use crate::http::error::ApiError;
use crate::http::limits::ReadLimit;

/// Who calls a route, which decides the layers it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Browsers on partner pages (inline mode): CORS.
    Browser,
    /// Browsers, for reads anyone may repeat: CORS and the per-IP read limit.
    BrowserRead,
    /// Monitoring: the per-IP read limit.
    Monitor,
    /// Tools and servers with their own credentials or nothing to protect.
    Tool,
}

/// One route of a role's table: the path, who calls it, its methods.
#[derive(Debug)]
pub struct ApiRoute<S> {
    pub path: &'static str,
    pub caller: Caller,
    pub route: MethodRouter<S>,
}

impl<S> ApiRoute<S> {
    pub fn new(path: &'static str, caller: Caller, route: MethodRouter<S>) -> Self {
        Self { path, caller, route }
    }
}

/// The layers a role offers its callers: CORS for partner pages (only a
/// process that knows the site registry has it) and the per-IP read limit.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    pub cors: Option<CorsLayer>,
    pub reads: Option<ReadLimit>,
}

impl Layers {
    pub fn none() -> Self {
        Self::default()
    }
}

/// A role's routes as a `Router`, each with the layers its caller needs.
/// Unknown methods get the JSON 405 (set before the layers, so that CORS
/// still answers preflights).
pub fn mount<S: Clone + Send + Sync + 'static>(routes: Vec<ApiRoute<S>>, layers: &Layers) -> Router<S> {
    type Never = std::convert::Infallible;
    let mut router = Router::new();
    for ApiRoute { path, caller, route } in routes {
        let mut route = route.fallback(|| async { ApiError::MethodNotAllowed });
        if matches!(caller, Caller::BrowserRead | Caller::Monitor)
            && let Some(reads) = &layers.reads
        {
            route = route.layer::<_, Never>(middleware::from_fn_with_state(reads.clone(), limits::throttle_reads));
        }
        if matches!(caller, Caller::Browser | Caller::BrowserRead)
            && let Some(cors) = &layers.cors
        {
            route = route.layer::<_, Never>(cors.clone());
        }
        router = router.route(path, route);
    }
    router
}

/// `s` as HTML text or as a double-quoted attribute's value: the pages the
/// server writes itself (the embed page's error, the organisers' page) put
/// what others typed only there.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

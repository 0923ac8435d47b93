//! The companion role: takes submissions from visitors' browsers (intake,
//! form tokens, bot heuristics, rate limits, the site registry), keeps them
//! in its outbox until the central store confirms them (forwarder), and
//! serves the widget (assets, the embed page). It returns its own `Router`;
//! the application merges it with the roles it runs.

pub mod abuse;
pub mod assets;
pub mod built;
pub mod form;
pub mod forwarder;
pub mod intake;
pub mod outbox;
pub mod site_check;
pub mod sites;
pub mod token;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::feed::Feed;
use crate::http::error::ApiError;
use crate::http::limits::RateLimits;
use crate::http::{ApiRoute, Caller, Layers};
use crate::ops::metrics::Metrics;
use abuse::FormTokens;
use outbox::Outbox;
use sites::Site;

/// What the companion's handlers share.
#[derive(Debug)]
pub struct Companion {
    pub sites: HashMap<String, Site>,
    pub outbox: Outbox,
    pub tokens: FormTokens,
    /// Refuse (403 `token_invalid`) submissions without a valid form token.
    pub require_token: bool,
    pub limits: Arc<RateLimits>,
    pub metrics: Arc<Metrics>,
    /// This companion's origin as browsers see it, if configured.
    pub public_origin: Option<String>,
    /// Most time to receive a whole request body.
    pub body_timeout: Duration,
    /// The built widget: loader, embed page, hashed assets.
    pub assets_dir: PathBuf,
    /// The embed page and the loader, as the companion fills them in.
    pub built: built::BuiltFiles,
}

/// One `Arc`: the clones a request makes cost an increment each.
#[derive(Debug, Clone)]
pub struct CompanionState(pub Arc<Companion>);

impl std::ops::Deref for CompanionState {
    type Target = Companion;

    fn deref(&self) -> &Companion {
        &self.0
    }
}

impl Companion {
    /// The registered, enabled site with this key.
    pub fn site(&self, key: &str) -> Result<&Site, ApiError> {
        match self.sites.get(key) {
            Some(site) if site.enabled => Ok(site),
            Some(_) => Err(ApiError::Forbidden(format!("site {key:?} is disabled"))),
            None => Err(ApiError::Forbidden(format!("unknown site {key:?}: it is not in this server's registry"))),
        }
    }

    /// Whether any enabled site lists this origin (for CORS preflights,
    /// which do not say which site they are for).
    pub fn any_site_allows(&self, origin: &str) -> bool {
        self.sites.values().any(|s| s.enabled && s.allows_origin(origin))
    }
}

/// The companion's API routes.
pub fn routes() -> Vec<ApiRoute<CompanionState>> {
    vec![
        ApiRoute::new("/v1/token", Caller::Browser, get(token::issue_token)),
        ApiRoute::new("/v1/sites/{key}", Caller::BrowserRead, get(site_check::site_info)),
        ApiRoute::new("/v1/submissions", Caller::Browser, post(intake::submit)),
        ApiRoute::new(
            form::FRAGMENT_PATH,
            Caller::Browser,
            form::compressed(get(form::fragment_get).post(form::fragment_post)),
        ),
    ]
}

/// The layers the companion's callers need: CORS for the registered
/// origins, and the per-IP read limit.
pub fn layers(state: &CompanionState) -> Layers {
    let sites = state.clone();
    let allowed: Arc<dyn Fn(&str) -> bool + Send + Sync> = Arc::new(move |o| sites.any_site_allows(o));
    Layers {
        cors: Some(crate::http::cors::for_sites(allowed, &[abuse::TOKEN_HEADER, abuse::HONEYPOT_HEADER])),
        reads: Some(crate::http::limits::ReadLimit { limits: state.limits.clone(), metrics: state.metrics.clone() }),
    }
}

/// The companion's `Router`: its API, the published feed for browsers, and
/// the widget's assets (with the demo and example pages from `site_root`).
pub fn router(state: CompanionState, feed: Feed, site_root: Option<&std::path::Path>) -> Router {
    let layers = layers(&state);
    crate::texts();
    let assets = assets::routes(&state.assets_dir, site_root);
    crate::http::mount(routes(), &layers)
        .merge(assets)
        .with_state(state)
        .merge(crate::http::mount(vec![crate::feed::route()], &layers).with_state(feed))
}

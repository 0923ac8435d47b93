//! gdc-server: the companion server (intake, outbox, forwarder, widget
//! assets) and the central store (batches, export), in one crate and one
//! binary; configuration decides which roles a process plays.

pub mod abuse;
pub mod assets;
pub mod central;
pub mod config;
pub mod error;
pub mod forwarder;
pub mod fresh;
pub mod health;
pub mod intake;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod outbox;
pub mod serve;
pub mod sites;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router, middleware};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use crate::abuse::FormTokens;
use crate::central::CentralStore;
use crate::config::{CompanionToken, Config, Secret};
use crate::error::ApiError;
use crate::forwarder::{ForwardStatus, Forwarder};
use crate::limits::RateLimits;
use crate::metrics::Metrics;
use crate::outbox::{Outbox, SpoolLimit, now_ms};
use crate::sites::Site;

/// How long open connections, then the forwarder, may take to finish after
/// shutdown begins.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Everything handlers share: one `Arc`, so the several clones a request
/// makes (extractors, middleware) cost one atomic increment each.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Debug)]
pub struct Shared {
    sites: Arc<HashMap<String, Site>>,
    pub outbox: Option<Outbox>,
    pub central: Option<CentralStore>,
    companions: Arc<Vec<CompanionToken>>,
    admin_token: Option<Secret>,
    assets_dir: Arc<PathBuf>,
    pub limits: Arc<RateLimits>,
    pub tokens: FormTokens,
    pub require_token: bool,
    pub metrics: Arc<Metrics>,
    pub forward_status: Arc<ForwardStatus>,
    /// The central store's base URL, when it is another process.
    pub central_url: Option<String>,
    /// This companion's origin as browsers see it, if configured.
    pub public_origin: Option<String>,
    /// Most time to receive a whole request body.
    pub body_timeout: Duration,
    /// For reading from the central store (published contributions).
    pub http: reqwest::Client,
    /// Published pages by (topic, page), reused for a few seconds.
    pub published: fresh::Fresh<(String, usize), central::PublishedPage>,
    /// The readiness report, reused for a second.
    pub readiness: fresh::Fresh<(), (StatusCode, serde_json::Value)>,
    /// The outbox figures `/metrics` reports, reused for a second.
    pub outbox_stats: fresh::Fresh<(), outbox::Stats>,
}

impl Shared {
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
    fn any_site_allows(&self, origin: &str) -> bool {
        self.sites.values().any(|s| s.enabled && s.allows_origin(origin))
    }
}

/// Which role serves a route. A route is mounted only on a process that
/// plays its role, so a companion never reads a batch or serves an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Any,
    Companion,
    Central,
}

impl Role {
    fn enabled(self, config: &Config) -> bool {
        match self {
            Self::Any => true,
            Self::Companion => config.companion.enabled,
            Self::Central => config.central.enabled,
        }
    }
}

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

/// One route of the public API.
#[derive(Debug)]
pub struct ApiRoute {
    pub path: &'static str,
    pub role: Role,
    pub caller: Caller,
    pub route: MethodRouter<AppState>,
}

/// The public API: every path, the role that serves it, who calls it and
/// its methods, in one table that the router is built from and that the
/// OpenAPI test compares with the document.
pub fn api_routes() -> Vec<ApiRoute> {
    let r = |path, role, caller, route| ApiRoute { path, role, caller, route };
    vec![
        r("/healthz", Role::Any, Caller::Tool, get(health::healthz)),
        r("/readyz", Role::Any, Caller::Monitor, get(health::readyz)),
        r("/metrics", Role::Any, Caller::Monitor, get(health::metrics)),
        r("/v1/openapi.json", Role::Any, Caller::Tool, get(openapi_document)),
        r("/v1/token", Role::Companion, Caller::Browser, get(issue_token)),
        r("/v1/submissions", Role::Companion, Caller::Browser, post(intake::submit)),
        r("/v1/batches", Role::Central, Caller::Tool, post(central::api::receive_batch)),
        r("/v1/export", Role::Central, Caller::Tool, get(central::api::export)),
        r("/v1/contributions", Role::Any, Caller::BrowserRead, get(central::api::contributions)),
    ]
}

/// Every route of the server, for `Application` and for tests.
pub fn router(state: AppState, config: &Config) -> Router {
    let cors_state = state.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|o| cors_state.any_site_allows(o))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(abuse::TOKEN_HEADER),
            HeaderName::from_static(abuse::HONEYPOT_HEADER),
        ])
        // The widget in a partner page waits as long as it is asked to.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));

    let mut api = Router::new();
    for ApiRoute { path, role, caller, route } in api_routes() {
        if !role.enabled(config) {
            continue;
        }
        let throttled = || middleware::from_fn_with_state(state.clone(), limits::throttle_reads);
        // Set before the layers, so that CORS still answers preflights.
        let route = route.fallback(|| async { ApiError::MethodNotAllowed });
        type Never = std::convert::Infallible;
        let route: MethodRouter<AppState> = match caller {
            Caller::Browser => route.layer::<_, Never>(cors.clone()),
            Caller::BrowserRead => route.layer::<_, Never>(throttled()).layer::<_, Never>(cors.clone()),
            Caller::Monitor => route.layer::<_, Never>(throttled()),
            Caller::Tool => route,
        };
        api = api.route(path, route);
    }
    if config.companion.enabled {
        api = api.merge(assets::routes(&config.assets_dir, config.site_root.as_deref()));
    }
    if config.bench_noop_route {
        // The same stack as intake (middleware, body read), none of its work.
        api = api.route(
            "/bench/noop",
            post(|_body: axum::body::Bytes| async { (StatusCode::ACCEPTED, "{\"status\":\"accepted\"}") }),
        );
    }
    let trusted = Arc::new(config.limits.trusted_proxies.clone());
    // Every refusal is the documented JSON error, unknown paths and methods too.
    api.fallback(|| async { ApiError::NotFound })
        .with_state(state)
        .layer(middleware::from_fn_with_state(trusted, limits::client_ip))
        .layer(RequestBodyTimeoutLayer::new(config.limits.body_timeout))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.limits.request_timeout))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(TraceLayer::new_for_http())
}

#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "operations",
    summary = "This document",
    responses((status = 200, description = "OpenAPI", content_type = "application/json"))
)]
pub(crate) async fn openapi_document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi::document())
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TokenQuery {
    /// The site key.
    #[serde(default)]
    site: String,
}

/// A form token, and the topics the site collects.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct IssuedToken {
    token: String,
    /// Topic ids the site collects; empty: every topic.
    topics: Vec<String>,
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
        (status = 400, description = "A malformed query", body = crate::error::ErrorBody),
        (status = 403, description = "Unknown or disabled site", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn issue_token(
    State(state): State<AppState>,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let site = state.site(&q.site)?;
    let token = state.tokens.issue(&site.key, now_ms());
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(IssuedToken { token, topics: site.topics.clone() })))
}

/// A bound, ready server: build it, read its port, run it.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    stop: CancellationToken,
    forwarder: Option<Forwarder>,
    limits: Arc<RateLimits>,
    /// The outbox and how long its forwarded rows stay.
    retention: Option<(Outbox, Duration)>,
    connections: serve::ConnectionLimits,
    signals: Signals,
}

impl Application {
    /// Opens storage, binds the listener and prepares the forwarder. Once
    /// this returns, connections are queued by the kernel and served as soon
    /// as `run_until_stopped` starts.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        config.check()?;
        let listener = TcpListener::bind(config.addr).await?;
        Self::build_on(config, listener).await
    }

    /// As [`Application::build`], on a listener the caller bound (and so
    /// knew the address of) beforehand; `config.addr` is not used.
    pub async fn build_on(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        config.check()?;
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| anyhow::anyhow!("cannot create data dir {}: {e}", config.data_dir.display()))?;
        let addr = listener.local_addr()?;

        let spool = SpoolLimit { max_rows: config.limits.spool_max_rows, max_bytes: config.limits.spool_max_bytes };
        let outbox = if config.companion.enabled {
            Some(Outbox::open(&config.data_dir.join("outbox.sqlite"), spool)?)
        } else {
            None
        };
        let central = if config.central.enabled {
            Some(CentralStore::open(&config.data_dir.join("central.sqlite"))?)
        } else {
            None
        };
        if config.companion.enabled && !config.assets_dir.join("embed.html").exists() {
            tracing::warn!(dir = %config.assets_dir.display(), "widget assets not found: run `cargo xtask build`");
        }
        let metrics = Arc::new(Metrics::default());
        let forward_status = Arc::new(ForwardStatus::default());

        let forwarder = match &outbox {
            Some(outbox) => {
                let base = config.companion.central_url.clone().unwrap_or_else(|| format!("http://{}", loopback(addr)));
                Some(Forwarder {
                    outbox: outbox.clone(),
                    client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
                    url: format!("{}/v1/batches", base.trim_end_matches('/')),
                    token: config.companion.token.clone(),
                    batch_size: config.companion.batch_size,
                    batch_delay: config.companion.batch_delay,
                    max_backoff: config.companion.max_backoff,
                    metrics: metrics.clone(),
                    status: forward_status.clone(),
                })
            }
            None => None,
        };
        let token_key = FormTokens::load_or_create_key(config.abuse.token_secret.as_ref(), &config.data_dir)?;
        let limits = Arc::new(RateLimits::new(&config.limits));
        let state = AppState(Arc::new(Shared {
            sites: Arc::new(config.sites.iter().map(|s| (s.key.clone(), s.clone())).collect()),
            outbox,
            central,
            companions: Arc::new(config.central.companions.clone()),
            admin_token: config.central.admin_token.clone(),
            assets_dir: Arc::new(config.assets_dir.clone()),
            limits: limits.clone(),
            tokens: FormTokens::new(token_key, config.abuse.min_submit_time),
            require_token: config.abuse.require_token,
            metrics,
            forward_status,
            central_url: config.companion.central_url.clone(),
            public_origin: config.companion.public_url.as_deref().and_then(sites::origin_of),
            body_timeout: config.limits.body_timeout,
            http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
            published: fresh::Fresh::new(Duration::from_secs(2), 1_024),
            readiness: fresh::Fresh::new(Duration::from_secs(1), 1),
            outbox_stats: fresh::Fresh::new(Duration::from_secs(1), 1),
        }));
        let router = router(state, &config);
        // Registered now, before anyone can learn our address: a SIGTERM
        // from then on stops us gracefully, never by the default action.
        let signals = Signals::register()?;
        let connections = serve::ConnectionLimits {
            max_connections: config.limits.max_connections,
            header_timeout: config.limits.header_timeout,
            shutdown_grace: SHUTDOWN_GRACE,
        };
        let retention = forwarder.as_ref().map(|f| (f.outbox.clone(), config.companion.retention));
        Ok(Self {
            listener,
            router,
            stop: CancellationToken::new(),
            forwarder,
            limits,
            retention,
            connections,
            signals,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn port(&self) -> u16 {
        self.address().port()
    }

    /// Cancelling this token stops the server as SIGTERM would.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Serves until SIGTERM, Ctrl-C or the stop token; then stops accepting,
    /// lets in-flight requests (and so their commits) finish, and gives the
    /// forwarder a deadline to flush.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let stop = self.stop.clone();
        let forwarding = self.forwarder.map(|f| tokio::spawn(f.run(stop.clone())));
        let limits = self.limits.clone();
        let housekeeping_stop = stop.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                tokio::select! {
                    _ = every.tick() => limits.forget_idle(),
                    () = housekeeping_stop.cancelled() => return,
                }
            }
        });
        if let Some((outbox, retention)) = self.retention {
            tokio::spawn(prune_forwarded(outbox, retention, stop.clone()));
        }
        let signal_stop = stop.clone();
        let mut signals = self.signals;
        serve::serve(self.listener, self.router, self.connections, async move {
            tokio::select! {
                () = signals.recv() => {}
                () = signal_stop.cancelled() => {}
            }
            tracing::info!("shutting down: no new connections; finishing requests in flight");
        })
        .await?;
        stop.cancel();
        if let Some(task) = forwarding
            && tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err()
        {
            tracing::warn!("forwarder did not finish in time; pending rows stay in the outbox");
        }
        Ok(())
    }
}

/// Deletes forwarded rows older than `retention`, looking a few times per
/// retention period (at most once a minute, at least every 50 ms).
async fn prune_forwarded(outbox: Outbox, retention: Duration, stop: CancellationToken) {
    let period = (retention / 4).clamp(Duration::from_millis(50), Duration::from_secs(60));
    loop {
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            () = stop.cancelled() => return,
        }
        let before = now_ms().saturating_sub(retention.as_millis() as i64);
        match outbox.prune(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "deleted forwarded rows past their retention"),
            Err(e) => tracing::warn!(error = %e, "could not prune the outbox"),
        }
    }
}

/// The address to reach a listener from this machine.
fn loopback(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() { SocketAddr::from(([127, 0, 0, 1], addr.port())) } else { addr }
}

/// SIGTERM and SIGINT, registered when created.
#[derive(Debug)]
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn register() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self { term: signal(SignalKind::terminate())?, int: signal(SignalKind::interrupt())? })
    }

    #[cfg(not(unix))]
    fn register() -> std::io::Result<Self> {
        Ok(Self {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

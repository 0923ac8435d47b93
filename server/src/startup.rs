//! Start-up: builds the roles a configuration asks for, merges their
//! routers, binds, and runs until a signal, then stops gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::post;
use axum::{Router, middleware};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use crate::central::{self, Access, Central, CentralState};
use crate::companion::abuse::FormTokens;
use crate::companion::forwarder::{ForwardStatus, Forwarder};
use crate::companion::outbox::{Outbox, SpoolLimit};
use crate::companion::sites::origin_of;
use crate::companion::{self, Companion, CompanionState};
use crate::config::Config;
use crate::feed::{Feed, FeedSource};
use crate::http::error::ApiError;
use crate::http::limits::{RateLimits, ReadLimit, client_ip};
use crate::http::{Layers, serve};
use crate::ops::metrics::Metrics;
use crate::ops::{self, OpsState, Outboxes};
use crate::storage::now_ms;

/// How long open connections, then the forwarder, may take to finish after
/// shutdown begins.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A bound, ready server: build it, read its port, run it.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: serve::App,
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
        let metrics = Arc::new(Metrics::default());
        let limits = Arc::new(RateLimits::new(&config.limits));
        let reads = ReadLimit { limits: limits.clone(), metrics: metrics.clone() };

        let central = match config.central.enabled {
            true => Some(central::storage::open(&config.central.location(&config.data_dir), Access::Serve).await?),
            false => None,
        };
        // The published feed: from the store in this process, else from the
        // central store over HTTP. Decided here, once.
        let feed = Feed::new(match (&central, &config.companion.central_url) {
            (Some(store), _) => FeedSource::Local(store.clone(), config.central.moderation),
            (None, Some(base)) => FeedSource::Remote {
                base: base.clone(),
                http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
            },
            (None, None) => {
                FeedSource::Remote { base: format!("http://{}", loopback(addr)), http: reqwest::Client::new() }
            }
        });

        let mut router = Router::new();
        let mut forwarder = None;
        let mut outboxes = None;
        if config.companion.enabled {
            let (state, f) = companion_role(&config, addr, metrics.clone(), limits.clone())?;
            outboxes = Some(Outboxes { outbox: f.outbox.clone(), forwarding: f.status.clone() });
            forwarder = Some(f);
            router = router.merge(companion::router(state, feed.clone(), config.site_root.as_deref()));
        }
        if let Some(store) = central {
            let state = CentralState(Arc::new(Central {
                store,
                companions: config.central.companions.clone(),
                admin_token: config.central.admin_token.clone(),
                metrics: metrics.clone(),
                body_timeout: config.limits.body_timeout,
                moderation: config.central.moderation,
                last_batches: Default::default(),
            }));
            // A companion in this process serves the feed to browsers; else
            // the central store serves it to the companions that ask.
            let serves_feed =
                (!config.companion.enabled).then(|| (feed, Layers { cors: None, reads: Some(reads.clone()) }));
            router = router.merge(central::router(state, reads.clone(), serves_feed));
        }
        router = router.merge(ops::router(OpsState::new(metrics, outboxes), reads));
        if config.bench_noop_route {
            // The same stack as intake (middleware, body read), none of its work.
            router = router.route(
                "/bench/noop",
                post(|_body: axum::body::Bytes| async { (StatusCode::ACCEPTED, "{\"status\":\"accepted\"}") }),
            );
        }
        let router = common_layers(router, &config);
        // Registered now, before anyone can learn our address: a SIGTERM
        // from then on stops us gracefully, never by the default action.
        let signals = Signals::register()?;
        let connections = serve::ConnectionLimits {
            max_connections: config.limits.max_connections,
            header_timeout: config.limits.header_timeout,
            shutdown_grace: SHUTDOWN_GRACE,
        };
        let retention = forwarder.as_ref().map(|f: &Forwarder| (f.outbox.clone(), config.companion.retention));
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

/// The companion role's state and its forwarder.
fn companion_role(
    config: &Config,
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    limits: Arc<RateLimits>,
) -> anyhow::Result<(CompanionState, Forwarder)> {
    let spool = SpoolLimit { max_rows: config.limits.spool_max_rows, max_bytes: config.limits.spool_max_bytes };
    let outbox = Outbox::open(&config.data_dir.join("outbox.sqlite"), spool)?;
    if !config.assets_dir.join("embed.html").exists() {
        tracing::warn!(dir = %config.assets_dir.display(), "widget assets not found: run `cargo xtask build`");
    }
    let base = config.companion.central_url.clone().unwrap_or_else(|| format!("http://{}", loopback(addr)));
    let forwarder = Forwarder {
        outbox: outbox.clone(),
        client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
        url: format!("{}/v1/batches", base.trim_end_matches('/')),
        token: config.companion.token.clone(),
        batch_size: config.companion.batch_size,
        batch_delay: config.companion.batch_delay,
        max_backoff: config.companion.max_backoff,
        metrics: metrics.clone(),
        status: Arc::new(ForwardStatus::default()),
    };
    let token_key = FormTokens::load_or_create_key(config.abuse.token_secret.as_ref(), &config.data_dir)?;
    let state = CompanionState(Arc::new(Companion {
        sites: config.sites.iter().map(|s| (s.key.clone(), s.clone())).collect(),
        outbox,
        tokens: FormTokens::new(token_key, config.abuse.min_submit_time),
        require_token: config.abuse.require_token,
        limits,
        metrics,
        public_origin: config.companion.public_url.as_deref().and_then(origin_of),
        body_timeout: config.limits.body_timeout,
        assets_dir: config.assets_dir.clone(),
        built: crate::companion::built::BuiltFiles::new(&config.assets_dir),
    }));
    Ok((state, forwarder))
}

/// Every role's routes with what every answer gets: the client's address,
/// timeouts, the JSON 404 for unknown paths, safe headers, a trace; as one
/// service that a request clones whole (one allocation). Layered on the
/// `Router` instead, each layer wrapped each route on its own, and every
/// request cloned about twenty nested boxes (callgrind: 17,000 instructions
/// of about 100,000 per submission).
fn common_layers(router: Router, config: &Config) -> serve::App {
    let trusted = Arc::new(config.limits.trusted_proxies.clone());
    let router = router.fallback(|| async { ApiError::NotFound });
    let service = tower::ServiceBuilder::new()
        .map_response(axum::response::IntoResponse::into_response)
        .layer(TraceLayer::new_for_http())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.limits.request_timeout))
        .layer(middleware::from_fn_with_state(trusted, client_ip))
        .layer(RequestBodyTimeoutLayer::new(config.limits.body_timeout))
        .service(router);
    serve::App::new(service)
}

//! gdc-server: the companion server (intake, outbox, forwarder, widget
//! assets) and the central store (batches, export), in one crate and one
//! binary; configuration decides which roles a process plays.

pub mod assets;
pub mod central;
pub mod config;
pub mod error;
pub mod forwarder;
pub mod health;
pub mod intake;
pub mod outbox;
pub mod sites;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::central::CentralStore;
use crate::config::{CompanionToken, Config, Secret};
use crate::error::ApiError;
use crate::forwarder::Forwarder;
use crate::outbox::Outbox;
use crate::sites::Site;

/// How long the forwarder may keep flushing after shutdown begins.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Largest batch a companion may post to the central store.
const MAX_BATCH_BYTES: usize = 64 * 1024 * 1024;

/// Everything handlers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    sites: Arc<HashMap<String, Site>>,
    pub outbox: Option<Outbox>,
    pub central: Option<CentralStore>,
    companions: Arc<Vec<CompanionToken>>,
    admin_token: Option<Secret>,
    assets_dir: Arc<PathBuf>,
}

impl AppState {
    /// The registered, enabled site with this key.
    pub fn site(&self, key: &str) -> Result<&Site, ApiError> {
        match self.sites.get(key) {
            Some(site) if site.enabled => Ok(site),
            Some(_) => Err(ApiError::Forbidden(format!("site {key:?} is disabled"))),
            None => Err(ApiError::Forbidden(format!("unknown site {key:?}: it is not in this server's registry"))),
        }
    }
}

/// Every route of the public HTTP API, for the server and for tests.
pub fn router(state: AppState, config: &Config) -> Router {
    let mut api = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/v1/submissions", post(intake::submit).layer(DefaultBodyLimit::max(intake::MAX_BODY_BYTES)))
        .route("/v1/batches", post(central::api::receive_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BYTES)))
        .route("/v1/export", get(central::api::export));
    if config.companion.enabled {
        api = api.merge(assets::routes(&config.assets_dir, config.site_root.as_deref()));
    }
    api.with_state(state)
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// A bound, ready server: build it, read its port, run it.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    stop: CancellationToken,
    forwarder: Option<Forwarder>,
}

impl Application {
    /// Opens storage, binds the listener and prepares the forwarder. Once
    /// this returns, connections are queued by the kernel and served as soon
    /// as `run_until_stopped` starts.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        config.check()?;
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| anyhow::anyhow!("cannot create data dir {}: {e}", config.data_dir.display()))?;
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;

        let outbox =
            if config.companion.enabled { Some(Outbox::open(&config.data_dir.join("outbox.sqlite"))?) } else { None };
        let central = if config.central.enabled {
            Some(CentralStore::open(&config.data_dir.join("central.sqlite"))?)
        } else {
            None
        };
        if config.companion.enabled && !config.assets_dir.join("embed.html").exists() {
            tracing::warn!(dir = %config.assets_dir.display(), "widget assets not found: run `cargo xtask build`");
        }

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
                })
            }
            None => None,
        };
        let state = AppState {
            sites: Arc::new(config.sites.iter().map(|s| (s.key.clone(), s.clone())).collect()),
            outbox,
            central,
            companions: Arc::new(config.central.companions.clone()),
            admin_token: config.central.admin_token.clone(),
            assets_dir: Arc::new(config.assets_dir.clone()),
        };
        let router = router(state, &config);
        Ok(Self { listener, router, stop: CancellationToken::new(), forwarder })
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
    /// lets in-flight requests finish, and gives the forwarder a deadline.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let stop = self.stop.clone();
        let forwarding = self.forwarder.map(|f| tokio::spawn(f.run(stop.clone())));
        let signal_stop = stop.clone();
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                tokio::select! {
                    () = shutdown_signal() => {}
                    () = signal_stop.cancelled() => {}
                }
                tracing::info!("shutting down: no new connections");
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

/// The address to reach a listener from this machine.
fn loopback(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() { SocketAddr::from(([127, 0, 0, 1], addr.port())) } else { addr }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

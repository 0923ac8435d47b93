//! Prometheus metrics, served as text at `GET /metrics`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ScopeLabel {
    pub scope: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabel {
    pub result: &'static str,
}

/// Every metric the server keeps. Shared behind an `Arc`.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// `POST /v1/submissions` answers, by HTTP status.
    pub intake: Family<StatusLabel, Counter>,
    /// Submissions a bot heuristic doubted (stored, flagged), by reason.
    pub bots: Family<ReasonLabel, Counter>,
    /// Central store: batch items by result (`accepted`, `duplicate`,
    /// `rejected`): deliveries, where the rows count only what is kept.
    pub central_items: Family<ResultLabel, Counter>,
    /// Requests refused by a rate limit, by scope (`ip`, `site`).
    pub rate_limited: Family<ScopeLabel, Counter>,
    /// Forwarding attempts by result (`ok`, `retry`).
    pub forward_batches: Family<ResultLabel, Counter>,
    /// Submissions the central store confirmed.
    pub forwarded: Counter,
    /// Seconds from sending a batch to its confirmation.
    pub forward_latency: Histogram,
    /// Rows not yet forwarded (dead letters included), and their bytes.
    pub outbox_pending: Gauge,
    pub outbox_pending_bytes: Gauge,
    /// Age of the oldest row waiting to be forwarded, in seconds.
    pub outbox_oldest_age: Gauge,
    /// Rows the central store refused, kept for inspection and replay.
    pub dead_letters: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("gdc");
        let intake = Family::default();
        let bots = Family::default();
        let central_items = Family::default();
        let rate_limited = Family::default();
        let forward_batches = Family::default();
        let forwarded = Counter::default();
        let forward_latency = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        let (outbox_pending, outbox_pending_bytes, outbox_oldest_age, dead_letters) =
            (Gauge::default(), Gauge::default(), Gauge::default(), Gauge::default());
        registry.register("intake_requests", "POST /v1/submissions answers by status", intake.clone());
        registry.register("bot_submissions", "Submissions flagged by a bot heuristic, by reason", bots.clone());
        registry.register(
            "central_batch_items",
            "Central store: submissions delivered in batches, by result",
            central_items.clone(),
        );
        registry.register("rate_limited_requests", "Requests refused by a rate limit", rate_limited.clone());
        registry.register("forward_batches", "Forwarding attempts by result", forward_batches.clone());
        registry.register("forwarded_submissions", "Submissions confirmed by the central store", forwarded.clone());
        registry.register(
            "forward_latency_seconds",
            "Time from sending a batch to its confirmation",
            forward_latency.clone(),
        );
        registry.register("outbox_pending_rows", "Rows not yet forwarded", outbox_pending.clone());
        registry.register("outbox_pending_bytes", "Bytes of rows not yet forwarded", outbox_pending_bytes.clone());
        registry.register(
            "outbox_oldest_pending_age_seconds",
            "Age of the oldest row waiting to be forwarded",
            outbox_oldest_age.clone(),
        );
        registry.register("outbox_dead_letters", "Rows the central store rejected", dead_letters.clone());
        Self {
            registry,
            intake,
            bots,
            central_items,
            rate_limited,
            forward_batches,
            forwarded,
            forward_latency,
            outbox_pending,
            outbox_pending_bytes,
            outbox_oldest_age,
            dead_letters,
        }
    }
}

impl Metrics {
    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

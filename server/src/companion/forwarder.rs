//! Moves acknowledged submissions from the companion's outbox to the central
//! store. A row is marked forwarded only after the central store confirms it
//! (accepted, or already there); a row it refuses as invalid becomes a dead
//! letter; anything else is retried with exponential backoff and full jitter.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesOrdered;
use reqwest::StatusCode;
use tokio_util::sync::CancellationToken;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::companion::outbox::Outbox;
use crate::config::Secret;
use crate::ops::metrics::{Metrics, ResultLabel};
use crate::storage::now_ms;
use gdc_core::{BatchResults, ItemResult, ItemStatus};

/// How forwarding has gone lately, for `/readyz`.
#[derive(Debug, Default)]
pub struct ForwardStatus {
    /// When the central store last confirmed a batch (ms), 0 if never.
    pub last_ok_ms: AtomicI64,
    /// When the last attempt failed (ms), 0 if the last attempt succeeded.
    pub failing_since_ms: AtomicI64,
    pub last_error: std::sync::Mutex<Option<String>>,
}

const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// How often the outbox is looked at when nothing wakes the forwarder.
const IDLE_POLL: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct Forwarder {
    pub outbox: Outbox,
    pub client: reqwest::Client,
    /// `…/v1/batches` on the central store.
    pub url: String,
    pub token: Secret,
    pub batch_size: usize,
    pub batch_delay: Duration,
    /// Longest wait between attempts while the central store fails.
    pub max_backoff: Duration,
    pub metrics: Arc<Metrics>,
    pub status: Arc<ForwardStatus>,
}

/// Why a batch did not go through, and when to try again.
#[derive(Debug)]
enum Failure {
    /// The central store asked us to wait this long.
    RetryAfter(Duration, String),
    /// Anything else transient: back off.
    Transient(String),
    /// A failure after some of the answer was acted on (rows marked
    /// forwarded or dead): back off, and read the rows again.
    AfterAnswer(String),
    /// The central store (or a proxy before it) refused the batch as too
    /// large: send fewer rows at a time; a single row it refuses is parked.
    TooLarge,
}

/// Batches sent before the first answer is back: the central store stores
/// one while the companion reads the next and marks the one before.
const IN_FLIGHT: usize = 3;

impl Forwarder {
    /// Runs until `stop` is cancelled, then returns after the batches in hand.
    pub async fn run(self, stop: CancellationToken) {
        let mut failures: u32 = 0;
        // Rows per batch: the configured size, halved after each 413 and
        // doubled back after each success.
        let mut batch_size = self.batch_size.max(1);
        // The highest `seq` handed to a send: the next batch starts after it
        // while earlier ones are in flight. Back to 0 (the oldest unconfirmed
        // row) after a failure and whenever the pipeline runs empty, so a row
        // a batch did not confirm is sent again.
        let mut cursor: i64 = 0;
        let mut in_flight = FuturesOrdered::new();
        // The oldest batch that failed before anything of it was acted on,
        // sent again as it is: while the central store is away for hours,
        // each attempt costs a connection, not a read of a thousand rows
        // and a megabyte of JSON.
        let mut again: Option<Outgoing> = None;
        let this = &self;
        loop {
            while in_flight.len() < IN_FLIGHT && !stop.is_cancelled() {
                let outgoing = match again.take() {
                    Some(outgoing) => outgoing,
                    None => match self.outbox.pending(cursor, batch_size).await {
                        Ok(rows) => Outgoing::new(rows),
                        Err(e) => {
                            tracing::error!(error = %e, "cannot read the outbox");
                            Outgoing::new(Vec::new())
                        }
                    },
                };
                let Some(last) = outgoing.rows.last() else { break };
                cursor = last.seq;
                let started = std::time::Instant::now();
                in_flight.push_back(async move {
                    let result = this.send(&outgoing).await;
                    (result, started, outgoing)
                });
            }
            let Some((result, started, outgoing)) = in_flight.next().await else {
                if stop.is_cancelled() {
                    return;
                }
                if cursor != 0 {
                    // Nothing after the cursor: look again from the start for
                    // rows a batch did not confirm.
                    cursor = 0;
                    continue;
                }
                failures = 0;
                tokio::select! {
                    () = self.outbox.new_rows.notified() => {}
                    () = tokio::time::sleep(IDLE_POLL) => {}
                    () = stop.cancelled() => return,
                }
                // Let a burst gather into one batch.
                tokio::select! {
                    () = tokio::time::sleep(self.batch_delay) => {}
                    () = stop.cancelled() => return,
                }
                continue;
            };
            let failure = match result {
                Ok(()) => {
                    self.confirmed(started);
                    batch_size = batch_size.saturating_mul(2).min(self.batch_size.max(1));
                    None
                }
                Err(failure) => Some(failure),
            };
            let Some(failure) = failure else { continue };
            let (rows, first) = (outgoing.rows.len(), outgoing.rows.first().map(|p| p.seq));
            if matches!(failure, Failure::RetryAfter(..) | Failure::Transient(_)) {
                again = Some(outgoing);
            }
            // Let the other batches finish (what they confirm stays
            // confirmed), then start again from the oldest unconfirmed row.
            while let Some((result, started, ..)) = in_flight.next().await {
                if result.is_ok() {
                    self.confirmed(started);
                }
            }
            cursor = 0;
            if let Failure::TooLarge = failure {
                self.metrics.forward_batches.get_or_create(&ResultLabel { result: "too_large" }).inc();
                if rows > 1 {
                    batch_size = (rows / 2).max(1);
                    tracing::warn!(rows, next = batch_size, "central store refused a batch as too large; splitting");
                    continue;
                }
                if let Some(seq) = first {
                    // One row alone is too large: retrying cannot help, and it
                    // must not block every row behind it. Kept, listed, replayable.
                    let reason = "the central store refused this submission as too large (413)".to_owned();
                    tracing::error!(seq, "a single submission is too large for the central store; kept as dead letter");
                    match self.outbox.mark_dead(seq, reason).await {
                        Ok(()) => continue,
                        Err(e) => tracing::error!(error = %e, "cannot park the oversized row"),
                    }
                }
            }
            failures = failures.saturating_add(1);
            let delay = self.failed(failure, failures);
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = stop.cancelled() => return,
            }
        }
    }

    fn confirmed(&self, started: std::time::Instant) {
        self.metrics.forward_batches.get_or_create(&ResultLabel { result: "ok" }).inc();
        self.metrics.forward_latency.observe(started.elapsed().as_secs_f64());
        self.status.last_ok_ms.store(now_ms(), Ordering::Relaxed);
        self.status.failing_since_ms.store(0, Ordering::Relaxed);
    }

    /// Records a failed attempt and says how long to wait before the next.
    fn failed(&self, failure: Failure, failures: u32) -> Duration {
        self.metrics.forward_batches.get_or_create(&ResultLabel { result: "retry" }).inc();
        let _ = self.status.failing_since_ms.compare_exchange(0, now_ms(), Ordering::Relaxed, Ordering::Relaxed);
        let (delay, why) = match failure {
            Failure::RetryAfter(d, why) => (d, why),
            Failure::Transient(why) | Failure::AfterAnswer(why) => (full_jitter(failures, self.max_backoff), why),
            Failure::TooLarge => (full_jitter(failures, self.max_backoff), "batch too large".to_owned()),
        };
        tracing::warn!(reason = %why, attempt = failures, retry_in_ms = delay.as_millis() as u64,
            "forwarding failed; will retry");
        if let Ok(mut last) = self.status.last_error.lock() {
            *last = Some(why);
        }
        delay
    }

    async fn send(&self, outgoing: &Outgoing) -> Result<(), Failure> {
        let pending = &outgoing.rows;
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(self.token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(outgoing.body.clone())
            .send()
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let status = response.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return Err(Failure::TooLarge);
        }
        if matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE)
            && let Some(secs) = retry_after(&response)
        {
            // Honoured, within reason: a misconfigured store must not stall us for a day.
            let wait = Duration::from_secs(secs).min(Duration::from_secs(600));
            return Err(Failure::RetryAfter(wait, format!("central store answered {status}")));
        }
        if !status.is_success() {
            return Err(Failure::Transient(format!("central store answered {status}")));
        }
        let results: BatchResults = response.json().await.map_err(|e| Failure::Transient(e.to_string()))?;
        // Each row's answer by its id, the first if named twice: looked up
        // once per row, not searched for (a search per row was a million
        // comparisons per batch of 1,000).
        let mut answers: HashMap<&str, &ItemResult> = HashMap::with_capacity(results.results.len());
        for r in &results.results {
            answers.entry(r.id.as_str()).or_insert(r);
        }
        let mut confirmed = Vec::new();
        let mut unanswered = 0usize;
        for p in pending {
            let Some(result) = answers.get(p.id.as_str()) else {
                // An answer that does not name this row is no answer: the row
                // is sent again after a backoff, never skipped in a tight loop.
                unanswered += 1;
                continue;
            };
            match result.status {
                ItemStatus::Accepted | ItemStatus::Duplicate => confirmed.push(p.seq),
                ItemStatus::Rejected => {
                    let reason = result.errors.as_ref().map_or_else(|| "rejected".to_owned(), ToString::to_string);
                    tracing::error!(id = %p.id, %reason, "central store rejected a submission; kept as dead letter");
                    self.outbox.mark_dead(p.seq, reason).await.map_err(|e| Failure::AfterAnswer(e.to_string()))?;
                }
            }
        }
        if !confirmed.is_empty() {
            let n = confirmed.len() as u64;
            self.outbox.mark_forwarded(confirmed).await.map_err(|e| Failure::AfterAnswer(e.to_string()))?;
            self.metrics.forwarded.inc_by(n);
        }
        if unanswered > 0 {
            return Err(Failure::AfterAnswer(format!(
                "the central store's answer named {} of {} submissions sent",
                pending.len() - unanswered,
                pending.len()
            )));
        }
        Ok(())
    }
}

/// A batch as it is sent: its rows, and the body made of them once.
struct Outgoing {
    rows: Vec<crate::companion::outbox::Pending>,
    body: axum::body::Bytes,
}

impl Outgoing {
    /// Rows hold the canonical JSON the companion wrote: spliced in as it
    /// is, into one buffer of the right size, each row's text let go once
    /// copied (the batch keeps only ids and seqs). A batch of 1,000 held a
    /// megabyte twice while the central store was away, and three times
    /// while it was made.
    fn new(mut rows: Vec<crate::companion::outbox::Pending>) -> Self {
        let flags: serde_json::Map<String, serde_json::Value> =
            rows.iter().filter_map(|p| Some((p.id.clone(), p.flag.clone()?.into()))).collect();
        let flags = (!flags.is_empty()).then(|| serde_json::Value::Object(flags).to_string());
        let size = rows.iter().map(|p| p.body.len() + 1).sum::<usize>() + flags.as_ref().map_or(0, String::len) + 32;
        let mut body = String::with_capacity(size);
        body.push_str("{\"submissions\":[");
        for (i, p) in rows.iter_mut().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&std::mem::take(&mut p.body));
        }
        body.push(']');
        if let Some(flags) = flags {
            body.push_str(",\"flags\":");
            body.push_str(&flags);
        }
        body.push('}');
        Self { rows, body: body.into() }
    }
}

fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

/// "Full jitter": a uniform delay between zero and the capped exponential,
/// so companions that lost the central store together do not return together.
fn full_jitter(attempt: u32, cap: Duration) -> Duration {
    let ceiling = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(16)).min(cap);
    Duration::from_millis(rand::random_range(0..=ceiling.as_millis() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        let cap = Duration::from_secs(30);
        for attempt in 1..40 {
            let ceiling = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(16)).min(cap);
            for _ in 0..50 {
                assert!(full_jitter(attempt, cap) <= ceiling);
            }
        }
        // The cap is reached, and the delays spread out below it.
        let late: Vec<Duration> = (0..200).map(|_| full_jitter(30, cap)).collect();
        assert!(late.iter().any(|d| *d > cap / 2) && late.iter().any(|d| *d < cap / 2));
    }

    #[test]
    fn a_batch_is_its_rows_json_in_order_with_their_flags_and_keeps_only_their_ids() {
        use crate::companion::outbox::Pending;
        let row = |seq: i64, flag: Option<&str>| Pending {
            seq,
            id: format!("id-{seq}"),
            body: format!("{{\"id\":\"id-{seq}\",\"text\":\"\u{e9}t\u{e9} \\\" ,]}}\"}}"),
            flag: flag.map(str::to_owned),
        };
        for (rows, flags) in [
            (vec![], serde_json::Value::Null),
            (vec![row(1, None)], serde_json::Value::Null),
            (vec![row(1, None), row(2, Some("too_fast")), row(3, None)], serde_json::json!({"id-2": "too_fast"})),
        ] {
            let bodies: Vec<serde_json::Value> =
                rows.iter().map(|p| serde_json::from_str(&p.body).expect("a row's JSON")).collect();
            let outgoing = Outgoing::new(rows);
            let sent: serde_json::Value = serde_json::from_slice(&outgoing.body).expect("the batch is JSON");
            assert_eq!(sent["submissions"], serde_json::Value::Array(bodies));
            assert_eq!(sent["flags"], flags);
            assert!(outgoing.rows.iter().all(|p| p.body.is_empty() && p.id == format!("id-{}", p.seq)));
        }
    }
}

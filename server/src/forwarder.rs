//! Moves acknowledged submissions from the companion's outbox to the central
//! store. A row is marked forwarded only after the central store confirms it
//! (accepted, or already there); a row it refuses as invalid becomes a dead
//! letter; anything else is retried with exponential backoff and full jitter.

use std::time::Duration;

use reqwest::StatusCode;
use tokio_util::sync::CancellationToken;

use crate::central::{BatchResults, ItemStatus};
use crate::config::Secret;
use crate::outbox::Outbox;

const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(30);
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
}

/// Why a batch did not go through, and when to try again.
#[derive(Debug)]
enum Failure {
    /// The central store asked us to wait this long.
    RetryAfter(Duration),
    /// Anything else transient: back off.
    Transient(String),
}

impl Forwarder {
    /// Runs until `stop` is cancelled, then returns after the batch in hand.
    pub async fn run(self, stop: CancellationToken) {
        let mut failures: u32 = 0;
        loop {
            let pending = match self.outbox.pending(self.batch_size).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the outbox");
                    Vec::new()
                }
            };
            let wait = if pending.is_empty() {
                failures = 0;
                tokio::select! {
                    () = self.outbox.new_rows.notified() => {}
                    () = tokio::time::sleep(IDLE_POLL) => {}
                    () = stop.cancelled() => return,
                }
                // Let a burst gather into one batch.
                self.batch_delay
            } else {
                match self.send(&pending).await {
                    Ok(()) => {
                        failures = 0;
                        Duration::ZERO
                    }
                    Err(failure) => {
                        failures = failures.saturating_add(1);

                        match failure {
                            Failure::RetryAfter(d) => d,
                            Failure::Transient(why) => {
                                tracing::warn!(reason = %why, attempt = failures, "forwarding failed; will retry");
                                full_jitter(failures)
                            }
                        }
                    }
                }
            };
            if !wait.is_zero() {
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = stop.cancelled() => return,
                }
            } else if stop.is_cancelled() {
                return;
            }
        }
    }

    async fn send(&self, pending: &[crate::outbox::Pending]) -> Result<(), Failure> {
        // Rows hold the canonical JSON the companion wrote; splice them in as is.
        let bodies: Vec<&str> = pending.iter().map(|p| p.body.as_str()).collect();
        let body = format!("{{\"submissions\":[{}]}}", bodies.join(","));
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(self.token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let status = response.status();
        if matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE)
            && let Some(secs) = retry_after(&response)
        {
            return Err(Failure::RetryAfter(Duration::from_secs(secs).min(BACKOFF_CAP * 10)));
        }
        if !status.is_success() {
            return Err(Failure::Transient(format!("central store answered {status}")));
        }
        let results: BatchResults = response.json().await.map_err(|e| Failure::Transient(e.to_string()))?;
        let mut confirmed = Vec::new();
        for p in pending {
            let Some(result) = results.results.iter().find(|r| r.id == p.id) else {
                continue;
            };
            match result.status {
                ItemStatus::Accepted | ItemStatus::Duplicate => confirmed.push(p.seq),
                ItemStatus::Rejected => {
                    let reason = result.errors.as_ref().map_or_else(|| "rejected".to_owned(), ToString::to_string);
                    tracing::error!(id = %p.id, %reason, "central store rejected a submission; kept as dead letter");
                    self.outbox.mark_dead(p.seq, reason).await.map_err(|e| Failure::Transient(e.to_string()))?;
                }
            }
        }
        if !confirmed.is_empty() {
            self.outbox.mark_forwarded(confirmed).await.map_err(|e| Failure::Transient(e.to_string()))?;
        }
        Ok(())
    }
}

fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

/// "Full jitter": a uniform delay between zero and the capped exponential.
fn full_jitter(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(16)).min(BACKOFF_CAP);
    Duration::from_millis(rand::random_range(0..=ceiling.as_millis() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        for attempt in 1..40 {
            let ceiling = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(16)).min(BACKOFF_CAP);
            for _ in 0..50 {
                assert!(full_jitter(attempt) <= ceiling);
            }
        }
        assert!(BACKOFF_BASE.saturating_mul(1 << 16) > BACKOFF_CAP);
    }
}

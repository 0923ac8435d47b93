//! When the delivery loop tries again: what the companion asked for in
//! `Retry-After` (within bounds), or else an exponential backoff of our own.
//! Plain Rust, so the waits are tested natively; the loop only sleeps.

/// The longest wait a `Retry-After` header can impose: past it, a person
/// has long given up watching, and a later try costs nothing.
pub const MAX_RETRY_AFTER_MS: u32 = 10 * 60 * 1000;

/// The longest wait between two tries of our own choosing.
const MAX_BACKOFF_MS: u32 = 60_000;

/// The seconds of a `Retry-After` header; its HTTP-date form is ignored
/// (the companion sends seconds), and so the usual backoff applies.
pub fn retry_after_secs(header: Option<&str>) -> Option<u32> {
    header?.trim().parse().ok()
}

/// How long to wait before try number `attempt + 1` (the first retry has
/// `attempt` 1): what the companion asked for, capped at ten minutes and
/// never under a second, or else an exponential backoff from 2 s to 60 s.
pub fn retry_wait_ms(attempt: u32, retry_after_secs: Option<u32>) -> u32 {
    match retry_after_secs {
        Some(secs) => secs.saturating_mul(1000).clamp(1000, MAX_RETRY_AFTER_MS),
        None => 1_000u32.saturating_mul(1 << attempt.min(6)).min(MAX_BACKOFF_MS),
    }
}

/// The failed tries of one delivery loop, and the wait each one earns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// Whether no try has failed yet (the host is told "queued" once, on
    /// the first failure, not on every retry).
    pub fn is_fresh(self) -> bool {
        self.failures == 0
    }

    /// Counts a failed try and returns the milliseconds to wait before the
    /// next one, given the answer's `Retry-After` seconds if it had one.
    pub fn fail(&mut self, retry_after_secs: Option<u32>) -> u32 {
        self.failures = self.failures.saturating_add(1);
        retry_wait_ms(self.failures, retry_after_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_within_bounds() {
        assert_eq!(retry_after_secs(Some("30")), Some(30));
        assert_eq!(retry_after_secs(Some(" 2 ")), Some(2));
        assert_eq!(retry_after_secs(Some("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(retry_after_secs(None), None);
        assert_eq!(retry_wait_ms(1, Some(30)), 30_000);
        assert_eq!(retry_wait_ms(1, Some(0)), 1_000, "never a tight loop");
        assert_eq!(retry_wait_ms(1, Some(86_400)), MAX_RETRY_AFTER_MS);
        assert_eq!(retry_wait_ms(1, Some(u32::MAX)), MAX_RETRY_AFTER_MS);
    }

    #[test]
    fn without_retry_after_the_wait_doubles_up_to_a_minute() {
        assert_eq!(retry_wait_ms(1, None), 2_000);
        assert_eq!(retry_wait_ms(2, None), 4_000);
        assert_eq!(retry_wait_ms(5, None), 32_000);
        assert_eq!(retry_wait_ms(6, None), 60_000);
        assert_eq!(retry_wait_ms(u32::MAX, None), 60_000);
    }

    #[test]
    fn each_failure_of_a_loop_waits_longer_and_only_the_first_is_news() {
        let mut backoff = Backoff::default();
        assert!(backoff.is_fresh());
        assert_eq!(backoff.fail(None), 2_000);
        assert!(!backoff.is_fresh());
        assert_eq!(backoff.fail(None), 4_000);
        assert_eq!(backoff.fail(Some(1)), 1_000, "the companion's word wins over the backoff");
        assert_eq!(backoff.fail(None), 16_000, "and the count goes on");
        for _ in 0..100 {
            backoff.fail(None);
        }
        assert_eq!(backoff.fail(None), 60_000);
    }
}

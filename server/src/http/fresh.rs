//! Answers kept fresh for a short while: endpoints anyone may call in a
//! loop (published contributions, readiness, metrics) compute at most once
//! per key and period, however many ask, so they cannot crowd out intake
//! on the locks and connections they share with it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Values by key, each reused for `ttl`. One computation runs at a time:
/// callers that arrive meanwhile wait for it and share its result.
#[derive(Debug)]
pub struct Fresh<K, V> {
    ttl: Duration,
    /// Most keys kept; past it, the expired ones go, then all.
    capacity: usize,
    entries: tokio::sync::Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Fresh<K, V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self { ttl, capacity: capacity.max(1), entries: tokio::sync::Mutex::new(HashMap::new()) }
    }

    /// The value for `key` if it is fresh, else the result of `make`, kept
    /// only when it is `Ok` (an error is not worth repeating).
    pub async fn get_or_try<E>(&self, key: K, make: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        let mut entries = self.entries.lock().await;
        if let Some((at, value)) = entries.get(&key)
            && at.elapsed() < self.ttl
        {
            return Ok(value.clone());
        }
        let value = make.await?;
        if entries.len() >= self.capacity {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_value_is_computed_once_per_period_and_errors_are_not_kept() {
        let fresh = Fresh::new(Duration::from_millis(200), 2);
        let runs = AtomicUsize::new(0);
        let make = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(7)
        };
        for _ in 0..5 {
            assert_eq!(fresh.get_or_try("a", make()).await, Ok(7));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(fresh.get_or_try("b", async { Err::<i32, _>("down") }).await, Err("down"));
        assert_eq!(fresh.get_or_try("b", make()).await, Ok(7), "the error was not kept");
        tokio::time::sleep(Duration::from_millis(250)).await;
        fresh.get_or_try("a", make()).await.unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 3, "computed again once stale");
        // Capacity: a third key evicts the stale ones rather than growing.
        fresh.get_or_try("c", make()).await.unwrap();
        assert!(fresh.entries.lock().await.len() <= 2);
    }
}

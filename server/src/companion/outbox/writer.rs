//! The outbox's one writer: a thread that owns the only write connection,
//! takes every request waiting (up to a group), writes them in one
//! transaction and answers each only after that commit, so concurrent
//! submissions share one fsync (group commit). The spool bound is enforced
//! here, inside the transaction.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::{Notify, mpsc, oneshot};

use super::{SpoolLimit, SpoolUsage, Stored};
use crate::storage::{StorageError, now_ms};

/// Most requests written in one transaction.
pub(super) const MAX_GROUP: usize = 1024;

/// Most rows one prune deletes in one transaction, so that intake never
/// waits long behind it.
pub(super) const PRUNE_CHUNK: usize = 2_000;

pub(super) type Reply<T> = oneshot::Sender<Result<T, StorageError>>;

pub(super) enum Job {
    Insert {
        id: String,
        site: String,
        body: String,
        flag: Option<&'static str>,
        reply: Reply<Stored>,
    },
    MarkForwarded {
        seqs: Vec<i64>,
        reply: Reply<()>,
    },
    MarkDead {
        seq: i64,
        reason: String,
        reply: Reply<()>,
    },
    /// Takes the write lock and lets it go: proves the outbox is writable.
    Ping {
        reply: Reply<()>,
    },
    /// Deletes up to [`PRUNE_CHUNK`] rows forwarded before `before` (ms).
    Prune {
        before: i64,
        reply: Reply<usize>,
    },
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

pub(super) struct Writer {
    pub(super) conn: Connection,
    pub(super) limit: SpoolLimit,
    pub(super) usage: Arc<SpoolUsage>,
    pub(super) new_rows: Arc<Notify>,
}

/// What one job did, for its reply and for the spool accounting.
enum Done {
    Stored(Stored),
    Count(usize),
    Unit,
}

impl Writer {
    pub(super) fn run(mut self, mut rx: mpsc::Receiver<Job>) {
        let mut group = Vec::with_capacity(MAX_GROUP);
        while let Some(first) = rx.blocking_recv() {
            group.push(first);
            while group.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => break,
                }
            }
            let (rows, bytes) = (self.usage.rows.load(Ordering::Relaxed), self.usage.bytes.load(Ordering::Relaxed));
            match self.write_group(&group, rows, bytes) {
                Ok((results, rows, bytes)) => {
                    // Published only after the commit: the counts never run ahead of the disk.
                    self.usage.rows.store(rows, Ordering::Relaxed);
                    self.usage.bytes.store(bytes, Ordering::Relaxed);
                    let stored_new = results.iter().any(|r| matches!(r, Done::Stored(Stored::New)));
                    for (job, done) in group.drain(..).zip(results) {
                        reply(job, Ok(done));
                    }
                    if stored_new {
                        self.new_rows.notify_one();
                    }
                }
                Err(e) => {
                    // Nothing of the group was committed: every caller learns
                    // so, and no one is acknowledged.
                    tracing::error!(error = %e, "outbox commit failed");
                    for job in group.drain(..) {
                        reply(job, Err(StorageError::CommitFailed(e.to_string())));
                    }
                    // After a full disk, the WAL may hold the space that
                    // writing needs; SQLite only checkpoints it on its own
                    // once it has grown, so give it back now.
                    if let Err(e) = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
                        tracing::debug!(error = %e, "checkpoint after a failed commit failed too");
                    }
                }
            }
        }
    }

    /// Writes every job of the group in one transaction, keeping the spool
    /// within its bound. Returns each job's result and the new usage.
    fn write_group(&mut self, group: &[Job], mut rows: u64, mut bytes: u64) -> rusqlite::Result<(Vec<Done>, u64, u64)> {
        let limit = self.limit;
        // IMMEDIATE takes the write lock at once, so a ping proves writability.
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(group.len());
        {
            let now = now_ms();
            let mut insert = tx.prepare_cached(
                "INSERT INTO outbox (id, site, body, received_at, flag) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO NOTHING",
            )?;
            let mut exists = tx.prepare_cached("SELECT 1 FROM outbox WHERE id = ?1")?;
            let mut forwarded = tx.prepare_cached(
                "UPDATE outbox SET forwarded_at = ?2 WHERE seq = ?1 AND forwarded_at IS NULL
                 RETURNING length(CAST(body AS BLOB))",
            )?;
            let mut dead = tx.prepare_cached("UPDATE outbox SET dead_at = ?2, dead_reason = ?3 WHERE seq = ?1")?;
            let mut prune = tx.prepare_cached(
                "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox
                 WHERE forwarded_at IS NOT NULL AND forwarded_at < ?1 ORDER BY forwarded_at LIMIT ?2)",
            )?;
            for job in group {
                results.push(match job {
                    Job::Insert { id, site, body, flag, .. } => {
                        let size = body.len() as u64;
                        if rows + 1 > limit.max_rows || bytes + size > limit.max_bytes {
                            // A repeat of a stored id is still answered as one.
                            let known = exists.query_row([id], |_| Ok(())).optional()?.is_some();
                            Done::Stored(if known { Stored::Duplicate } else { Stored::Full })
                        } else if insert.execute(params![id, site, body, now, flag])? == 1 {
                            rows += 1;
                            bytes += size;
                            Done::Stored(Stored::New)
                        } else {
                            Done::Stored(Stored::Duplicate)
                        }
                    }
                    Job::MarkForwarded { seqs, .. } => {
                        for seq in seqs {
                            let freed: Option<i64> = forwarded.query_row(params![seq, now], |r| r.get(0)).optional()?;
                            if let Some(size) = freed {
                                rows = rows.saturating_sub(1);
                                bytes = bytes.saturating_sub(size as u64);
                            }
                        }
                        Done::Unit
                    }
                    Job::MarkDead { seq, reason, .. } => {
                        dead.execute(params![seq, now, reason])?;
                        Done::Unit
                    }
                    Job::Ping { .. } => Done::Unit,
                    Job::Prune { before, .. } => Done::Count(prune.execute(params![before, PRUNE_CHUNK as i64])?),
                });
            }
        }
        tx.commit()?;
        Ok((results, rows, bytes))
    }
}

fn reply(job: Job, result: Result<Done, StorageError>) {
    match (job, result) {
        (Job::Insert { reply, .. }, Ok(Done::Stored(stored))) => {
            let _ = reply.send(Ok(stored));
        }
        (Job::Insert { reply, .. }, Ok(Done::Unit | Done::Count(_))) => {
            let _ = reply.send(Err(StorageError::Stopped));
        }
        (Job::Prune { reply, .. }, result) => {
            let _ = reply.send(result.map(|d| if let Done::Count(n) = d { n } else { 0 }));
        }
        (Job::Insert { reply, .. }, Err(e)) => {
            let _ = reply.send(Err(e));
        }
        (Job::MarkForwarded { reply, .. } | Job::MarkDead { reply, .. } | Job::Ping { reply }, result) => {
            let _ = reply.send(result.map(|_| ()));
        }
    }
}

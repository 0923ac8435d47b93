//! The outbox's one writer: a thread that owns the only write connection,
//! takes every request waiting (up to a group), writes them in one
//! transaction and answers each only after that commit, so concurrent
//! submissions share one fsync (group commit). The spool bound is enforced
//! here, inside the transaction.
//!
//! A commit's answers go to the runtime in one hand-over, to a task that
//! sends them ([`Completions`]): one wake-up from this thread per commit
//! rather than one per request, and the writer is back at the next group
//! while the runtime's threads deliver them.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use rusqlite::types::{ToSqlOutput, ValueRef};
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
        /// The submission's JSON, UTF-8 (checked by `Outbox::insert`), stored as text.
        body: Bytes,
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
    pub(super) completions: Completions,
}

/// Where a commit's answers go.
#[derive(Debug)]
pub(super) enum Completions {
    /// To a task on the runtime that opened the outbox, in one batch.
    Task(mpsc::UnboundedSender<Vec<Answer>>),
    /// Sent by the writer itself (no runtime was running at open).
    Direct,
}

impl Completions {
    /// Starts the task that delivers answers, when a runtime runs.
    pub(super) fn start() -> Self {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Self::Direct;
        };
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<Answer>>();
        runtime.spawn(async move {
            while let Some(answers) = rx.recv().await {
                for answer in answers {
                    answer.send(Ok(()));
                }
            }
        });
        Self::Task(tx)
    }

    /// Delivers the answers of a group that committed.
    fn deliver(&self, answers: &mut Vec<Answer>) {
        if let Self::Task(tx) = self {
            let batch = std::mem::replace(answers, Vec::with_capacity(answers.len()));
            match tx.send(batch) {
                Ok(()) => return,
                // The runtime is gone (shutting down): answer here.
                Err(mpsc::error::SendError(batch)) => *answers = batch,
            }
        }
        for answer in answers.drain(..) {
            answer.send(Ok(()));
        }
    }
}

/// A job done inside the transaction, with the value its caller gets once
/// the commit is known: each reply keeps its own type, so no answer can go
/// to the wrong kind of caller.
pub(super) enum Answer {
    Stored(Reply<Stored>, Stored),
    Count(Reply<usize>, usize),
    Unit(Reply<()>),
}

impl Answer {
    /// Sends the value, or the commit's failure.
    fn send(self, committed: Result<(), &StorageError>) {
        let failed = |e: &StorageError| StorageError::CommitFailed(e.to_string());
        match self {
            Self::Stored(reply, stored) => drop(reply.send(committed.map(|()| stored).map_err(failed))),
            Self::Count(reply, n) => drop(reply.send(committed.map(|()| n).map_err(failed))),
            Self::Unit(reply) => drop(reply.send(committed.map_err(failed))),
        }
    }
}

impl Job {
    /// Answers a job that was never done: the transaction failed first.
    fn fail(self, e: &StorageError) {
        let e = StorageError::CommitFailed(e.to_string());
        match self {
            Self::Insert { reply, .. } => drop(reply.send(Err(e))),
            Self::Prune { reply, .. } => drop(reply.send(Err(e))),
            Self::MarkForwarded { reply, .. } | Self::MarkDead { reply, .. } | Self::Ping { reply } => {
                drop(reply.send(Err(e)));
            }
        }
    }
}

/// The spool's usage as a group of jobs changes it.
#[derive(Clone, Copy)]
struct Usage {
    rows: u64,
    bytes: u64,
}

impl Writer {
    pub(super) fn run(mut self, mut rx: mpsc::Receiver<Job>) {
        let mut group = Vec::with_capacity(MAX_GROUP);
        let mut answers = Vec::with_capacity(MAX_GROUP);
        while let Some(first) = rx.blocking_recv() {
            group.push(first);
            while group.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => break,
                }
            }
            let usage = Usage {
                rows: self.usage.rows.load(Ordering::Relaxed),
                bytes: self.usage.bytes.load(Ordering::Relaxed),
            };
            match self.write_group(&mut group, &mut answers, usage) {
                Ok((usage, stored_new)) => {
                    // Published only after the commit: the counts never run ahead of the disk.
                    self.usage.rows.store(usage.rows, Ordering::Relaxed);
                    self.usage.bytes.store(usage.bytes, Ordering::Relaxed);
                    self.completions.deliver(&mut answers);
                    if stored_new {
                        self.new_rows.notify_one();
                    }
                }
                Err(e) => {
                    // Nothing of the group was committed: every caller learns
                    // so, and no one is acknowledged.
                    let e = StorageError::from(e);
                    tracing::error!(error = %e, "outbox commit failed");
                    for answer in answers.drain(..) {
                        answer.send(Err(&e));
                    }
                    for job in group.drain(..) {
                        job.fail(&e);
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

    /// Does every job of the group in one transaction, keeping the spool
    /// within its bound: each job done moves from `group` to `answers`.
    /// Returns the new usage and whether a new row was stored.
    fn write_group(
        &mut self,
        group: &mut Vec<Job>,
        answers: &mut Vec<Answer>,
        mut usage: Usage,
    ) -> rusqlite::Result<(Usage, bool)> {
        let limit = self.limit;
        let mut stored_new = false;
        // IMMEDIATE takes the write lock at once, so a ping proves writability.
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let now = now_ms();
            let mut insert = tx.prepare_cached(
                "INSERT INTO outbox (id, site, body, received_at, flag) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO NOTHING",
            )?;
            let mut exists = tx.prepare_cached("SELECT 1 FROM outbox WHERE id = ?1")?;
            let mut forwarded = tx.prepare_cached(
                "UPDATE outbox SET forwarded_at = ?2 WHERE seq = ?1 AND forwarded_at IS NULL
                 RETURNING octet_length(body)",
            )?;
            let mut dead = tx.prepare_cached("UPDATE outbox SET dead_at = ?2, dead_reason = ?3 WHERE seq = ?1")?;
            let mut prune = tx.prepare_cached(
                "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox
                 WHERE forwarded_at IS NOT NULL AND forwarded_at < ?1 ORDER BY forwarded_at LIMIT ?2)",
            )?;
            // In arrival order; a failure leaves the rest in `group`, and the
            // job it failed on drops its reply, which its caller reads as
            // the writer having stopped: either way, nothing acknowledged.
            group.reverse();
            while let Some(job) = group.pop() {
                answers.push(match job {
                    Job::Insert { id, site, body, flag, reply } => {
                        let size = body.len() as u64;
                        // Bound as text as it is: `Outbox::insert`, the only
                        // maker of this job, checked it is UTF-8 already.
                        let body = ToSqlOutput::Borrowed(ValueRef::Text(&body));
                        let stored = if usage.rows + 1 > limit.max_rows || usage.bytes + size > limit.max_bytes {
                            // A repeat of a stored id is still answered as one.
                            let known = exists.query_row([&id], |_| Ok(())).optional()?.is_some();
                            if known { Stored::Duplicate } else { Stored::Full }
                        } else if insert.execute(params![id, site, body, now, flag])? == 1 {
                            usage.rows += 1;
                            usage.bytes += size;
                            stored_new = true;
                            Stored::New
                        } else {
                            Stored::Duplicate
                        };
                        Answer::Stored(reply, stored)
                    }
                    Job::MarkForwarded { seqs, reply } => {
                        for seq in seqs {
                            let freed: Option<i64> = forwarded.query_row(params![seq, now], |r| r.get(0)).optional()?;
                            if let Some(size) = freed {
                                usage.rows = usage.rows.saturating_sub(1);
                                usage.bytes = usage.bytes.saturating_sub(size as u64);
                            }
                        }
                        Answer::Unit(reply)
                    }
                    Job::MarkDead { seq, reason, reply } => {
                        dead.execute(params![seq, now, reason])?;
                        Answer::Unit(reply)
                    }
                    Job::Ping { reply } => Answer::Unit(reply),
                    Job::Prune { before, reply } => {
                        Answer::Count(reply, prune.execute(params![before, PRUNE_CHUNK as i64])?)
                    }
                });
            }
        }
        tx.commit()?;
        Ok((usage, stored_new))
    }
}

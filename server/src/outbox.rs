//! The companion's durable outbox: every accepted submission is committed to
//! SQLite (WAL, `synchronous=FULL`) before it is acknowledged, and stays
//! until the central store confirms it.
//!
//! One writer thread owns the only write connection. Requests queue on a
//! channel; the writer takes everything waiting (up to a batch limit), writes
//! it in one transaction and answers each request only after that commit:
//! concurrent submissions share one fsync (group commit).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::{Notify, mpsc, oneshot};

/// Most requests written in one transaction.
const MAX_GROUP: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox storage failed: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("outbox commit failed: {0}")]
    CommitFailed(String),
    #[error("outbox writer has stopped")]
    Stopped,
}

/// Whether an insert stored a new row, found the id already there, or found
/// no room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    Duplicate,
    /// The spool is at its bound: nothing was written; the client retries.
    Full,
}

/// The most the outbox holds that is not yet forwarded.
#[derive(Debug, Clone, Copy)]
pub struct SpoolLimit {
    pub max_rows: u64,
    pub max_bytes: u64,
}

/// Rows and bytes not yet forwarded (dead letters included), kept by the
/// writer, read by metrics.
#[derive(Debug, Default)]
pub struct SpoolUsage {
    pub rows: AtomicU64,
    pub bytes: AtomicU64,
}

/// A submission waiting to be forwarded.
#[derive(Debug, Clone)]
pub struct Pending {
    pub seq: i64,
    pub id: String,
    pub body: String,
    /// Why a bot heuristic doubted it, if one did (see [`crate::abuse`]).
    pub flag: Option<String>,
}

/// A row as `gdc-server outbox list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    pub seq: i64,
    pub id: String,
    pub site: String,
    pub received_at: i64,
    pub forwarded_at: Option<i64>,
    pub dead_reason: Option<String>,
}

/// What the metrics and readiness report want to know, read in one go.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub pending: i64,
    pub dead: i64,
    pub oldest_pending_ms: Option<i64>,
}

type Reply<T> = oneshot::Sender<Result<T, OutboxError>>;

enum Job {
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

/// Cheap to clone: a handle to the writer thread and a reader connection.
#[derive(Debug, Clone)]
pub struct Outbox {
    jobs: mpsc::Sender<Job>,
    /// A connection of its own for reads: WAL lets it read beside the writer.
    reader: Arc<Mutex<Connection>>,
    /// Woken after each commit that stored something new.
    pub new_rows: Arc<Notify>,
    pub usage: Arc<SpoolUsage>,
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Opens a connection with the settings every connection to our databases
/// uses: WAL, full fsync on commit, and a wait instead of an error on lock.
pub fn open_sqlite(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// The outbox's schema, one step per version (`PRAGMA user_version`).
/// The first step is written so that it also adopts a database made before
/// versions were counted.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            site TEXT NOT NULL,
            body TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            forwarded_at INTEGER,
            dead_at INTEGER,
            dead_reason TEXT
        );
        CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq)
            WHERE forwarded_at IS NULL AND dead_at IS NULL;
        CREATE INDEX IF NOT EXISTS outbox_dead ON outbox(seq) WHERE dead_at IS NOT NULL;",
    // 2: submissions a bot heuristic doubted are kept, with the reason.
    "ALTER TABLE outbox ADD COLUMN flag TEXT;",
    // 3: forwarded rows are deleted after the retention, oldest first.
    "CREATE INDEX IF NOT EXISTS outbox_forwarded ON outbox(forwarded_at) WHERE forwarded_at IS NOT NULL;",
];

/// Most rows one prune deletes in one transaction, so that intake never
/// waits long behind it.
const PRUNE_CHUNK: usize = 2_000;

/// Opens the outbox database, bringing its schema up to date.
fn create(path: &Path) -> rusqlite::Result<Connection> {
    let mut conn = open_sqlite(path)?;
    migrate(&mut conn, MIGRATIONS)?;
    Ok(conn)
}

/// Applies the steps of `migrations` a database has not seen yet, each in a
/// transaction with the version it brings.
pub fn migrate(conn: &mut Connection, migrations: &[&str]) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let done: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, step) in migrations.iter().enumerate().skip(done) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i + 1)?;
    }
    tx.commit()
}

impl Outbox {
    /// Opens (creating if needed) the outbox and starts its writer thread.
    pub fn open(path: &Path, limit: SpoolLimit) -> Result<Self, OutboxError> {
        let conn = create(path)?;
        let (rows, bytes): (i64, i64) = conn.query_row(
            // Bytes, as the writer counts them: SQLite's `length()` of text
            // counts characters, so the body is measured as a blob.
            "SELECT count(*), coalesce(sum(length(CAST(body AS BLOB))), 0) FROM outbox WHERE forwarded_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let usage = Arc::new(SpoolUsage { rows: AtomicU64::new(rows as u64), bytes: AtomicU64::new(bytes as u64) });
        let (jobs, rx) = mpsc::channel(8 * MAX_GROUP);
        let new_rows = Arc::new(Notify::new());
        let writer = Writer { conn, limit, usage: usage.clone(), new_rows: new_rows.clone() };
        std::thread::Builder::new()
            .name("outbox-writer".into())
            .spawn(move || writer.run(rx))
            .map_err(|_| OutboxError::Stopped)?;
        let reader = Arc::new(Mutex::new(open_sqlite(path)?));
        Ok(Self { jobs, reader, new_rows, usage })
    }

    /// Stores a submission durably; returns once the commit holding it is on
    /// disk. A known id changes nothing and reports `Duplicate`.
    /// `flag` keeps why a bot heuristic doubted it: stored all the same.
    pub async fn insert(
        &self,
        id: String,
        site: String,
        body: String,
        flag: Option<&'static str>,
    ) -> Result<Stored, OutboxError> {
        self.call(|reply| Job::Insert { id, site, body, flag, reply }).await
    }

    /// Records that the central store confirmed these rows.
    pub async fn mark_forwarded(&self, seqs: Vec<i64>) -> Result<(), OutboxError> {
        self.call(|reply| Job::MarkForwarded { seqs, reply }).await
    }

    /// Parks a row the central store refused as invalid; it stays visible.
    pub async fn mark_dead(&self, seq: i64, reason: String) -> Result<(), OutboxError> {
        self.call(|reply| Job::MarkDead { seq, reason, reply }).await
    }

    /// Deletes rows the central store confirmed before `before` (ms), a
    /// chunk per transaction; returns how many went. Pending rows and dead
    /// letters are never deleted.
    pub async fn prune(&self, before: i64) -> Result<usize, OutboxError> {
        let mut total = 0;
        loop {
            let n = self.call(|reply| Job::Prune { before, reply }).await?;
            total += n;
            if n < PRUNE_CHUNK {
                return Ok(total);
            }
        }
    }

    /// Whether the writer is alive and can take the write lock.
    pub async fn ping(&self) -> Result<(), OutboxError> {
        self.call(|reply| Job::Ping { reply }).await
    }

    async fn call<T>(&self, job: impl FnOnce(Reply<T>) -> Job) -> Result<T, OutboxError> {
        let (reply, rx) = oneshot::channel();
        self.jobs.send(job(reply)).await.map_err(|_| OutboxError::Stopped)?;
        rx.await.map_err(|_| OutboxError::Stopped)?
    }

    /// The oldest rows after `after` (a `seq`; 0 for all) not yet forwarded
    /// nor dead.
    pub async fn pending(&self, after: i64, limit: usize) -> Result<Vec<Pending>, OutboxError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, id, body, flag FROM outbox
                 WHERE forwarded_at IS NULL AND dead_at IS NULL AND seq > ?2 ORDER BY seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64, after], |r| {
                Ok(Pending { seq: r.get(0)?, id: r.get(1)?, body: r.get(2)?, flag: r.get(3)? })
            })?;
            rows.collect()
        })
        .await
    }

    /// Rows waiting, dead letters, and the oldest waiting row's arrival.
    pub async fn stats(&self) -> Result<Stats, OutboxError> {
        self.read(|conn| {
            let (pending, oldest) = conn.query_row(
                "SELECT count(*), min(received_at) FROM outbox WHERE forwarded_at IS NULL AND dead_at IS NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let dead = conn.query_row("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL", [], |r| r.get(0))?;
            Ok(Stats { pending, dead, oldest_pending_ms: oldest })
        })
        .await
    }

    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader.lock().map_err(|_| OutboxError::Stopped)?;
            Ok(f(&conn)?)
        })
        .await
        .map_err(|_| OutboxError::Stopped)?
    }
}

/// The operator's view, for `gdc-server outbox list|replay` on the machine.
/// Safe beside a running server: SQLite's locks serialise the writes.
pub mod admin {
    use super::*;

    /// The newest rows, or only the dead letters.
    pub fn list(path: &Path, dead_only: bool, limit: usize) -> rusqlite::Result<Vec<Listed>> {
        let conn = create(path)?;
        let filter = if dead_only { "WHERE dead_at IS NOT NULL" } else { "" };
        let mut stmt = conn.prepare(&format!(
            "SELECT seq, id, site, received_at, forwarded_at, dead_reason FROM outbox {filter}
             ORDER BY seq DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(Listed {
                seq: r.get(0)?,
                id: r.get(1)?,
                site: r.get(2)?,
                received_at: r.get(3)?,
                forwarded_at: r.get(4)?,
                dead_reason: r.get(5)?,
            })
        })?;
        rows.collect()
    }

    /// Puts dead letters back in line for forwarding: one id, or all.
    /// Returns how many rows were revived.
    pub fn replay(path: &Path, id: Option<&str>) -> rusqlite::Result<usize> {
        let conn = create(path)?;
        match id {
            Some(id) => conn.execute(
                "UPDATE outbox SET dead_at = NULL, dead_reason = NULL WHERE id = ?1 AND dead_at IS NOT NULL",
                [id],
            ),
            None => conn.execute("UPDATE outbox SET dead_at = NULL, dead_reason = NULL WHERE dead_at IS NOT NULL", []),
        }
    }
}

struct Writer {
    conn: Connection,
    limit: SpoolLimit,
    usage: Arc<SpoolUsage>,
    new_rows: Arc<Notify>,
}

/// What one job did, for its reply and for the spool accounting.
enum Done {
    Stored(Stored),
    Count(usize),
    Unit,
}

impl Writer {
    fn run(mut self, mut rx: mpsc::Receiver<Job>) {
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
                        reply(job, Err(OutboxError::CommitFailed(e.to_string())));
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

fn reply(job: Job, result: Result<Done, OutboxError>) {
    match (job, result) {
        (Job::Insert { reply, .. }, Ok(Done::Stored(stored))) => {
            let _ = reply.send(Ok(stored));
        }
        (Job::Insert { reply, .. }, Ok(Done::Unit | Done::Count(_))) => {
            let _ = reply.send(Err(OutboxError::Stopped));
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

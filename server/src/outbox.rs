//! The companion's durable outbox: every accepted submission is committed to
//! SQLite (WAL, `synchronous=FULL`) before it is acknowledged, and stays
//! until the central store confirms it.
//!
//! One writer thread owns the only write connection. Requests queue on a
//! channel; the writer takes everything waiting (up to a batch limit), writes
//! it in one transaction and answers each request only after that commit:
//! concurrent submissions share one fsync (group commit).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, params};
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

/// Whether an insert stored a new row or found the id already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    Duplicate,
}

/// A submission waiting to be forwarded.
#[derive(Debug, Clone)]
pub struct Pending {
    pub seq: i64,
    pub id: String,
    pub body: String,
}

enum Job {
    Insert { id: String, site: String, body: String, reply: oneshot::Sender<Result<Stored, OutboxError>> },
    MarkForwarded { seqs: Vec<i64>, reply: oneshot::Sender<Result<(), OutboxError>> },
    MarkDead { seq: i64, reason: String, reply: oneshot::Sender<Result<(), OutboxError>> },
}

/// Cheap to clone: a handle to the writer thread and the database path.
#[derive(Debug, Clone)]
pub struct Outbox {
    jobs: mpsc::Sender<Job>,
    /// A read-only connection of its own: WAL lets it read beside the writer.
    reader: Arc<Mutex<Connection>>,
    /// Woken after each commit that stored something new.
    pub new_rows: Arc<Notify>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
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

impl Outbox {
    /// Opens (creating if needed) the outbox and starts its writer thread.
    pub fn open(path: &Path) -> Result<Self, OutboxError> {
        let conn = open_sqlite(path)?;
        conn.execute_batch(
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
                WHERE forwarded_at IS NULL AND dead_at IS NULL;",
        )?;
        let (jobs, rx) = mpsc::channel(8 * MAX_GROUP);
        let new_rows = Arc::new(Notify::new());
        let notify = new_rows.clone();
        std::thread::Builder::new()
            .name("outbox-writer".into())
            .spawn(move || writer(conn, rx, &notify))
            .map_err(|_| OutboxError::Stopped)?;
        let reader = Arc::new(Mutex::new(open_sqlite(path)?));
        Ok(Self { jobs, reader, new_rows })
    }

    /// Stores a submission durably; returns once the commit holding it is on
    /// disk. A known id changes nothing and reports `Duplicate`.
    pub async fn insert(&self, id: String, site: String, body: String) -> Result<Stored, OutboxError> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::Insert { id, site, body, reply }).await?;
        rx.await.map_err(|_| OutboxError::Stopped)?
    }

    /// Records that the central store confirmed these rows.
    pub async fn mark_forwarded(&self, seqs: Vec<i64>) -> Result<(), OutboxError> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::MarkForwarded { seqs, reply }).await?;
        rx.await.map_err(|_| OutboxError::Stopped)?
    }

    /// Parks a row the central store refused as invalid; it stays visible.
    pub async fn mark_dead(&self, seq: i64, reason: String) -> Result<(), OutboxError> {
        let (reply, rx) = oneshot::channel();
        self.send(Job::MarkDead { seq, reason, reply }).await?;
        rx.await.map_err(|_| OutboxError::Stopped)?
    }

    async fn send(&self, job: Job) -> Result<(), OutboxError> {
        self.jobs.send(job).await.map_err(|_| OutboxError::Stopped)
    }

    /// The oldest rows not yet forwarded nor dead.
    pub async fn pending(&self, limit: usize) -> Result<Vec<Pending>, OutboxError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, id, body FROM outbox
                 WHERE forwarded_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT ?1",
            )?;
            let rows =
                stmt.query_map([limit as i64], |r| Ok(Pending { seq: r.get(0)?, id: r.get(1)?, body: r.get(2)? }))?;
            rows.collect()
        })
        .await
    }

    /// Rows waiting to be forwarded (for readiness and metrics).
    pub async fn depth(&self) -> Result<i64, OutboxError> {
        self.read(|conn| {
            conn.query_row("SELECT count(*) FROM outbox WHERE forwarded_at IS NULL AND dead_at IS NULL", [], |r| {
                r.get(0)
            })
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

fn writer(mut conn: Connection, mut rx: mpsc::Receiver<Job>, new_rows: &Notify) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while let Some(first) = rx.blocking_recv() {
        group.push(first);
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = write_group(&mut conn, &group);
        let stored_new = matches!(&outcome, Ok(results) if results.contains(&Some(Stored::New)));
        reply_all(group.drain(..), outcome);
        if stored_new {
            new_rows.notify_one();
        }
    }
}

/// Writes every job of the group in one transaction. `Some(stored)` per
/// insert, `None` per other job.
fn write_group(conn: &mut Connection, group: &[Job]) -> rusqlite::Result<Vec<Option<Stored>>> {
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(group.len());
    {
        let now = now_ms();
        let mut insert = tx.prepare_cached(
            "INSERT INTO outbox (id, site, body, received_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(id) DO NOTHING",
        )?;
        let mut forwarded = tx.prepare_cached("UPDATE outbox SET forwarded_at = ?2 WHERE seq = ?1")?;
        let mut dead = tx.prepare_cached("UPDATE outbox SET dead_at = ?2, dead_reason = ?3 WHERE seq = ?1")?;
        for job in group {
            results.push(match job {
                Job::Insert { id, site, body, .. } => {
                    let n = insert.execute(params![id, site, body, now])?;
                    Some(if n == 1 { Stored::New } else { Stored::Duplicate })
                }
                Job::MarkForwarded { seqs, .. } => {
                    for seq in seqs {
                        forwarded.execute(params![seq, now])?;
                    }
                    None
                }
                Job::MarkDead { seq, reason, .. } => {
                    dead.execute(params![seq, now, reason])?;
                    None
                }
            });
        }
    }
    tx.commit()?;
    Ok(results)
}

fn reply_all(group: impl Iterator<Item = Job>, outcome: rusqlite::Result<Vec<Option<Stored>>>) {
    match outcome {
        Ok(results) => {
            for (job, result) in group.zip(results) {
                match job {
                    Job::Insert { reply, .. } => {
                        let _ = reply.send(result.ok_or(OutboxError::Stopped));
                    }
                    Job::MarkForwarded { reply, .. } | Job::MarkDead { reply, .. } => {
                        let _ = reply.send(Ok(()));
                    }
                }
            }
        }
        Err(e) => {
            // Nothing of the group was committed: every caller learns so, and
            // no one is acknowledged.
            tracing::error!(error = %e, "outbox commit failed");
            for job in group {
                let err = || OutboxError::CommitFailed(e.to_string());
                match job {
                    Job::Insert { reply, .. } => {
                        let _ = reply.send(Err(err()));
                    }
                    Job::MarkForwarded { reply, .. } | Job::MarkDead { reply, .. } => {
                        let _ = reply.send(Err(err()));
                    }
                }
            }
        }
    }
}

//! The companion's durable outbox: every accepted submission is committed to
//! SQLite (WAL, `synchronous=FULL`) before it is acknowledged, and stays
//! until the central store confirms it.
//!
//! One writer thread owns the only write connection. Requests queue on a
//! channel; the writer takes everything waiting (up to a batch limit), writes
//! it in one transaction and answers each request only after that commit:
//! concurrent submissions share one fsync (group commit).
//!
//! `writer.rs` is the writer thread; `admin.rs` the operator's commands.

pub mod admin;
mod writer;

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use rusqlite::Connection;
use tokio::sync::{Notify, mpsc, oneshot};

use crate::storage::{OUTBOX, open_migrated, open_sqlite};
pub use crate::storage::{StorageError, now_ms};
use writer::{Completions, Job, MAX_GROUP, PRUNE_CHUNK, Reply, Writer};

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
    /// Why a bot heuristic doubted it, if one did (see [`crate::companion::abuse`]).
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

/// Opens the outbox database, bringing its schema up to date.
fn create(path: &Path) -> rusqlite::Result<Connection> {
    let conn = open_migrated(path, OUTBOX)?;
    small_cache(&conn)?;
    Ok(conn)
}

/// The page cache each outbox connection keeps, in KiB. The writer appends
/// (the table's and indexes' last pages) and the reader streams pending
/// rows once each, so neither gains from SQLite's default 2 MiB; the
/// operating system caches the file anyway. Measured at 256 connections of
/// intake: peak RSS 34.2 MB with the default, 29.5 MB with this, at the
/// same rate (BENCHMARKS.md).
const CACHE_KIB: i64 = 256;

fn small_cache(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "cache_size", -CACHE_KIB)
}

impl Outbox {
    /// Opens (creating if needed) the outbox and starts its writer thread.
    pub fn open(path: &Path, limit: SpoolLimit) -> Result<Self, StorageError> {
        let conn = create(path)?;
        // Kept by the table's triggers with every change of a row (counted
        // once, when the table came): not a read of every pending body.
        let (rows, bytes): (i64, i64) =
            conn.query_row("SELECT rows, bytes FROM spool", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let usage = Arc::new(SpoolUsage { rows: AtomicU64::new(rows as u64), bytes: AtomicU64::new(bytes as u64) });
        let (jobs, rx) = mpsc::channel(8 * MAX_GROUP);
        let new_rows = Arc::new(Notify::new());
        let completions = Completions::start();
        let writer = Writer { conn, limit, usage: usage.clone(), new_rows: new_rows.clone(), completions };
        std::thread::Builder::new()
            .name("outbox-writer".into())
            .spawn(move || writer.run(rx))
            .map_err(|_| StorageError::Stopped)?;
        let reader = open_sqlite(path)?;
        small_cache(&reader)?;
        let reader = Arc::new(Mutex::new(reader));
        Ok(Self { jobs, reader, new_rows, usage })
    }

    /// Stores a submission durably; returns once the commit holding it is on
    /// disk. A known id changes nothing and reports `Duplicate`.
    /// `flag` keeps why a bot heuristic doubted it: stored all the same.
    /// `body` is the submission's JSON: UTF-8 text, or the insert fails
    /// and stores nothing.
    pub async fn insert(
        &self,
        id: String,
        site: String,
        body: Bytes,
        flag: Option<&'static str>,
    ) -> Result<Stored, StorageError> {
        // Checked here, so that the writer's check can never fail a group
        // of other callers' submissions.
        if let Err(e) = std::str::from_utf8(&body) {
            return Err(StorageError::Corrupt(format!("a submission's body is not UTF-8: {e}")));
        }
        self.call(|reply| Job::Insert { id, site, body, flag, reply }).await
    }

    /// Records that the central store confirmed these rows.
    pub async fn mark_forwarded(&self, seqs: Vec<i64>) -> Result<(), StorageError> {
        self.call(|reply| Job::MarkForwarded { seqs, reply }).await
    }

    /// Parks a row the central store refused as invalid; it stays visible.
    pub async fn mark_dead(&self, seq: i64, reason: String) -> Result<(), StorageError> {
        self.call(|reply| Job::MarkDead { seq, reason, reply }).await
    }

    /// Deletes rows the central store confirmed before `before` (ms), a
    /// chunk per transaction; returns how many went. Pending rows and dead
    /// letters are never deleted.
    pub async fn prune(&self, before: i64) -> Result<usize, StorageError> {
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
    pub async fn ping(&self) -> Result<(), StorageError> {
        self.call(|reply| Job::Ping { reply }).await
    }

    async fn call<T>(&self, job: impl FnOnce(Reply<T>) -> Job) -> Result<T, StorageError> {
        let (reply, rx) = oneshot::channel();
        self.jobs.send(job(reply)).await.map_err(|_| StorageError::Stopped)?;
        rx.await.map_err(|_| StorageError::Stopped)?
    }

    /// The oldest rows after `after` (a `seq`; 0 for all) not yet forwarded
    /// nor dead.
    pub async fn pending(&self, after: i64, limit: usize) -> Result<Vec<Pending>, StorageError> {
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
    pub async fn stats(&self) -> Result<Stats, StorageError> {
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
    ) -> Result<T, StorageError> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader.lock().map_err(|_| StorageError::Stopped)?;
            Ok(f(&conn)?)
        })
        .await
        .map_err(|_| StorageError::Stopped)?
    }
}

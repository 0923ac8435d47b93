//! The central store on SQLite, the embedded default: each submission id
//! once, as it came, with the companion that forwarded it, its bot flag if
//! any, and whether it is published. Calls run on tokio's blocking pool.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use gdc_core::wire::{MAX_PAGE, PAGE_SIZE};
use gdc_core::{Batch, BatchResults, ItemResult, ItemStatus, Published, PublishedPage, Rules, Submission};
use gdc_core::{ValidationErrors, WireSubmission};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::storage::{Access, CentralStorage};
use crate::storage::{CENTRAL, StorageError, now_ms, open_migrated, open_sqlite};

type Result<T, E = StorageError> = std::result::Result<T, E>;

/// One stored submission with what the central store knows of its arrival.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredRow {
    pub seq: i64,
    pub received_at: String,
    pub companion: String,
    /// Why a bot heuristic doubted it, until an organiser reviews it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    pub submission: WireSubmission,
}

/// SQLite-backed central store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// A connection of its own for the published feed, which anyone may
    /// read in a loop: under WAL it reads beside batch intake, never
    /// waiting on its lock.
    reader: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens the store at `path` as `access` allows.
    pub fn open_with(path: &Path, access: Access) -> anyhow::Result<Self> {
        match access {
            Access::Serve => Ok(Self::open(path)?),
            Access::Existing => Self::open_existing(path),
            Access::ReadOnly => Self::open_read_only(path),
        }
    }

    pub fn open(path: &Path) -> rusqlite::Result<Self> {
        let conn = open_migrated(path, CENTRAL)?;
        let reader = open_sqlite(path)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), reader: Arc::new(Mutex::new(reader)) })
    }

    /// Opens a store that must already exist (the organiser's commands),
    /// bringing its schema up to date.
    pub fn open_existing(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            anyhow::bail!("no central store at {}", path.display());
        }
        Ok(Self::open(path)?)
    }

    /// Opens an existing store for reading only (the export command): no
    /// table is created and nothing is written, so a store on read-only
    /// media or in use by a server of another version is left as it is.
    pub fn open_read_only(path: &Path) -> anyhow::Result<Self> {
        use rusqlite::OpenFlags;
        if !path.exists() {
            anyhow::bail!("no central store at {}", path.display());
        }
        let open =
            || Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX);
        let conn = open()?;
        let (have, want) = (crate::storage::version(&conn)?, CENTRAL.0.len());
        if have != want {
            anyhow::bail!(
                "the central store at {} is at schema version {have}, this gdc-server reads version {want}: \
                 run `gdc-server publish` or the server once to upgrade it",
                path.display()
            );
        }
        Ok(Self { conn: Arc::new(Mutex::new(conn)), reader: Arc::new(Mutex::new(open()?)) })
    }

    /// Runs `f` with the store on tokio's blocking pool.
    async fn blocking<T: Send + 'static>(&self, f: impl FnOnce(&Self) -> Result<T> + Send + 'static) -> Result<T> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this)).await.map_err(|_| StorageError::Stopped)?
    }

    /// [`CentralStorage::set_published`], here and now (for tests and
    /// tools that hold an SQLite store; the trait's runs on the blocking
    /// pool).
    pub fn set_published(&self, ids: &[String], publish: bool) -> Result<Vec<String>> {
        let conn = lock(&self.conn);
        let mut refused = Vec::new();
        for id in ids {
            let body: Option<String> =
                conn.query_row("SELECT body FROM submissions WHERE id = ?1", [id], |r| r.get(0)).ok();
            let Some(body) = body else {
                refused.push(format!("{id}: no such submission"));
                continue;
            };
            let wire: WireSubmission = serde_json::from_str(&body)?;
            if publish && !wire.consent.publish {
                refused.push(format!("{id}: the contributor did not agree to publication"));
                continue;
            }
            let at = publish.then(now_ms);
            // Publishing is the organiser's review: it clears a bot flag.
            conn.execute(
                "UPDATE submissions SET published_at = ?2, flag = CASE WHEN ?2 IS NULL THEN flag END WHERE id = ?1",
                params![id, at],
            )?;
        }
        Ok(refused)
    }

    /// [`CentralStorage::published`], here and now.
    pub fn published(&self, topic: &str, page: usize) -> Result<PublishedPage> {
        let page = page.clamp(1, MAX_PAGE);
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(
            "SELECT body, published_at FROM submissions WHERE published_at IS NOT NULL AND flag IS NULL
             ORDER BY published_at DESC, seq DESC",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut matching = Vec::new();
        for row in rows {
            let (body, at) = row?;
            let wire: WireSubmission = serde_json::from_str(&body)?;
            if let Some(answer) = wire.answers.iter().find(|a| a.topic == topic) {
                matching.push(Published::of(&wire, answer, rfc3339(at)));
            }
        }
        // Within bounds by the clamp above: at most 10^5 * 20.
        let start = (page - 1) * PAGE_SIZE;
        let has_more = matching.len() > start + PAGE_SIZE;
        let items = matching.into_iter().skip(start).take(PAGE_SIZE).collect();
        Ok(PublishedPage { topic: topic.to_owned(), page, items, has_more })
    }

    /// Every stored row in arrival order, here and now.
    pub fn rows(&self) -> Result<Vec<StoredRow>> {
        self.rows_after_now(0, i64::MAX as usize)
    }

    fn rows_after_now(&self, after: i64, limit: usize) -> Result<Vec<StoredRow>> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(
            "SELECT seq, received_at, companion, body, flag FROM submissions WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?))
        })?;
        rows.map(|row| {
            let (seq, at, companion, body, flag) = row?;
            Ok(StoredRow { seq, received_at: rfc3339(at), companion, flag, submission: serde_json::from_str(&body)? })
        })
        .collect()
    }
}

#[async_trait]
impl CentralStorage for SqliteStore {
    async fn insert_batch(&self, companion: &str, batch: Batch) -> Result<BatchResults> {
        let companion = companion.to_owned();
        self.blocking(move |s| insert_batch(&mut lock(&s.conn), &companion, batch)).await
    }

    async fn set_published(&self, ids: &[String], publish: bool) -> Result<Vec<String>> {
        let ids = ids.to_vec();
        self.blocking(move |s| SqliteStore::set_published(s, &ids, publish)).await
    }

    async fn published(&self, topic: &str, page: usize) -> Result<PublishedPage> {
        let topic = topic.to_owned();
        self.blocking(move |s| SqliteStore::published(s, &topic, page)).await
    }

    async fn rows_after(&self, after: i64, limit: usize) -> Result<Vec<StoredRow>> {
        self.blocking(move |s| s.rows_after_now(after, limit)).await
    }
}

/// The connection, even after a panic elsewhere while it was held: SQLite
/// rolls back an unfinished transaction, so the data is consistent, and one
/// panic must not fail every later request (a poisoned lock did).
fn lock(conn: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn rfc3339(ms: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(t).to_string()
}

/// Just the id of an item that is not a valid submission, to report on it.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: String,
}

/// One batch item as the central store reads it: the id it names (as sent,
/// to answer about it; empty if there is none) and the valid submission or
/// why it is not one.
pub fn parse_item(text: &str) -> (String, Result<Submission, ValidationErrors>) {
    let wire = serde_json::from_str::<WireSubmission>(text);
    let id = match &wire {
        Ok(w) => w.id.clone(),
        Err(_) => serde_json::from_str::<IdOnly>(text).map(|i| i.id).unwrap_or_default(),
    };
    let parsed = wire
        .map_err(|e| ValidationErrors(vec![crate::http::json::malformed_field("submission", &e.to_string())]))
        .and_then(|wire| Submission::parse(wire, Rules::default()));
    (id, parsed)
}

fn insert_batch(conn: &mut Connection, companion: &str, batch: Batch) -> Result<BatchResults> {
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(batch.submissions.len());
    {
        let now = now_ms();
        let mut insert = tx.prepare_cached(
            "INSERT INTO submissions (id, consultation, site, companion, body, received_at, flag)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING",
        )?;
        for raw in batch.submissions {
            let text = raw.get();
            let (id, parsed) = parse_item(text);
            let result = match parsed {
                Ok(sub) => {
                    let wire = sub.wire();
                    let flag = batch.flags.get(&wire.id);
                    let n =
                        insert.execute(params![wire.id, wire.consultation, wire.site, companion, text, now, flag])?;
                    let status = if n == 1 { ItemStatus::Accepted } else { ItemStatus::Duplicate };
                    ItemResult { id, status, errors: None }
                }
                Err(errors) => ItemResult { id, status: ItemStatus::Rejected, errors: Some(errors) },
            };
            results.push(result);
        }
    }
    tx.commit()?;
    Ok(BatchResults { results })
}

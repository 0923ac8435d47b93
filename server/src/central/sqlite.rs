//! The central store on SQLite, the embedded default: each submission id
//! once, as it came, with the companion that forwarded it, its bot flag if
//! any, and whether it is published. Calls run on tokio's blocking pool.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use gdc_core::wire::{MAX_PAGE, PAGE_SIZE};
use gdc_core::{Batch, BatchResults, ItemResult, ItemStatus, PublishedPage, Rules, Submission};
use gdc_core::{ValidationErrors, WireSubmission};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::storage::{
    Access, Action, CentralStorage, FeedQuery, Moderation, ReviewItem, Stats, TokenInfo, feed_page, refusal,
};
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

    /// [`CentralStorage::moderate`], here and now (for tests and tools that
    /// hold an SQLite store; the trait's runs on the blocking pool).
    pub fn moderate(&self, ids: &[String], action: Action) -> Result<Vec<String>> {
        let conn = lock(&self.conn);
        let mut refused = Vec::new();
        for id in ids {
            let body: Option<String> =
                conn.query_row("SELECT body FROM submissions WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            if let Some(reason) = refusal(id, body.as_deref(), action)? {
                refused.push(reason);
                continue;
            }
            match action {
                // Approval is the organiser's review: it clears a bot flag.
                Action::Approve => conn.execute(
                    "UPDATE submissions SET published_at = COALESCE(published_at, ?2), flag = NULL, hidden_at = NULL
                     WHERE id = ?1",
                    params![id, now_ms()],
                )?,
                Action::Hide => conn.execute(
                    "UPDATE submissions SET hidden_at = COALESCE(hidden_at, ?2) WHERE id = ?1",
                    params![id, now_ms()],
                )?,
                Action::Unhide => conn.execute("UPDATE submissions SET hidden_at = NULL WHERE id = ?1", [id])?,
            };
        }
        Ok(refused)
    }

    /// [`CentralStorage::published`], here and now.
    pub fn published(&self, query: &FeedQuery, mode: Moderation) -> Result<PublishedPage> {
        let page = query.page.clamp(1, MAX_PAGE);
        let conn = lock(&self.reader);
        let approved = match mode {
            Moderation::Pre => "published_at IS NOT NULL",
            Moderation::Post => "1",
        };
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT body, COALESCE(published_at, received_at) AS shown FROM submissions
             WHERE publish = 1 AND hidden_at IS NULL AND flag IS NULL AND {approved}
               AND (?2 IS NULL OR lang = ?2)
               AND EXISTS (SELECT 1 FROM json_each(body, '$.answers') WHERE json_extract(value, '$.topic') = ?1)
             ORDER BY shown DESC, seq DESC LIMIT ?3 OFFSET ?4"
        ))?;
        // Within bounds by the clamp above: at most 10^5 * 20.
        let offset = ((page - 1) * PAGE_SIZE) as i64;
        let rows = stmt.query_map(params![query.topic, query.lang, PAGE_SIZE as i64 + 1, offset], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let rows: Vec<(String, i64)> = rows.collect::<rusqlite::Result<_>>()?;
        feed_page(query, page, rows)
    }

    /// [`CentralStorage::stats`], here and now.
    pub fn stats(&self) -> Result<Stats> {
        let conn = lock(&self.reader);
        let mut stats = Stats::default();
        let visible = "FROM submissions WHERE flag IS NULL";
        stats.total = conn.query_row(&format!("SELECT count(*) {visible}"), [], |r| r.get::<_, i64>(0))? as u64;
        stats.flagged = conn
            .query_row("SELECT count(*) FROM submissions WHERE flag IS NOT NULL", [], |r| r.get::<_, i64>(0))?
            as u64;
        let dimensions: [(&mut BTreeMap<String, u64>, String); 6] = [
            (&mut stats.stakeholder, format!("SELECT json_extract(body, '$.submitter.stakeholder'), count(*) {visible} GROUP BY 1")),
            (&mut stats.country, format!("SELECT json_extract(body, '$.submitter.country'), count(*) {visible} GROUP BY 1")),
            (&mut stats.lang, format!("SELECT lang, count(*) {visible} GROUP BY 1")),
            (&mut stats.site, format!("SELECT site, count(*) {visible} GROUP BY 1")),
            (&mut stats.day, format!("SELECT date(received_at / 1000, 'unixepoch'), count(*) {visible} GROUP BY 1")),
            (
                &mut stats.topic,
                "SELECT json_extract(a.value, '$.topic'), count(*) FROM submissions, json_each(submissions.body, '$.answers') AS a
                 WHERE submissions.flag IS NULL GROUP BY 1"
                    .to_owned(),
            ),
        ];
        for (map, sql) in dimensions {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (key, n) = row?;
                *map.entry(key.unwrap_or_default()).or_default() += n as u64;
            }
        }
        Ok(stats)
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

    async fn moderate(&self, ids: &[String], action: Action) -> Result<Vec<String>> {
        let ids = ids.to_vec();
        self.blocking(move |s| SqliteStore::moderate(s, &ids, action)).await
    }

    async fn published(&self, query: &FeedQuery, mode: Moderation) -> Result<PublishedPage> {
        let query = query.clone();
        self.blocking(move |s| SqliteStore::published(s, &query, mode)).await
    }

    async fn stats(&self) -> Result<Stats> {
        self.blocking(SqliteStore::stats).await
    }

    async fn add_token(&self, name: &str, hash: &str) -> Result<bool> {
        let (name, hash) = (name.to_owned(), hash.to_owned());
        self.blocking(move |s| {
            let n = lock(&s.conn).execute(
                "INSERT INTO companion_tokens (name, hash, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![name, hash, now_ms()],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn revoke_token(&self, name: &str) -> Result<bool> {
        let name = name.to_owned();
        self.blocking(move |s| {
            let n = lock(&s.conn).execute(
                "UPDATE companion_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                params![name, now_ms()],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn companion_for(&self, hash: &str) -> Result<Option<String>> {
        let hash = hash.to_owned();
        self.blocking(move |s| {
            let conn = lock(&s.conn);
            let name = conn
                .query_row(
                    "UPDATE companion_tokens SET last_batch_at = ?2 WHERE hash = ?1 AND revoked_at IS NULL RETURNING name",
                    params![hash, now_ms()],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(name)
        })
        .await
    }

    async fn review(&self, limit: usize) -> Result<Vec<ReviewItem>> {
        self.blocking(move |s| {
            let conn = lock(&s.reader);
            let mut stmt = conn.prepare_cached(
                "SELECT received_at, body, flag, published_at IS NOT NULL, hidden_at IS NOT NULL FROM submissions
                 WHERE publish = 1 ORDER BY seq DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.map(|row| {
                let (at, body, flag, approved, hidden) = row?;
                ReviewItem::new(at, &body, flag, approved, hidden)
            })
            .collect()
        })
        .await
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        self.blocking(move |s| {
            let conn = lock(&s.reader);
            let mut stmt = conn.prepare_cached(
                "SELECT name, created_at, revoked_at, last_batch_at FROM companion_tokens ORDER BY created_at DESC, rowid DESC",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(TokenInfo {
                    name: r.get(0)?,
                    created_at: rfc3339(r.get(1)?),
                    revoked_at: r.get::<_, Option<i64>>(2)?.map(rfc3339),
                    last_batch_at: r.get::<_, Option<i64>>(3)?.map(rfc3339),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
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
            "INSERT INTO submissions (id, consultation, site, companion, body, received_at, flag, publish, lang)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(id) DO NOTHING",
        )?;
        for raw in batch.submissions {
            let text = raw.get();
            let (id, parsed) = parse_item(text);
            let result = match parsed {
                Ok(sub) => {
                    let wire = sub.wire();
                    let flag = batch.flags.get(&wire.id);
                    let n = insert.execute(params![
                        wire.id,
                        wire.consultation,
                        wire.site,
                        companion,
                        text,
                        now,
                        flag,
                        wire.consent.publish,
                        wire.lang
                    ])?;
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

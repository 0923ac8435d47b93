//! The central store on PostgreSQL, chosen by a `postgres://` URL: a pool
//! of connections (deadpool), the schema as versioned migrations
//! (`server/migrations/central-postgres/`, applied by refinery), and
//! batches stored by the writers of `postgres/writer.rs`: those arriving
//! together are merged into one statement and one commit, idempotent by
//! id: `INSERT … SELECT FROM UNNEST(…) ON CONFLICT (id) DO NOTHING
//! RETURNING id`. Concurrent batches with the same ids, from any number of
//! companions and central processes, store each id once: the unique index
//! decides.

use async_trait::async_trait;
use deadpool_postgres::{Pool, Runtime};
use gdc_core::wire::{MAX_PAGE, PAGE_SIZE};
use gdc_core::{Batch, BatchResults, ItemResult, ItemStatus, PublishedPage};
use tokio_postgres::NoTls;
use uuid::Uuid;

use super::sqlite::{StoredRow, parse_item, rfc3339};
use super::storage::{
    Access, Action, CentralStorage, FeedQuery, Moderation, ReviewItem, Stats, TokenInfo, feed_page, refusal,
};
use crate::storage::{StorageError, now_ms};

type Result<T, E = StorageError> = std::result::Result<T, E>;

mod embedded {
    refinery::embed_migrations!("migrations/central-postgres");
}

mod writer;

use writer::{Row, Writer};

/// The advisory lock every insert into `submissions` holds shared until its
/// commit, and an export takes alone for a moment (any number, the same in
/// every process on the database).
const INSERTS_LOCK: i64 = 0x6764_635f_7365_7100;

/// The highest `seq` below which no insert is still to commit. Inserts run
/// concurrently (two writers, other central processes), and a `seq` is
/// taken when a row is inserted, not when it commits: a reader could see
/// seq 200 committed while 150 is still in flight, move its `since` past
/// it, and never see 150. So the reader takes the inserts' lock alone,
/// which waits for every insert then running to commit (each took its
/// `seq` values after taking the lock shared), reads the highest `seq`,
/// and lets the inserts go on; any insert after that takes higher values.
async fn committed_high(client: &mut deadpool_postgres::Object) -> Result<i64> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&INSERTS_LOCK]).await?;
    let high: Option<i64> = tx.query_one("SELECT max(seq) FROM submissions", &[]).await?.get(0);
    tx.commit().await?;
    Ok(high.unwrap_or(0))
}

/// The central store in a PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    /// Stores batches, merging those that arrive together.
    writer: Writer,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").field("pool", &self.pool.status()).finish()
    }
}

impl From<tokio_postgres::Error> for StorageError {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Postgres(e.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for StorageError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        Self::Postgres(e.to_string())
    }
}

impl PostgresStore {
    /// Connects to the database at `url` and, unless `access` is read-only,
    /// brings its schema up to date; read-only, the schema must already be
    /// this version's.
    pub async fn connect(url: &str, access: Access) -> anyhow::Result<Self> {
        let shown = redact(url);
        let (mut client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|e| anyhow::anyhow!("cannot connect to the central store's PostgreSQL at {shown}: {e}"))?;
        let driver = tokio::spawn(connection);
        let runner = embedded::migrations::runner();
        let want = runner.get_migrations().iter().map(|m| m.version()).max().unwrap_or(0);
        if access == Access::ReadOnly {
            let have: Option<i32> = client
                .query_opt("SELECT MAX(version) FROM refinery_schema_history", &[])
                .await
                .ok()
                .flatten()
                .and_then(|row| row.get(0));
            if have != Some(want as i32) {
                anyhow::bail!(
                    "the central store at {shown} is at schema version {}, this gdc-server reads version {want}: \
                     run the server once to upgrade it",
                    have.unwrap_or(0)
                );
            }
        } else {
            runner.run_async(&mut client).await.map_err(|e| anyhow::anyhow!("migrating {shown}: {e}"))?;
        }
        drop(client);
        driver.abort();
        let config: tokio_postgres::Config = url.parse()?;
        let manager = deadpool_postgres::Manager::from_config(
            config,
            NoTls,
            deadpool_postgres::ManagerConfig { recycling_method: deadpool_postgres::RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager).max_size(16).runtime(Runtime::Tokio1).build()?;
        let writer = Writer::start(pool.clone());
        Ok(Self { pool, writer })
    }
}

/// `url` without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[async_trait]
impl CentralStorage for PostgresStore {
    async fn insert_batch(&self, companion: &str, batch: Batch) -> Result<BatchResults> {
        let mut results = Vec::with_capacity(batch.submissions.len());
        // Valid items, in order, as the columns they are stored with; the
        // results of the invalid ones are known already.
        let mut rows = Vec::new();
        let mut positions = Vec::new();
        for (index, raw) in batch.submissions.iter().enumerate() {
            let (id, parsed) = parse_item(raw.get());
            match parsed {
                Ok(sub) => {
                    let wire = sub.wire();
                    // Canonical by the parser's rules, so this cannot fail.
                    let uuid = Uuid::parse_str(&wire.id).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                    rows.push(Row {
                        index,
                        id: uuid,
                        consultation: wire.consultation.clone(),
                        site: wire.site.clone(),
                        topics: wire.answers.iter().map(|a| a.topic.as_str()).collect::<Vec<_>>().join(","),
                        flag: batch.flags.get(&wire.id).cloned(),
                        publish: wire.consent.publish,
                        lang: wire.lang.clone(),
                    });
                    positions.push(results.len());
                    results.push(ItemResult { id, status: ItemStatus::Accepted, errors: None });
                }
                Err(errors) => results.push(ItemResult { id, status: ItemStatus::Rejected, errors: Some(errors) }),
            }
        }
        if !rows.is_empty() {
            let stored = self.writer.store(companion, batch, rows).await?;
            for (i, stored) in positions.into_iter().zip(stored) {
                if !stored {
                    results[i].status = ItemStatus::Duplicate;
                }
            }
        }
        Ok(BatchResults { results })
    }

    async fn moderate(&self, ids: &[String], action: Action) -> Result<Vec<String>> {
        let client = self.pool.get().await?;
        let mut refused = Vec::new();
        for id in ids {
            let uuid = Uuid::parse_str(id).ok();
            let body: Option<String> = match uuid {
                Some(uuid) => {
                    client.query_opt("SELECT body FROM submissions WHERE id = $1", &[&uuid]).await?.map(|r| r.get(0))
                }
                None => None,
            };
            if let Some(reason) = refusal(id, body.as_deref(), action)? {
                refused.push(reason);
                continue;
            }
            let (uuid, now) = (uuid.expect("found by it"), now_ms());
            match action {
                // Approval is the organiser's review: it clears a bot flag.
                Action::Approve => {
                    client
                        .execute(
                            "UPDATE submissions SET published_at = COALESCE(published_at, $2), flag = NULL,
                             hidden_at = NULL WHERE id = $1",
                            &[&uuid, &now],
                        )
                        .await?
                }
                Action::Hide => {
                    client
                        .execute(
                            "UPDATE submissions SET hidden_at = COALESCE(hidden_at, $2) WHERE id = $1",
                            &[&uuid, &now],
                        )
                        .await?
                }
                Action::Unhide => {
                    client.execute("UPDATE submissions SET hidden_at = NULL WHERE id = $1", &[&uuid]).await?
                }
            };
        }
        Ok(refused)
    }

    async fn published(&self, query: &FeedQuery, mode: Moderation) -> Result<PublishedPage> {
        let page = query.page.clamp(1, MAX_PAGE);
        let client = self.pool.get().await?;
        // Each mode reads its own index in order (see the migrations): the
        // approved rows by approval time, or every consenting row by when it
        // was approved or else arrived.
        let (approved, order) = match mode {
            Moderation::Pre => ("published_at IS NOT NULL", "published_at"),
            Moderation::Post => ("true", "COALESCE(published_at, received_at)"),
        };
        let stmt = client
            .prepare_cached(&format!(
                "SELECT body, {order} FROM submissions
                 WHERE publish AND hidden_at IS NULL AND flag IS NULL AND {approved}
                   AND $1 = ANY(topics) AND ($2::text IS NULL OR lang = $2)
                 ORDER BY {order} DESC, seq DESC LIMIT $3 OFFSET $4"
            ))
            .await?;
        // Within bounds by the clamp above: at most 10^5 * 20.
        let offset = ((page - 1) * PAGE_SIZE) as i64;
        let rows = client.query(&stmt, &[&query.topic, &query.lang, &(PAGE_SIZE as i64 + 1), &offset]).await?;
        feed_page(query, page, rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    async fn stats(&self) -> Result<Stats> {
        let client = self.pool.get().await?;
        let mut stats = Stats::default();
        let visible = "FROM submissions WHERE flag IS NULL";
        stats.total = client.query_one(&format!("SELECT count(*) {visible}"), &[]).await?.get::<_, i64>(0) as u64;
        stats.flagged =
            client.query_one("SELECT count(*) FROM submissions WHERE flag IS NOT NULL", &[]).await?.get::<_, i64>(0)
                as u64;
        let dimensions: [(&mut std::collections::BTreeMap<String, u64>, String); 6] = [
            (
                &mut stats.stakeholder,
                format!("SELECT body::jsonb -> 'submitter' ->> 'stakeholder', count(*) {visible} GROUP BY 1"),
            ),
            (
                &mut stats.country,
                format!("SELECT body::jsonb -> 'submitter' ->> 'country', count(*) {visible} GROUP BY 1"),
            ),
            (&mut stats.lang, format!("SELECT lang, count(*) {visible} GROUP BY 1")),
            (&mut stats.site, format!("SELECT site, count(*) {visible} GROUP BY 1")),
            (
                &mut stats.day,
                format!(
                    "SELECT to_char(to_timestamp(received_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*) {visible} GROUP BY 1"
                ),
            ),
            (
                &mut stats.topic,
                "SELECT unnest(topics), count(*) FROM submissions WHERE flag IS NULL GROUP BY 1".to_owned(),
            ),
        ];
        for (map, sql) in dimensions {
            for row in client.query(&sql, &[]).await? {
                let key: Option<String> = row.get(0);
                *map.entry(key.unwrap_or_default()).or_default() += row.get::<_, i64>(1) as u64;
            }
        }
        Ok(stats)
    }

    async fn add_token(&self, name: &str, hash: &str) -> Result<bool> {
        let client = self.pool.get().await?;
        let n = client
            .execute(
                "INSERT INTO companion_tokens (name, hash, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&name, &hash, &now_ms()],
            )
            .await?;
        Ok(n == 1)
    }

    async fn revoke_token(&self, name: &str) -> Result<bool> {
        let client = self.pool.get().await?;
        let n = client
            .execute(
                "UPDATE companion_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                &[&name, &now_ms()],
            )
            .await?;
        Ok(n > 0)
    }

    async fn companion_for(&self, hash: &str) -> Result<Option<String>> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "UPDATE companion_tokens SET last_batch_at = $2 WHERE hash = $1 AND revoked_at IS NULL RETURNING name",
                &[&hash, &now_ms()],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn review(&self, limit: usize) -> Result<Vec<ReviewItem>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT received_at, body, flag, published_at IS NOT NULL, hidden_at IS NOT NULL FROM submissions
                 WHERE publish ORDER BY seq DESC LIMIT $1",
                &[&(limit as i64)],
            )
            .await?;
        rows.iter().map(|r| ReviewItem::new(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect()
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT name, created_at, revoked_at, last_batch_at FROM companion_tokens
                 ORDER BY created_at DESC, ctid DESC",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| TokenInfo {
                name: r.get(0),
                created_at: rfc3339(r.get(1)),
                revoked_at: r.get::<_, Option<i64>>(2).map(rfc3339),
                last_batch_at: r.get::<_, Option<i64>>(3).map(rfc3339),
            })
            .collect())
    }

    async fn rows_after(&self, after: i64, limit: usize) -> Result<Vec<StoredRow>> {
        let mut client = self.pool.get().await?;
        let high = committed_high(&mut client).await?;
        let stmt = client
            .prepare_cached(
                "SELECT seq, received_at, companion, body, flag FROM submissions WHERE seq > $1 AND seq <= $3
                 ORDER BY seq LIMIT $2",
            )
            .await?;
        let rows = client.query(&stmt, &[&after, &(limit as i64), &high]).await?;
        rows.iter()
            .map(|r| {
                Ok(StoredRow {
                    seq: r.get(0),
                    received_at: rfc3339(r.get(1)),
                    companion: r.get(2),
                    flag: r.get(4),
                    submission: serde_json::from_str(r.get(3))?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(redact("postgres://gdc:s3cret@db.example:5432/gdc"), "postgres://gdc@db.example:5432/gdc");
        assert_eq!(redact("postgres://127.0.0.1/gdc"), "postgres://127.0.0.1/gdc");
    }
}

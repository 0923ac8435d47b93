//! The central store on PostgreSQL, chosen by a `postgres://` URL: a pool
//! of connections (deadpool), the schema as versioned migrations
//! (`server/migrations/central-postgres/`, applied by refinery), and a
//! whole batch stored in one statement and one round trip, idempotent by
//! id: `INSERT … SELECT FROM UNNEST(…) ON CONFLICT (id) DO NOTHING
//! RETURNING id`. Concurrent batches with the same ids, from any number of
//! companions, store each id once: the unique index decides.

use std::collections::HashSet;

use async_trait::async_trait;
use deadpool_postgres::{Pool, Runtime};
use gdc_core::wire::{MAX_PAGE, PAGE_SIZE};
use gdc_core::{Batch, BatchResults, ItemResult, ItemStatus, Published, PublishedPage, WireSubmission};
use tokio_postgres::NoTls;
use uuid::Uuid;

use super::sqlite::{StoredRow, parse_item, rfc3339};
use super::storage::{Access, CentralStorage};
use crate::storage::{StorageError, now_ms};

type Result<T, E = StorageError> = std::result::Result<T, E>;

mod embedded {
    refinery::embed_migrations!("migrations/central-postgres");
}

/// The central store in a PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
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
        Ok(Self { pool })
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
        // Valid items, in order, as columns; the results of the invalid
        // ones are known already.
        let (mut ids, mut consultations, mut sites, mut bodies, mut topics, mut flags) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut pending = Vec::new();
        for raw in &batch.submissions {
            let text = raw.get();
            let (id, parsed) = parse_item(text);
            match parsed {
                Ok(sub) => {
                    let wire = sub.wire();
                    // Canonical by the parser's rules, so this cannot fail.
                    let uuid = Uuid::parse_str(&wire.id).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                    ids.push(uuid);
                    consultations.push(wire.consultation.clone());
                    sites.push(wire.site.clone());
                    bodies.push(text.to_owned());
                    topics.push(wire.answers.iter().map(|a| a.topic.as_str()).collect::<Vec<_>>().join(","));
                    flags.push(batch.flags.get(&wire.id).cloned());
                    pending.push((results.len(), uuid));
                    results.push(ItemResult { id, status: ItemStatus::Accepted, errors: None });
                }
                Err(errors) => results.push(ItemResult { id, status: ItemStatus::Rejected, errors: Some(errors) }),
            }
        }
        if !pending.is_empty() {
            let client = self.pool.get().await?;
            let stmt = client
                .prepare_cached(
                    "INSERT INTO submissions (id, consultation, site, companion, body, topics, received_at, flag)
                     SELECT u.id, u.consultation, u.site, $7, u.body, string_to_array(u.topics, ','), $8, u.flag
                     FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                          AS u(id, consultation, site, body, topics, flag)
                     ON CONFLICT (id) DO NOTHING
                     RETURNING id",
                )
                .await?;
            let rows = client
                .query(&stmt, &[&ids, &consultations, &sites, &bodies, &topics, &flags, &companion, &now_ms()])
                .await?;
            let mut stored: HashSet<Uuid> = rows.iter().map(|r| r.get(0)).collect();
            for (i, uuid) in pending {
                // The first of repeated ids in this batch is the one stored.
                if !stored.remove(&uuid) {
                    results[i].status = ItemStatus::Duplicate;
                }
            }
        }
        Ok(BatchResults { results })
    }

    async fn set_published(&self, ids: &[String], publish: bool) -> Result<Vec<String>> {
        let client = self.pool.get().await?;
        let mut refused = Vec::new();
        for id in ids {
            let Ok(uuid) = Uuid::parse_str(id) else {
                refused.push(format!("{id}: no such submission"));
                continue;
            };
            let Some(row) = client.query_opt("SELECT body FROM submissions WHERE id = $1", &[&uuid]).await? else {
                refused.push(format!("{id}: no such submission"));
                continue;
            };
            let wire: WireSubmission = serde_json::from_str(row.get(0))?;
            if publish && !wire.consent.publish {
                refused.push(format!("{id}: the contributor did not agree to publication"));
                continue;
            }
            // Publishing is the organiser's review: it clears a bot flag.
            let at = publish.then(now_ms);
            client
                .execute(
                    "UPDATE submissions SET published_at = $2, flag = CASE WHEN $2::bigint IS NULL THEN flag END
                     WHERE id = $1",
                    &[&uuid, &at],
                )
                .await?;
        }
        Ok(refused)
    }

    async fn published(&self, topic: &str, page: usize) -> Result<PublishedPage> {
        let page = page.clamp(1, MAX_PAGE);
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT body, published_at FROM submissions
                 WHERE published_at IS NOT NULL AND flag IS NULL AND $1 = ANY(topics)
                 ORDER BY published_at DESC, seq DESC LIMIT $2 OFFSET $3",
            )
            .await?;
        // Within bounds by the clamp above: at most 10^5 * 20.
        let offset = ((page - 1) * PAGE_SIZE) as i64;
        let rows = client.query(&stmt, &[&topic, &(PAGE_SIZE as i64 + 1), &offset]).await?;
        let has_more = rows.len() > PAGE_SIZE;
        let mut items = Vec::with_capacity(PAGE_SIZE);
        for row in rows.iter().take(PAGE_SIZE) {
            let wire: WireSubmission = serde_json::from_str(row.get(0))?;
            if let Some(answer) = wire.answers.iter().find(|a| a.topic == topic) {
                items.push(Published::of(&wire, answer, rfc3339(row.get(1))));
            }
        }
        Ok(PublishedPage { topic: topic.to_owned(), page, items, has_more })
    }

    async fn rows_after(&self, after: i64, limit: usize) -> Result<Vec<StoredRow>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT seq, received_at, companion, body, flag FROM submissions WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .await?;
        let rows = client.query(&stmt, &[&after, &(limit as i64)]).await?;
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

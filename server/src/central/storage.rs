//! The central store's storage, behind one trait with two engines: SQLite,
//! embedded, the default ([`super::sqlite`]); PostgreSQL, chosen by a
//! `postgres://` URL, for many companions and more than one machine
//! ([`super::postgres`]). The handlers, the feed and the command line see
//! only [`CentralStore`]; `server/tests/api/central_storage.rs` runs one
//! suite against both.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::collections::BTreeMap;

use async_trait::async_trait;
use gdc_core::{Batch, BatchResults, PublishedPage};
use serde::{Deserialize, Serialize};

use super::sqlite::StoredRow;
use crate::storage::StorageError;

/// What the central store does with its storage.
#[async_trait]
pub trait CentralStorage: Send + Sync + std::fmt::Debug {
    /// Validates and stores a batch atomically: each item gets its own
    /// result, a repeated id (in this batch, an earlier one, or another
    /// companion's at the same moment) changes nothing.
    async fn insert_batch(&self, companion: &str, batch: Batch) -> Result<BatchResults, StorageError>;

    /// An organiser's decision on submissions, by id. Only a contributor
    /// who chose `publish` can be approved; the ids refused come back, by
    /// name, with the reason.
    async fn moderate(&self, ids: &[String], action: Action) -> Result<Vec<String>, StorageError>;

    /// What the feed shows: contributions on the query's topic (and
    /// language), newest first, a page at a time, as `mode` decides.
    async fn published(&self, query: &FeedQuery, mode: Moderation) -> Result<PublishedPage, StorageError>;

    /// The counts organisers follow, without flagged rows.
    async fn stats(&self) -> Result<Stats, StorageError>;

    /// Keeps a new companion token's hash under `name`; `Ok(false)` if
    /// `name` already has one that is not revoked.
    async fn add_token(&self, name: &str, hash: &str) -> Result<bool, StorageError>;

    /// Revokes `name`'s token; `Ok(false)` if it had none.
    async fn revoke_token(&self, name: &str) -> Result<bool, StorageError>;

    /// The companion whose live token hashes to `hash`, noting that it
    /// just sent a batch.
    async fn companion_for(&self, hash: &str) -> Result<Option<String>, StorageError>;

    /// Every token ever made, newest first, with when its companion last
    /// sent a batch.
    async fn tokens(&self) -> Result<Vec<TokenInfo>, StorageError>;

    /// The newest `limit` contributions whose authors agreed to
    /// publication, with what organisers decided of each: the moderation
    /// queue.
    async fn review(&self, limit: usize) -> Result<Vec<ReviewItem>, StorageError>;

    /// Up to `limit` stored rows whose `seq` is above `after`, in arrival
    /// order: the export reads the store a slice at a time.
    async fn rows_after(&self, after: i64, limit: usize) -> Result<Vec<StoredRow>, StorageError>;
}

/// An organiser's decision on a contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Shown in the feed (it also clears a bot heuristic's flag: it was
    /// reviewed). Refused when the contributor did not agree to publication.
    Approve,
    /// Never shown, whatever the mode, until unhidden.
    Hide,
    /// Shown again as the mode says.
    Unhide,
}

/// When a contribution whose author agreed to publication is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Moderation {
    /// Only once an organiser approved it (the default).
    #[default]
    Pre,
    /// As soon as it arrives, until an organiser hides it; a flagged one
    /// still waits for an approval.
    Post,
}

/// What the feed is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeedQuery {
    pub topic: String,
    /// Only contributions written in this language (`ar`, `zh`…).
    pub lang: Option<String>,
    /// From 1 to [`gdc_core::wire::MAX_PAGE`] (clamped).
    pub page: usize,
}

/// Counts of stored contributions (flagged ones left out until reviewed):
/// in all, and by each dimension organisers report on. A contribution on
/// three topics counts once in every dimension but `topic`, where it
/// counts for each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stats {
    pub total: u64,
    /// Flagged by a bot heuristic and not yet reviewed: not in the counts.
    pub flagged: u64,
    pub topic: BTreeMap<String, u64>,
    pub stakeholder: BTreeMap<String, u64>,
    /// By ISO 3166-1 alpha-2 code; `""` for contributions that gave none.
    pub country: BTreeMap<String, u64>,
    pub lang: BTreeMap<String, u64>,
    pub site: BTreeMap<String, u64>,
    /// By the day the central store received them (UTC, `YYYY-MM-DD`).
    pub day: BTreeMap<String, u64>,
}

/// A contribution in the moderation queue.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub received_at: String,
    /// Why a bot heuristic doubted it, until approved.
    pub flag: Option<String>,
    pub approved: bool,
    pub hidden: bool,
    pub submission: gdc_core::WireSubmission,
}

impl ReviewItem {
    /// Whether the feed shows it in `mode`.
    pub fn shown(&self, mode: Moderation) -> bool {
        !self.hidden && self.flag.is_none() && (self.approved || mode == Moderation::Post)
    }

    pub(crate) fn new(
        received_at: i64,
        body: &str,
        flag: Option<String>,
        approved: bool,
        hidden: bool,
    ) -> Result<Self, StorageError> {
        let submission = serde_json::from_str(body)?;
        Ok(Self { received_at: super::sqlite::rfc3339(received_at), flag, approved, hidden, submission })
    }
}

/// A companion token as organisers see it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// When the companion last sent a batch with it.
    pub last_batch_at: Option<String>,
}

/// A new companion token: 256 random bits, URL-safe; shown once.
pub fn new_token() -> String {
    use base64::Engine;
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    format!("gdc_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What the store keeps of a token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The central store as its users hold it.
pub type CentralStore = Arc<dyn CentralStorage>;

/// Where the central store keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by `postgres://` URL.
    Postgres(String),
}

impl StoreLocation {
    /// The configured database URL, else `central.sqlite` in `data_dir`.
    pub fn new(database_url: Option<&str>, data_dir: &Path) -> Self {
        match database_url {
            Some(url) if !url.trim().is_empty() => Self::Postgres(url.to_owned()),
            _ => Self::Sqlite(data_dir.join("central.sqlite")),
        }
    }
}

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// For a server: created if missing, its schema brought up to date.
    Serve,
    /// For an organiser's command that writes: must exist; upgraded.
    Existing,
    /// For the export command: must exist, at this version's schema;
    /// nothing is created or written.
    ReadOnly,
}

/// Opens the central store at `location`.
pub async fn open(location: &StoreLocation, access: Access) -> anyhow::Result<CentralStore> {
    Ok(match location {
        StoreLocation::Sqlite(path) => {
            let path = path.clone();
            let store =
                tokio::task::spawn_blocking(move || super::sqlite::SqliteStore::open_with(&path, access)).await??;
            Arc::new(store)
        }
        StoreLocation::Postgres(url) => Arc::new(super::postgres::PostgresStore::connect(url, access).await?),
    })
}

/// The rows stored after `since`, in arrival order, [`EXPORT_SLICE`] at a
/// time: the one paging loop of the export (HTTP and command line) and of
/// [`all_rows`]. The first slice comes even when empty; a storage error
/// ends the stream after it.
pub fn row_slices(
    store: CentralStore,
    since: i64,
) -> impl futures::Stream<Item = Result<Vec<StoredRow>, StorageError>> + Send {
    futures::stream::unfold(Some(since), move |after| {
        let store = store.clone();
        async move {
            let after = after?;
            match store.rows_after(after, EXPORT_SLICE).await {
                Ok(rows) => {
                    let next = (rows.len() == EXPORT_SLICE).then(|| rows.last().map_or(after, |r| r.seq));
                    Some((Ok(rows), next))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    })
}

/// Every stored row, a slice at a time, in arrival order.
pub async fn all_rows(store: &CentralStore) -> Result<Vec<StoredRow>, StorageError> {
    use futures::TryStreamExt;
    row_slices(store.clone(), 0).try_concat().await
}

/// Rows read per query when exporting.
pub const EXPORT_SLICE: usize = 1_000;

/// Why `action` cannot be taken on submission `id`, whose stored body is
/// `body` (`None`: no such submission), if it cannot.
pub(crate) fn refusal(id: &str, body: Option<&str>, action: Action) -> Result<Option<String>, StorageError> {
    let Some(body) = body else {
        return Ok(Some(format!("{id}: no such submission")));
    };
    let wire: gdc_core::WireSubmission = serde_json::from_str(body)?;
    if action == Action::Approve && !wire.consent.publish {
        return Ok(Some(format!("{id}: the contributor did not agree to publication")));
    }
    Ok(None)
}

/// A feed page from up to one more than a page of (stored body, time
/// shown) rows, newest first: the extra row says whether more follow.
pub(crate) fn feed_page(
    query: &FeedQuery,
    page: usize,
    rows: Vec<(String, i64)>,
) -> Result<PublishedPage, StorageError> {
    use gdc_core::wire::PAGE_SIZE;
    let has_more = rows.len() > PAGE_SIZE;
    let mut items = Vec::with_capacity(PAGE_SIZE);
    for (body, at) in rows.into_iter().take(PAGE_SIZE) {
        let wire: gdc_core::WireSubmission = serde_json::from_str(&body)?;
        if let Some(answer) = wire.answers.iter().find(|a| a.topic == query.topic) {
            items.push(gdc_core::Published::of(&wire, answer, super::sqlite::rfc3339(at)));
        }
    }
    Ok(PublishedPage { topic: query.topic.clone(), page, items, has_more })
}

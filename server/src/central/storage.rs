//! The central store's storage, behind one trait with two engines: SQLite,
//! embedded, the default ([`super::sqlite`]); PostgreSQL, chosen by a
//! `postgres://` URL, for many companions and more than one machine
//! ([`super::postgres`]). The handlers, the feed and the command line see
//! only [`CentralStore`]; `server/tests/api/central_storage.rs` runs one
//! suite against both.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use gdc_core::{Batch, BatchResults, PublishedPage};

use super::sqlite::StoredRow;
use crate::storage::StorageError;

/// What the central store does with its storage.
#[async_trait]
pub trait CentralStorage: Send + Sync + std::fmt::Debug {
    /// Validates and stores a batch atomically: each item gets its own
    /// result, a repeated id (in this batch, an earlier one, or another
    /// companion's at the same moment) changes nothing.
    async fn insert_batch(&self, companion: &str, batch: Batch) -> Result<BatchResults, StorageError>;

    /// Publishes (or withdraws) submissions by id. Only a contributor who
    /// chose `publish` can be published; the others come back, by name,
    /// with the reason.
    async fn set_published(&self, ids: &[String], publish: bool) -> Result<Vec<String>, StorageError>;

    /// Published contributions on `topic`, newest first, `page` from 1 to
    /// [`gdc_core::wire::MAX_PAGE`].
    async fn published(&self, topic: &str, page: usize) -> Result<PublishedPage, StorageError>;

    /// Up to `limit` stored rows whose `seq` is above `after`, in arrival
    /// order: the export reads the store a slice at a time.
    async fn rows_after(&self, after: i64, limit: usize) -> Result<Vec<StoredRow>, StorageError>;
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

/// Every stored row, a slice at a time, in arrival order.
pub async fn all_rows(store: &CentralStore) -> Result<Vec<StoredRow>, StorageError> {
    let mut rows = Vec::new();
    loop {
        let after = rows.last().map_or(0, |r: &StoredRow| r.seq);
        let slice = store.rows_after(after, EXPORT_SLICE).await?;
        let done = slice.len() < EXPORT_SLICE;
        rows.extend(slice);
        if done {
            return Ok(rows);
        }
    }
}

/// Rows read per query when exporting.
pub const EXPORT_SLICE: usize = 1_000;

//! What both stores share: how a SQLite connection is opened, how a schema
//! is brought up to date (the SQL files in `server/migrations/`, applied by
//! version at open, so a data directory from an earlier release upgrades in
//! place), the one storage error type, and the clock rows are stamped with.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

/// Why a store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL failed: {0}")]
    Postgres(String),
    #[error("storage commit failed: {0}")]
    CommitFailed(String),
    #[error("a stored row cannot be read: {0}")]
    Corrupt(String),
    #[error("the storage writer has stopped")]
    Stopped,
}

impl From<serde_json::Error> for StorageError {
    fn from(e: serde_json::Error) -> Self {
        Self::Corrupt(e.to_string())
    }
}

/// A schema: its SQL steps, in version order (step `i` brings version `i + 1`).
#[derive(Debug, Clone, Copy)]
pub struct Schema(pub &'static [&'static str]);

/// The outbox's schema (`server/migrations/outbox/`).
pub const OUTBOX: Schema = Schema(&[
    include_str!("../migrations/outbox/0001_init.sql"),
    include_str!("../migrations/outbox/0002_flag.sql"),
    include_str!("../migrations/outbox/0003_forwarded_index.sql"),
    include_str!("../migrations/outbox/0004_spool.sql"),
]);

/// The central store's schema (`server/migrations/central/`).
pub const CENTRAL: Schema = Schema(&[
    include_str!("../migrations/central/0001_init.sql"),
    include_str!("../migrations/central/0002_flag.sql"),
    include_str!("../migrations/central/0003_moderation.sql"),
    include_str!("../migrations/central/0004_tokens.sql"),
]);

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

/// Opens a database and brings its schema up to date.
pub fn open_migrated(path: &Path, schema: Schema) -> rusqlite::Result<Connection> {
    let mut conn = open_sqlite(path)?;
    migrate(&mut conn, schema)?;
    Ok(conn)
}

/// Applies the steps of `schema` a database has not seen yet, each with the
/// version it brings, in one transaction.
pub fn migrate(conn: &mut Connection, schema: Schema) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let done: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, step) in schema.0.iter().enumerate().skip(done) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i + 1)?;
    }
    tx.commit()
}

/// The schema version a database is at.
pub fn version(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

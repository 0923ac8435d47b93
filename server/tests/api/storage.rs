//! Schemas are applied by version at open: a data directory made by an
//! earlier release upgrades in place, its rows intact.

use gdc_server::central::SqliteStore;
use gdc_server::outbox::{Outbox, SpoolLimit};
use rusqlite::Connection;

/// The outbox exactly as the release before versioned schemas made it.
const OUTBOX_BEFORE_VERSIONS: &str = "CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, site TEXT NOT NULL, body TEXT NOT NULL,
    received_at INTEGER NOT NULL, forwarded_at INTEGER, dead_at INTEGER, dead_reason TEXT);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq) WHERE forwarded_at IS NULL AND dead_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_dead ON outbox(seq) WHERE dead_at IS NOT NULL;";

/// The central store exactly as that release made it.
const CENTRAL_BEFORE_VERSIONS: &str = "CREATE TABLE IF NOT EXISTS submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, consultation TEXT NOT NULL,
    site TEXT NOT NULL, companion TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL,
    published_at INTEGER);
CREATE INDEX IF NOT EXISTS submissions_published ON submissions(published_at) WHERE published_at IS NOT NULL;";

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})")).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(1)).unwrap().map(Result::unwrap).collect()
}

#[tokio::test]
async fn an_outbox_from_the_release_before_versions_upgrades_in_place_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite");
    let body = serde_json::to_string(&crate::helpers::submission()).unwrap();
    {
        let old = Connection::open(&path).unwrap();
        old.execute_batch(OUTBOX_BEFORE_VERSIONS).unwrap();
        old.execute("INSERT INTO outbox (id, site, body, received_at) VALUES ('a', 'demo', ?1, 1)", [&body]).unwrap();
    }
    let outbox = Outbox::open(&path, SpoolLimit { max_rows: 10, max_bytes: 1 << 20 }).unwrap();
    let pending = outbox.pending(0, 10).await.unwrap();
    assert_eq!(pending.len(), 1, "the row is still waiting");
    assert_eq!((pending[0].body.as_str(), pending[0].flag.as_deref()), (body.as_str(), None));
    let conn = Connection::open(&path).unwrap();
    assert!(columns(&conn, "outbox").contains(&"flag".to_owned()));
    assert_eq!(gdc_server::storage::version(&conn).unwrap(), gdc_server::storage::OUTBOX.0.len());
    // Opening again applies nothing twice.
    drop(outbox);
    Outbox::open(&path, SpoolLimit { max_rows: 10, max_bytes: 1 << 20 }).unwrap();
}

#[test]
fn a_central_store_from_the_release_before_versions_upgrades_in_place_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.sqlite");
    let submission = crate::helpers::submission();
    {
        let old = Connection::open(&path).unwrap();
        old.execute_batch(CENTRAL_BEFORE_VERSIONS).unwrap();
        old.execute(
            "INSERT INTO submissions (id, consultation, site, companion, body, received_at)
             VALUES (?1, 'gdc-2023', 'demo', 'c', ?2, 1)",
            [submission["id"].as_str().unwrap(), &submission.to_string()],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let rows = store.rows().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].submission.id, submission["id"].as_str().unwrap());
    assert_eq!(rows[0].flag, None);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(gdc_server::storage::version(&conn).unwrap(), gdc_server::storage::CENTRAL.0.len());
    SqliteStore::open(&path).unwrap();
}

#[test]
fn the_export_reads_a_store_without_writing_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.sqlite");
    assert!(SqliteStore::open_read_only(&path).is_err(), "no store: an error, not an empty new one");
    assert!(!path.exists(), "and no file made");
    SqliteStore::open(&path).unwrap();
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    let store = SqliteStore::open_read_only(&path).unwrap();
    assert!(store.rows().unwrap().is_empty());
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_utf8_is_refused_alone_and_its_neighbour_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let outbox =
        Outbox::open(&dir.path().join("outbox.sqlite"), SpoolLimit { max_rows: 10, max_bytes: 1 << 20 }).unwrap();
    let bad = outbox.insert("a".into(), "demo".into(), axum::body::Bytes::from_static(b"{\"x\":\"\xff\"}"), None);
    let good = outbox.insert("b".into(), "demo".into(), axum::body::Bytes::from_static(b"{\"x\":\"y\"}"), None);
    let (bad, good) = tokio::join!(bad, good);
    assert!(matches!(bad, Err(gdc_server::storage::StorageError::Corrupt(_))), "{bad:?}");
    assert_eq!(good.unwrap(), gdc_server::outbox::Stored::New);
    let pending = outbox.pending(0, 10).await.unwrap();
    assert_eq!(pending.iter().map(|p| (p.id.as_str(), p.body.as_str())).collect::<Vec<_>>(), [("b", "{\"x\":\"y\"}")]);
}

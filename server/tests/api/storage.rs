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

/// The spool as the outbox keeps it, and as a read of every row counts it.
fn spool(path: &std::path::Path) -> ((i64, i64), (i64, i64)) {
    let conn = Connection::open(path).unwrap();
    let kept = conn.query_row("SELECT rows, bytes FROM spool", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let counted = conn
        .query_row(
            "SELECT count(*), coalesce(sum(length(CAST(body AS BLOB))), 0) FROM outbox WHERE forwarded_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (kept, counted)
}

#[tokio::test]
async fn the_spool_is_kept_with_every_change_of_a_row_and_read_at_start_instead_of_the_rows() {
    use gdc_server::outbox::Stored;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite");
    {
        // An outbox from before the count was kept, with a row waiting.
        let old = Connection::open(&path).unwrap();
        old.execute_batch(OUTBOX_BEFORE_VERSIONS).unwrap();
        old.execute("INSERT INTO outbox (id, site, body, received_at) VALUES ('old', 'demo', '{\"t\":\"ü\"}', 1)", [])
            .unwrap();
    }
    let limit = SpoolLimit { max_rows: 4, max_bytes: 1 << 20 };
    let outbox = Outbox::open(&path, limit).unwrap();
    assert_eq!(spool(&path), ((1, 10), (1, 10)), "counted once, in bytes, as the table came");
    // Several bytes a character: bytes are counted, not characters.
    let body = |i: u32| axum::body::Bytes::from(format!("{{\"n\":{i},\"t\":\"é🌍 中\"}}"));
    for i in 0..2 {
        assert_eq!(outbox.insert(format!("id-{i}"), "demo".into(), body(i), None).await.unwrap(), Stored::New);
    }
    assert_eq!(outbox.insert("id-0".into(), "demo".into(), body(0), None).await.unwrap(), Stored::Duplicate);
    let seqs: Vec<i64> = outbox.pending(0, 10).await.unwrap().iter().map(|p| p.seq).collect();
    outbox.mark_forwarded(vec![seqs[0], seqs[0]]).await.unwrap();
    outbox.mark_dead(seqs[1], "refused".into()).await.unwrap();
    outbox.prune(i64::MAX).await.unwrap();
    let (kept, counted) = spool(&path);
    assert_eq!(kept, counted, "after inserts, a repeat, a forward, a dead letter, a prune");
    assert_eq!(kept.0, 2);
    drop(outbox);

    // Rows changed by hand while the companion is stopped count too.
    let conn = Connection::open(&path).unwrap();
    conn.execute("INSERT INTO outbox (id, site, body, received_at) VALUES ('hand', 'demo', '{\"x\":\"ß\"}', 1)", [])
        .unwrap();
    conn.execute("UPDATE outbox SET body = body || '  ' WHERE id = 'id-1'", []).unwrap();
    conn.execute("UPDATE outbox SET forwarded_at = NULL WHERE id = 'old'", []).unwrap();
    conn.execute("UPDATE outbox SET forwarded_at = 5 WHERE id = 'id-1'", []).unwrap();
    conn.execute("UPDATE outbox SET forwarded_at = NULL WHERE id = 'id-1'", []).unwrap();
    conn.execute("DELETE FROM outbox WHERE id = 'hand'", []).unwrap();
    conn.execute("INSERT INTO outbox (id, site, body, received_at) VALUES ('hand2', 'demo', '{}', 1)", []).unwrap();
    let (kept, counted) = spool(&path);
    assert_eq!(kept, counted, "after changes made outside the companion");
    assert_eq!(kept.0, 3);
    drop(conn);

    // At start the bound sees the three rows waiting: one more fits, then none.
    let outbox = Outbox::open(&path, limit).unwrap();
    assert_eq!(outbox.insert("id-8".into(), "demo".into(), body(8), None).await.unwrap(), Stored::New);
    assert_eq!(outbox.insert("id-9".into(), "demo".into(), body(9), None).await.unwrap(), Stored::Full);
    let (kept, counted) = spool(&path);
    assert_eq!((kept, kept.0), (counted, 4));
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

//! The operator's view of the outbox (`gdc-server outbox list|replay`),
//! safe beside a running server: SQLite's locks serialise the writes.

use std::path::Path;

use super::{Listed, create};

/// The newest rows, or only the dead letters.
pub fn list(path: &Path, dead_only: bool, limit: usize) -> rusqlite::Result<Vec<Listed>> {
    let conn = create(path)?;
    let filter = if dead_only { "WHERE dead_at IS NOT NULL" } else { "" };
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, id, site, received_at, forwarded_at, dead_reason FROM outbox {filter}
         ORDER BY seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(Listed {
            seq: r.get(0)?,
            id: r.get(1)?,
            site: r.get(2)?,
            received_at: r.get(3)?,
            forwarded_at: r.get(4)?,
            dead_reason: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// Puts dead letters back in line for forwarding: one id, or all.
/// Returns how many rows were revived.
pub fn replay(path: &Path, id: Option<&str>) -> rusqlite::Result<usize> {
    let conn = create(path)?;
    match id {
        Some(id) => conn.execute(
            "UPDATE outbox SET dead_at = NULL, dead_reason = NULL WHERE id = ?1 AND dead_at IS NOT NULL",
            [id],
        ),
        None => conn.execute("UPDATE outbox SET dead_at = NULL, dead_reason = NULL WHERE dead_at IS NOT NULL", []),
    }
}

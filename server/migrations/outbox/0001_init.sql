-- The companion's outbox: every acknowledged submission until the central
-- store confirms it. IF NOT EXISTS: this step also adopts a database made
-- before versions were counted (PRAGMA user_version 0).
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    forwarded_at INTEGER,
    dead_at INTEGER,
    dead_reason TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq)
    WHERE forwarded_at IS NULL AND dead_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_dead ON outbox(seq) WHERE dead_at IS NOT NULL;

-- The central store: each submission id once, as it came. IF NOT EXISTS:
-- this step also adopts a database made before versions were counted.
CREATE TABLE IF NOT EXISTS submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    consultation TEXT NOT NULL,
    site TEXT NOT NULL,
    companion TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    published_at INTEGER
);
CREATE INDEX IF NOT EXISTS submissions_published ON submissions(published_at)
    WHERE published_at IS NOT NULL;

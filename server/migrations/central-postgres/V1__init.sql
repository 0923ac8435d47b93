-- The central store on PostgreSQL: each submission id once, as it came.
-- `seq` is arrival order (the export's cursor); `topics` the answered
-- topics, for the feed's index; times are milliseconds since 1970, as on
-- SQLite.
CREATE TABLE submissions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id UUID NOT NULL UNIQUE,
    consultation TEXT NOT NULL,
    site TEXT NOT NULL,
    companion TEXT NOT NULL,
    body TEXT NOT NULL,
    topics TEXT[] NOT NULL,
    received_at BIGINT NOT NULL,
    published_at BIGINT,
    -- Flagged by a companion's bot heuristic, until an organiser reviews it.
    flag TEXT
);
CREATE INDEX submissions_feed ON submissions (published_at DESC, seq DESC)
    WHERE published_at IS NOT NULL AND flag IS NULL;
CREATE INDEX submissions_feed_topics ON submissions USING GIN (topics)
    WHERE published_at IS NOT NULL AND flag IS NULL;

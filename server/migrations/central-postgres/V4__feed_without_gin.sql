-- The feed reads the newest rows through `submissions_feed` and filters
-- them by topic as it goes (eight topics: a page of twenty reads a few
-- hundred index entries). The GIN index on topics saved little there and
-- cost every stored row an index update: measured by `cargo xtask bench
-- central`, it goes.
DROP INDEX IF EXISTS submissions_feed_topics;
-- Pre-moderation reads only approved rows, newest approval first: an index
-- of those alone, written when an organiser approves, never at intake.
CREATE INDEX submissions_feed_approved ON submissions (published_at DESC, seq DESC)
    WHERE published_at IS NOT NULL AND publish AND hidden_at IS NULL AND flag IS NULL;

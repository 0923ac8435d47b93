-- Moderation: whether the contributor agreed to publication and the
-- language they wrote in, as columns the feed filters on; when an organiser
-- hid a contribution. `published_at` is when an organiser approved it.
ALTER TABLE submissions
    ADD COLUMN publish BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN lang TEXT NOT NULL DEFAULT '',
    ADD COLUMN hidden_at BIGINT;
UPDATE submissions SET
    publish = COALESCE((body::jsonb -> 'consent' ->> 'publish')::boolean, false),
    lang = COALESCE(body::jsonb ->> 'lang', '');
DROP INDEX IF EXISTS submissions_feed;
DROP INDEX IF EXISTS submissions_feed_topics;
CREATE INDEX submissions_feed ON submissions ((COALESCE(published_at, received_at)) DESC, seq DESC)
    WHERE publish AND hidden_at IS NULL AND flag IS NULL;
CREATE INDEX submissions_feed_topics ON submissions USING GIN (topics)
    WHERE publish AND hidden_at IS NULL AND flag IS NULL;

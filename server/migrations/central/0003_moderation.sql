-- Moderation: whether the contributor agreed to publication and the
-- language they wrote in, as columns the feed filters on; when an organiser
-- hid a contribution. `published_at` is when an organiser approved it.
ALTER TABLE submissions ADD COLUMN publish INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN hidden_at INTEGER;
UPDATE submissions SET
    publish = COALESCE(json_extract(body, '$.consent.publish'), 0),
    lang = COALESCE(json_extract(body, '$.lang'), '');
DROP INDEX IF EXISTS submissions_published;
CREATE INDEX submissions_feed ON submissions(received_at) WHERE publish = 1 AND hidden_at IS NULL AND flag IS NULL;

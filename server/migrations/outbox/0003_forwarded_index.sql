-- Forwarded rows are deleted after the retention, oldest first.
CREATE INDEX IF NOT EXISTS outbox_forwarded ON outbox(forwarded_at) WHERE forwarded_at IS NOT NULL;

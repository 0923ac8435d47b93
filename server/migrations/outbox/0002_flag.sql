-- Submissions a bot heuristic doubted are kept, with the reason.
ALTER TABLE outbox ADD COLUMN flag TEXT;

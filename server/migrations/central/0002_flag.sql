-- Flagged by a companion's bot heuristic, until an organiser reviews it.
ALTER TABLE submissions ADD COLUMN flag TEXT;

-- What the spool holds: the rows the central store has not confirmed, and
-- their bytes, as the writer counts them against the spool's bounds. Kept
-- by triggers in the same transaction as every change of a row, whoever
-- makes it, so a companion with a million rows pending starts without
-- reading them all (it read every pending body before). Bytes as
-- `length(CAST(… AS BLOB))`, not `octet_length()`: an operator's sqlite3
-- older than 3.43 (Debian 12 has 3.40) must still be able to change rows.
CREATE TABLE IF NOT EXISTS spool (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    rows INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
INSERT OR REPLACE INTO spool (only, rows, bytes)
    SELECT 1, count(*), coalesce(sum(length(CAST(body AS BLOB))), 0) FROM outbox WHERE forwarded_at IS NULL;
CREATE TRIGGER IF NOT EXISTS spool_insert AFTER INSERT ON outbox WHEN NEW.forwarded_at IS NULL
BEGIN
    UPDATE spool SET rows = rows + 1, bytes = bytes + length(CAST(NEW.body AS BLOB));
END;
CREATE TRIGGER IF NOT EXISTS spool_update AFTER UPDATE OF forwarded_at, body ON outbox
    WHEN OLD.forwarded_at IS NULL OR NEW.forwarded_at IS NULL
BEGIN
    UPDATE spool SET
        rows = rows - (OLD.forwarded_at IS NULL) + (NEW.forwarded_at IS NULL),
        bytes = bytes - iif(OLD.forwarded_at IS NULL, length(CAST(OLD.body AS BLOB)), 0)
                      + iif(NEW.forwarded_at IS NULL, length(CAST(NEW.body AS BLOB)), 0);
END;
CREATE TRIGGER IF NOT EXISTS spool_delete AFTER DELETE ON outbox WHEN OLD.forwarded_at IS NULL
BEGIN
    UPDATE spool SET rows = rows - 1, bytes = bytes - length(CAST(OLD.body AS BLOB));
END;

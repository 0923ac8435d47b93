-- Companions' tokens, made and revoked with `gdc-server token`: only a
-- SHA-256 of each is kept (they are 256-bit random, so a plain hash is
-- enough; the token itself is shown once, when made).
CREATE TABLE companion_tokens (
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_batch_at BIGINT
);
CREATE UNIQUE INDEX companion_tokens_active ON companion_tokens (name) WHERE revoked_at IS NULL;

-- Feeds: where each source that brings data by itself stands. One row per feed (`hot-100`,
-- `billboard-200`, `exports`), for polite polling and `kpop-facts feed status`.
CREATE TABLE feed_state (
    feed          TEXT PRIMARY KEY,
    last_success  TEXT,                        -- RFC 3339, UTC
    last_error    TEXT,
    last_error_at TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,  -- in a row, since the last success
    next_try      TEXT,
    -- The shared sheet's body as last applied: the next pull applies only what changed.
    pulled        BLOB
) STRICT;

-- What each address answered last, for conditional requests.
CREATE TABLE feed_validators (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT
) STRICT;

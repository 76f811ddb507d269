-- Which process serves which gateway shards. A lease lapses unless its holder renews it, so a
-- process that dies frees its shards without anyone cleaning up.
CREATE TABLE shard_leases (
    shard       BIGINT PRIMARY KEY,
    shard_count BIGINT NOT NULL,
    holder      TEXT NOT NULL,                   -- host, PID and start of the process
    expires_at  TEXT NOT NULL                    -- RFC 3339, UTC, to the millisecond
);

-- Work that one process at a time does for the whole deployment (posting the mod-log): held
-- while the work runs, taken over when its holder has been silent too long.
CREATE TABLE claims (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    claimed_at TEXT NOT NULL
);

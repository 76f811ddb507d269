-- Weekly summary posts: one schedule per server, and one row per scheduled slot, claimed
-- before anything is sent so that no slot is ever posted twice.

CREATE TABLE summary_schedules (
    guild_id        TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL,
    weekday         INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Monday
    hour            INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),     -- UTC
    locale          TEXT NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    disabled_reason TEXT,
    created_at      TEXT NOT NULL                                       -- RFC 3339, UTC
) STRICT;

CREATE TABLE summary_posts (
    guild_id      TEXT NOT NULL,
    slot          TEXT NOT NULL,                 -- the scheduled hour, RFC 3339, UTC
    state         TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'skipped')),
    claimed_by    TEXT NOT NULL,
    claimed_at    TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    message_id    TEXT,
    -- What the post covered, so the next one shows only what is new.
    hot100_week   TEXT,
    b200_week     TEXT,
    facts_through INTEGER,
    PRIMARY KEY (guild_id, slot)
) STRICT;

-- Weekly posts sent exactly once. A claim records when its post attempt started, before the
-- message is sent: whoever takes over a stale claim, or a claim given back after an attempt
-- whose outcome is unknown ('released'), first looks in the channel for the bot's own post.
-- 'uncertain' is a slot whose earlier attempt could not be checked: it is not posted again.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt.

CREATE TABLE summary_posts_new (
    guild_id      TEXT NOT NULL,
    slot          TEXT NOT NULL,                 -- the scheduled hour, RFC 3339, UTC
    state         TEXT NOT NULL
                  CHECK (state IN ('claimed', 'released', 'sent', 'skipped', 'uncertain')),
    claimed_by    TEXT NOT NULL,                 -- the worker, unique per process start
    claimed_at    TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    attempted_at  TEXT,                          -- when a post of this slot was last sent out
    note          TEXT,                          -- why a slot is uncertain
    message_id    TEXT,
    -- What the post covered, so the next one shows only what is new.
    hot100_week   TEXT,
    b200_week     TEXT,
    facts_through INTEGER,
    PRIMARY KEY (guild_id, slot)
) STRICT;

-- A claim left by an earlier version may have posted: it did not say, so look first.
INSERT INTO summary_posts_new (guild_id, slot, state, claimed_by, claimed_at, nonce,
                               attempted_at, message_id, hot100_week, b200_week, facts_through)
SELECT guild_id, slot, state, claimed_by, claimed_at, nonce,
       CASE WHEN state = 'claimed' THEN claimed_at END,
       message_id, hot100_week, b200_week, facts_through
FROM summary_posts;

DROP TABLE summary_posts;
ALTER TABLE summary_posts_new RENAME TO summary_posts;

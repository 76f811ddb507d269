-- Who may change facts, and what a moderator's import waits on before it is confirmed.

-- An editor is a Discord user, or every member holding a role in one server.
CREATE TABLE editors (
    id       INTEGER PRIMARY KEY,
    user_id  TEXT,
    guild_id TEXT,
    role_id  TEXT,
    added_at TEXT NOT NULL,
    CHECK ((user_id IS NOT NULL AND guild_id IS NULL AND role_id IS NULL)
        OR (user_id IS NULL AND guild_id IS NOT NULL AND role_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX editors_identity
    ON editors (coalesce(user_id, ''), coalesce(guild_id, ''), coalesce(role_id, ''));

-- Changes made together (one import) share a batch and are undone together.
ALTER TABLE audit_log ADD COLUMN batch INTEGER;
CREATE INDEX audit_log_by_batch ON audit_log (batch) WHERE batch IS NOT NULL;

-- An import previewed but not yet confirmed; confirming applies exactly these bytes.
CREATE TABLE pending_imports (
    token      TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    guild_id   TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('exports', 'hot-100', 'billboard-200')),
    filename   TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

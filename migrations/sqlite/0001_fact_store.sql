-- The fact store. Every fact carries the period or date it describes and the sources that
-- printed it; every change leaves a row in audit_log.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    publisher    TEXT NOT NULL,
    title        TEXT,
    url          TEXT,
    -- YYYY-MM-DD; NULL when the page shows no date.
    published_on TEXT
) STRICT;
CREATE UNIQUE INDEX sources_identity ON sources (publisher, coalesce(url, ''));

-- One export figure: a value (or only a rank) for a destination and a period. The same number
-- printed by several reports is one figure with several rows in figure_sources.
CREATE TABLE export_figures (
    id             INTEGER PRIMARY KEY,
    period         TEXT NOT NULL,           -- canonical label: 2023, 2023-H1, 2023-01/2023-10
    period_start   TEXT NOT NULL,           -- YYYY-MM
    period_end     TEXT NOT NULL,           -- YYYY-MM
    country        TEXT NOT NULL,           -- ISO 3166-1 alpha-2, or WORLD for the total
    value_usd      INTEGER CHECK (value_usd IS NULL OR value_usd > 0),
    rank           INTEGER CHECK (rank IS NULL OR rank > 0),
    yoy_change_pct TEXT,                    -- as printed: '17.1', '-11.6'
    top10          INTEGER NOT NULL DEFAULT 0 CHECK (top10 IN (0, 1)),
    -- A preliminary figure points at the revision that replaced it.
    superseded_by  INTEGER REFERENCES export_figures (id) ON DELETE SET NULL
) STRICT;
CREATE UNIQUE INDEX export_figures_identity
    ON export_figures (period, country, coalesce(value_usd, 0));
CREATE INDEX export_figures_by_country ON export_figures (country, period_end);

CREATE TABLE figure_sources (
    figure_id  INTEGER NOT NULL REFERENCES export_figures (id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources (id),
    printed    TEXT,                        -- what this source printed, in its own words
    -- 1 when this source printed the figure in full rather than rounded.
    precise    INTEGER NOT NULL DEFAULT 1 CHECK (precise IN (0, 1)),
    rank       INTEGER,
    note       TEXT,
    PRIMARY KEY (figure_id, source_id)
) STRICT;

CREATE TABLE acts (
    id        TEXT PRIMARY KEY,             -- 'bts', 'fiftyfifty'
    name      TEXT NOT NULL,
    hangul    TEXT,
    kind      TEXT NOT NULL,                -- 'group', 'solo', 'solo (BTS member)'
    is_kpop   INTEGER NOT NULL CHECK (is_kpop IN (0, 1))
) STRICT;

-- How an act is recognised in a chart credit: the credit is split into names ('Coldplay x BTS'
-- gives 'Coldplay' and 'BTS') and each name is compared with the act's tokens, ignoring case and
-- accents unless case_sensitive. Credits dated before `since` are not the act (MC Jin in 2004).
CREATE TABLE act_tokens (
    act_id         TEXT NOT NULL REFERENCES acts (id) ON DELETE CASCADE,
    token          TEXT NOT NULL,
    case_sensitive INTEGER NOT NULL CHECK (case_sensitive IN (0, 1)),
    since          TEXT NOT NULL,           -- YYYY-MM-DD
    PRIMARY KEY (act_id, token)
) STRICT;

-- Other names for acts, titles and countries, matched after text folding.
CREATE TABLE aliases (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('act', 'title', 'country')),
    target    TEXT NOT NULL,                -- act id, folded title, or country code
    alias     TEXT NOT NULL,
    alias_key TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX aliases_identity ON aliases (kind, alias_key, target);

-- A song on the Hot 100 or an album on the Billboard 200, followed across weeks even when its
-- title or credit changes.
CREATE TABLE chart_songs (
    id         INTEGER PRIMARY KEY,
    chart      TEXT NOT NULL CHECK (chart IN ('hot-100', 'billboard-200')),
    title      TEXT NOT NULL,
    credit     TEXT NOT NULL,
    title_key  TEXT NOT NULL,
    credit_key TEXT NOT NULL,
    -- Kept in step with chart_entries by every import, so listings need no aggregate.
    weeks      INTEGER NOT NULL DEFAULT 0,
    peak       INTEGER,
    debut      TEXT,
    last_date  TEXT
) STRICT;
CREATE INDEX chart_songs_by_key ON chart_songs (chart, title_key, credit_key);

CREATE TABLE chart_entries (
    chart          TEXT NOT NULL,
    chart_date     TEXT NOT NULL,           -- YYYY-MM-DD, Billboard's "week of"
    position       INTEGER NOT NULL CHECK (position BETWEEN 1 AND 200),
    title          TEXT NOT NULL,
    credit         TEXT NOT NULL,
    last_week      INTEGER,
    peak           INTEGER,
    weeks_on_chart INTEGER,
    song_id        INTEGER NOT NULL REFERENCES chart_songs (id)
) STRICT;
-- A row is identified by all of these: in nine old weeks two albums share a position.
CREATE UNIQUE INDEX chart_entries_key ON chart_entries (chart, chart_date, position, title, credit);
-- Covering: a run's weeks are read from the index alone.
CREATE INDEX chart_entries_by_song
    ON chart_entries (song_id, chart_date, position, last_week, peak, weeks_on_chart);

CREATE TABLE song_acts (
    song_id INTEGER NOT NULL REFERENCES chart_songs (id) ON DELETE CASCADE,
    act_id  TEXT NOT NULL REFERENCES acts (id) ON DELETE CASCADE,
    PRIMARY KEY (act_id, song_id)
) STRICT, WITHOUT ROWID;

-- Free-text milestones ("Cupid: 16 consecutive Hot 100 weeks").
CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('act', 'title', 'market')),
    subject_key   TEXT NOT NULL,            -- act id, folded title, or 'exports'
    subject_label TEXT NOT NULL,
    act_id        TEXT REFERENCES acts (id) ON DELETE SET NULL,
    text          TEXT NOT NULL,
    as_of         TEXT NOT NULL,            -- YYYY-MM-DD the fact describes
    source_id     INTEGER NOT NULL REFERENCES sources (id)
) STRICT;
CREATE INDEX notes_by_subject ON notes (subject_kind, subject_key);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,                -- RFC 3339, UTC
    actor     TEXT NOT NULL,                -- 'discord:<user id>', 'cli', 'seed'
    guild_id  TEXT,
    action    TEXT NOT NULL,                -- 'export.set', 'note.add', 'import.billboard' …
    target    TEXT NOT NULL,
    before    TEXT,                         -- JSON of the fact before, NULL when created
    after     TEXT,                         -- JSON of the fact after, NULL when removed
    undoes    INTEGER REFERENCES audit_log (id)
) STRICT;
CREATE INDEX audit_log_by_target ON audit_log (target, id);

INSERT INTO meta (key, value) VALUES ('generation', '0');

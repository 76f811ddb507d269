-- What kind of publication a source is (the order in which sources are cited) and what the
-- curator noted about it (language edition, the outlet a portal re-hosts). Both are NULL for a
-- source a moderator typed.
ALTER TABLE sources ADD COLUMN kind TEXT
    CHECK (kind IS NULL OR kind IN ('government', 'wire', 'newspaper', 'broadcaster', 'portal',
                                    'blog', 'forum', 'ai-generated'));
ALTER TABLE sources ADD COLUMN detail TEXT;

-- The year-on-year change this source printed with the figure, as printed ('17.1'), so a change
-- is cited to the source that printed it.
ALTER TABLE figure_sources ADD COLUMN yoy_change_pct TEXT;

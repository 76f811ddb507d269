-- The runs a credit has had, found without reading every run: a new chart week looks up only
-- the runs its rows' credits can continue or re-enter.
CREATE INDEX chart_songs_by_credit ON chart_songs (chart, credit_key);

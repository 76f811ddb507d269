-- What a new chart week needs of the runs it can meet, without reading every run: the runs a
-- credit has had, and every title each run has charted under with its last week (kept by every
-- write of chart rows).
CREATE INDEX chart_songs_by_credit ON chart_songs (chart, credit_key);

CREATE TABLE chart_song_titles (
    song_id   BIGINT NOT NULL REFERENCES chart_songs (id),
    title     TEXT NOT NULL,
    last_date TEXT NOT NULL,
    PRIMARY KEY (song_id, title)
);

INSERT INTO chart_song_titles (song_id, title, last_date)
SELECT song_id, title, max(chart_date) FROM chart_entries GROUP BY song_id, title;

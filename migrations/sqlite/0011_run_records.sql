-- What records are made of, per run: kept beside each run's weeks and recomputed for the runs
-- an import, a feed week or an undo touches, so records never read the whole history.
-- Dates are chart weeks (YYYY-MM-DD); a streak is weeks without a break ("last week" empty
-- starts a new one), a jump a climb from last week's position.
CREATE TABLE run_records (
    song_id          INTEGER PRIMARY KEY REFERENCES chart_songs (id) ON DELETE CASCADE,
    debut_position   INTEGER,           -- empty when the first week held is no debut
    weeks_at_one     INTEGER NOT NULL,
    first_at_one     TEXT,
    first_in_top_ten TEXT,
    streak           INTEGER NOT NULL,  -- the longest, the earliest of equals
    streak_from      TEXT NOT NULL,
    streak_to        TEXT NOT NULL,
    jump_from        INTEGER,           -- the biggest climb, the earliest of equals
    jump_to          INTEGER,
    jump_date        TEXT
) STRICT;

WITH w AS (
    SELECT song_id, chart_date, position, last_week,
           row_number() OVER (PARTITION BY song_id ORDER BY chart_date, position) AS n,
           sum(CASE WHEN last_week IS NULL THEN 1 ELSE 0 END)
               OVER (PARTITION BY song_id ORDER BY chart_date, position
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
    FROM chart_entries
    
),
streaks AS (
    SELECT song_id, count(*) AS len, min(chart_date) AS first_date, max(chart_date) AS last_date,
           row_number() OVER (PARTITION BY song_id ORDER BY count(*) DESC, min(chart_date)) AS k
    FROM w GROUP BY song_id, island
),
jumps AS (
    SELECT song_id, last_week, position, chart_date,
           row_number() OVER (PARTITION BY song_id
                              ORDER BY last_week - position DESC, chart_date) AS k
    FROM w WHERE last_week > position
),
totals AS (
    SELECT song_id,
           sum(CASE WHEN position = 1 THEN 1 ELSE 0 END) AS weeks_at_one,
           min(CASE WHEN position = 1 THEN chart_date END) AS first_at_one,
           min(CASE WHEN position <= 10 THEN chart_date END) AS first_in_top_ten,
           max(CASE WHEN n = 1 AND last_week IS NULL THEN position END) AS debut_position
    FROM w GROUP BY song_id
)
INSERT INTO run_records (song_id, debut_position, weeks_at_one, first_at_one, first_in_top_ten,
                         streak, streak_from, streak_to, jump_from, jump_to, jump_date)
SELECT t.song_id, t.debut_position, t.weeks_at_one, t.first_at_one, t.first_in_top_ten,
       s.len, s.first_date, s.last_date, j.last_week, j.position, j.chart_date
FROM totals t
JOIN streaks s ON s.song_id = t.song_id AND s.k = 1
LEFT JOIN jumps j ON j.song_id = t.song_id AND j.k = 1;

-- Summaries that follow the data: a schedule is weekly (a weekday and an hour) or posts after
-- each new chart date (weekday and hour unused). Such a post waits for both charts' week, or
-- for 24 h after the first, so each chart date keeps when it was first stored.
ALTER TABLE summary_schedules ADD COLUMN kind TEXT NOT NULL DEFAULT 'weekly'
    CHECK (kind IN ('weekly', 'new-chart'));

CREATE TABLE chart_date_arrivals (
    chart           TEXT NOT NULL,
    chart_date      TEXT NOT NULL,
    first_stored_at TEXT NOT NULL,   -- RFC 3339, UTC
    PRIMARY KEY (chart, chart_date)
);

-- Weeks stored before this are long due: no new-chart schedule can be older than them.
INSERT INTO chart_date_arrivals (chart, chart_date, first_stored_at)
SELECT DISTINCT chart, chart_date, '1970-01-01T00:00:00Z' FROM chart_entries;

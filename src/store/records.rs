//! What records are made of, per run (`run_records`): its debut position, weeks at No. 1, first
//! weeks at No. 1 and in the top ten, longest streak and biggest climb. Recomputed in SQL for
//! the runs a write touches, so the records index reads one small row per run instead of the
//! whole history.

use chrono::NaiveDate;

use super::{Engine, Store, WriteTx};
use crate::domain::chart::parse_chart_date;

/// One run's record makings. Dates are chart weeks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRecordRow {
    pub song_id: i64,
    /// None when the first week held is no debut (Billboard printed a "last week" for it).
    pub debut_position: Option<i64>,
    pub weeks_at_one: i64,
    pub first_at_one: Option<NaiveDate>,
    pub first_in_top_ten: Option<NaiveDate>,
    /// The longest run of weeks without a break, the earliest of equals.
    pub streak: i64,
    pub streak_from: NaiveDate,
    pub streak_to: NaiveDate,
    /// The biggest climb, `(from, to, week)`, the earliest of equals.
    pub jump: Option<(i64, i64, NaiveDate)>,
}

/// The record makings of the runs `$filter` keeps, recomputed from their weeks: one text for
/// both engines but the filter (a JSON array on SQLite, an array bind on PostgreSQL). The
/// migration that made the table holds the same query over every run.
macro_rules! refresh {
    ($filter:literal) => {
        concat!(
            "WITH w AS (
    SELECT song_id, chart_date, position, last_week,
           row_number() OVER (PARTITION BY song_id ORDER BY chart_date, position) AS n,
           sum(CASE WHEN last_week IS NULL THEN 1 ELSE 0 END)
               OVER (PARTITION BY song_id ORDER BY chart_date, position
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
    FROM chart_entries
    ",
            $filter,
            "
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
LEFT JOIN jumps j ON j.song_id = t.song_id AND j.k = 1"
        )
    };
}

const REFRESH: (&str, &str) = (
    refresh!("WHERE song_id IN (SELECT value FROM json_each($1))"),
    refresh!("WHERE song_id = ANY($1)"),
);

const AFTER: (&str, &str) = (
    "SELECT json_group_array(json_array(song_id, debut_position, weeks_at_one, first_at_one,
            first_in_top_ten, streak, streak_from, streak_to, jump_from, jump_to, jump_date))
     FROM (SELECT * FROM run_records WHERE song_id > $1 ORDER BY song_id LIMIT $2)",
    "SELECT coalesce(json_agg(json_build_array(song_id, debut_position, weeks_at_one,
            first_at_one, first_in_top_ten, streak, streak_from, streak_to, jump_from, jump_to,
            jump_date) ORDER BY song_id)::text, '[]')
     FROM (SELECT * FROM run_records WHERE song_id > $1 ORDER BY song_id LIMIT $2) AS r",
);

type Flat = (
    i64,
    Option<i64>,
    i64,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

impl Store {
    /// Up to `limit` runs' record makings with an id above `after`, in id order; read as one
    /// JSON row, a slice at a time, like the runs themselves.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn run_records_after(
        &self,
        after: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<RunRecordRow>> {
        let json: String = on!(self.readers(), |c| {
            sqlx::query_scalar(self.pick(AFTER))
                .bind(after)
                .bind(limit)
                .fetch_one(c)
                .await
        })?;
        let rows: Vec<Flat> = serde_json::from_str(&json)?;
        rows.into_iter().map(read).collect()
    }
}

fn read(flat: Flat) -> anyhow::Result<RunRecordRow> {
    let (id, debut_position, weeks_at_one, at_one, top_ten, streak, from, to, jf, jt, jd) = flat;
    let day = |d: &str| {
        parse_chart_date(d).ok_or_else(|| anyhow::anyhow!("run {id} has record date {d}"))
    };
    let maybe = |d: Option<String>| d.as_deref().map(day).transpose();
    let jump = match (jf, jt, maybe(jd)?) {
        (Some(from), Some(to), Some(date)) => Some((from, to, date)),
        _ => None,
    };
    Ok(RunRecordRow {
        song_id: id,
        debut_position,
        weeks_at_one,
        first_at_one: maybe(at_one)?,
        first_in_top_ten: maybe(top_ten)?,
        streak,
        streak_from: day(&from)?,
        streak_to: day(&to)?,
        jump,
    })
}

impl WriteTx {
    /// Recomputes the record makings of `song_ids` from their weeks (a run left with no week
    /// loses its row).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn refresh_run_records(&mut self, song_ids: &[i64]) -> anyhow::Result<()> {
        for batch in song_ids.chunks(10_000) {
            match self.conn() {
                Engine::Sqlite(c) => {
                    let ids = serde_json::to_string(batch)?;
                    sqlx::query("DELETE FROM run_records WHERE song_id IN (SELECT value FROM json_each($1))")
                        .bind(&ids)
                        .execute(&mut *c)
                        .await?;
                    sqlx::query(REFRESH.0).bind(&ids).execute(&mut *c).await?;
                }
                Engine::Postgres(c) => {
                    sqlx::query("DELETE FROM run_records WHERE song_id = ANY($1)")
                        .bind(batch)
                        .execute(&mut *c)
                        .await?;
                    sqlx::query(REFRESH.1).bind(batch).execute(&mut *c).await?;
                }
            }
        }
        Ok(())
    }
}

//! Billboard chart weeks and the songs and albums they follow.

use sqlx::QueryBuilder;

use super::{Engine, Store, WriteTx};
use chrono::NaiveDate;

use crate::domain::chart::{Chart, parse_chart_date};
use crate::domain::run::Week;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SongRow {
    pub id: i64,
    pub chart: Chart,
    pub title: String,
    pub credit: String,
    pub weeks: i64,
    pub peak: Option<i64>,
    pub debut: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
}

/// One week of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartWeekRow {
    pub chart_date: String,
    pub position: i64,
    pub last_week: Option<i64>,
    pub peak: Option<i64>,
    pub weeks_on_chart: Option<i64>,
}

impl From<&ChartWeekRow> for Week {
    fn from(row: &ChartWeekRow) -> Week {
        Week {
            date: row.chart_date.clone(),
            position: row.position,
            last_week: row.last_week,
        }
    }
}

/// One week of a run linked to an act, with its credit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedWeekRow {
    pub song_id: i64,
    pub chart: Chart,
    pub date: NaiveDate,
    pub position: i64,
    pub last_week: Option<i64>,
    pub credit: String,
}

/// A chart row ready to store, its song already decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewChartRow {
    pub chart_date: String,
    pub position: i64,
    pub title: String,
    pub credit: String,
    pub last_week: Option<i64>,
    pub peak: Option<i64>,
    pub weeks_on_chart: Option<i64>,
    pub song_id: i64,
}

/// A song to create with a chosen id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSong {
    pub id: i64,
    pub title: String,
    pub credit: String,
    pub title_key: String,
    pub credit_key: String,
}

/// SQLite allows 32766 bound values per statement; 9 per row leaves room for 3000 rows,
/// but a few hundred already amortise the statement.
const ROWS_PER_INSERT: usize = 400;

/// One query, as `(SQLite, PostgreSQL)` texts, that reads `columns` of every row `from` gives
/// as one JSON array of arrays. SQLite keeps the order of `from`; PostgreSQL is told it.
macro_rules! json_rows {
    ($columns:literal, order: $order:literal, $from:literal) => {
        (
            concat!(
                "SELECT json_group_array(json_array(",
                $columns,
                ")) ",
                $from
            ),
            concat!(
                "SELECT coalesce(json_agg(json_build_array(",
                $columns,
                ") ORDER BY ",
                $order,
                ")::text, '[]') ",
                $from
            ),
        )
    };
}

const SONGS_AFTER: (&str, &str) = json_rows!(
    "id, chart, title, credit, weeks, peak, debut, last_date",
    order: "id",
    "FROM (SELECT * FROM chart_songs WHERE id > $1 AND weeks > 0 ORDER BY id LIMIT $2) AS r"
);

const LINKED_WEEKS: (&str, &str) = json_rows!(
    "song_id, chart, chart_date, position, last_week, credit",
    order: "song_id, chart_date, position",
    "FROM (SELECT song_id, chart, chart_date, position, last_week, credit FROM chart_entries
           WHERE song_id IN (SELECT song_id FROM song_acts)
           ORDER BY song_id, chart_date, position) AS r"
);

const SONG_WEEKS: (&str, &str) = json_rows!(
    "chart_date, position, last_week, peak, weeks_on_chart",
    order: "chart_date, position",
    "FROM (SELECT chart_date, position, last_week, peak, weeks_on_chart FROM chart_entries
           WHERE song_id = $1 ORDER BY chart_date, position) AS r"
);

impl Store {
    /// Up to `limit` songs and albums with at least one week and an id above `after`, in id
    /// order, for the search index. Read as one JSON row: fetching 70,000 rows one by one
    /// through sqlx costs several times more, and slices keep the index's peak memory low.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn songs_after(&self, after: i64, limit: i64) -> anyhow::Result<Vec<SongRow>> {
        type Flat = (
            i64,
            String,
            String,
            String,
            i64,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let json: String = on!(self.readers(), |c| {
            sqlx::query_scalar(self.pick(SONGS_AFTER))
                .bind(after)
                .bind(limit)
                .fetch_one(c)
                .await
        })?;
        let rows: Vec<Flat> = serde_json::from_str(&json)?;
        rows.into_iter()
            .map(
                |(id, chart, title, credit, weeks, peak, debut, last_date)| {
                    let chart = Chart::parse(&chart)
                        .ok_or_else(|| anyhow::anyhow!("song {id} has chart {chart}"))?;
                    let day = |d: Option<String>| d.as_deref().and_then(parse_chart_date);
                    Ok(SongRow {
                        id,
                        chart,
                        title,
                        credit,
                        weeks,
                        peak,
                        debut: day(debut),
                        last_date: day(last_date),
                    })
                },
            )
            .collect()
    }

    /// `(song id, act id)` links.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_acts(&self) -> anyhow::Result<Vec<(i64, String)>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            "SELECT song_id, act_id FROM song_acts"
        )
        .fetch_all(c)
        .await)?)
    }

    /// Every week of every run linked to an act, with the credit printed that week, by run
    /// then date: an act's statistics count only the weeks whose credit names it. A few
    /// thousand rows over the full history.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn linked_weeks(&self) -> anyhow::Result<Vec<LinkedWeekRow>> {
        let json: String = on!(self.readers(), |c| {
            sqlx::query_scalar(self.pick(LINKED_WEEKS))
                .fetch_one(c)
                .await
        })?;
        type Flat = (i64, String, String, i64, Option<i64>, String);
        let rows: Vec<Flat> = serde_json::from_str(&json)?;
        rows.into_iter()
            .map(|(song_id, chart, date, position, last_week, credit)| {
                Ok(LinkedWeekRow {
                    song_id,
                    chart: Chart::parse(&chart)
                        .ok_or_else(|| anyhow::anyhow!("song {song_id} has chart {chart}"))?,
                    date: parse_chart_date(&date)
                        .ok_or_else(|| anyhow::anyhow!("song {song_id} has date {date}"))?,
                    position,
                    last_week,
                    credit,
                })
            })
            .collect()
    }

    /// The weeks of one song, oldest first.
    /// Read as one JSON array: a long run has hundreds of weeks, and one row costs less than
    /// hundreds.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_weeks(&self, song_id: i64) -> anyhow::Result<Vec<ChartWeekRow>> {
        let json: String = on!(self.readers(), |c| {
            sqlx::query_scalar(self.pick(SONG_WEEKS))
                .bind(song_id)
                .fetch_one(c)
                .await
        })?;
        type Flat = (String, i64, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Flat> = serde_json::from_str(&json)?;
        Ok(rows
            .into_iter()
            .map(
                |(chart_date, position, last_week, peak, weeks_on_chart)| ChartWeekRow {
                    chart_date,
                    position,
                    last_week,
                    peak,
                    weeks_on_chart,
                },
            )
            .collect())
    }
}

impl WriteTx {
    /// How many rows chart week `date` holds.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn week_row_count(&mut self, chart: Chart, date: &str) -> anyhow::Result<i64> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT count(*) FROM chart_entries WHERE chart = $1 AND chart_date = $2",
        )
        .bind(chart)
        .bind(date)
        .fetch_one(c)
        .await)?)
    }

    /// The newest stored week of `chart` before `date`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn week_before(
        &mut self,
        chart: Chart,
        date: &str,
    ) -> anyhow::Result<Option<String>> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT max(chart_date) FROM chart_entries WHERE chart = $1 AND chart_date < $2",
        )
        .bind(chart)
        .bind(date)
        .fetch_one(c)
        .await)?)
    }

    /// `(id, title key, credit key)` of every song of a chart, for matching new rows.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_keys(&mut self, chart: Chart) -> anyhow::Result<Vec<(i64, String, String)>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(
            "SELECT id, title_key, credit_key FROM chart_songs WHERE chart = $1 ORDER BY id",
        )
        .bind(chart)
        .fetch_all(c)
        .await)?)
    }

    /// Every title each run has charted under, the most recently charted last.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_titles(&mut self, chart: Chart) -> anyhow::Result<Vec<(i64, String)>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(
            "SELECT song_id, title FROM chart_entries WHERE chart = $1
             GROUP BY song_id, title ORDER BY max(chart_date), song_id",
        )
        .bind(chart)
        .fetch_all(c)
        .await)?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn max_song_id(&mut self) -> anyhow::Result<i64> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT coalesce(max(id), 0) FROM chart_songs"
        )
        .fetch_one(c)
        .await)?)
    }

    /// The chart dates already stored for a chart.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn chart_dates(&mut self, chart: Chart) -> anyhow::Result<Vec<String>> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT DISTINCT chart_date FROM chart_entries WHERE chart = $1"
        )
        .bind(chart)
        .fetch_all(c)
        .await)?)
    }

    /// The stored rows of one chart week: `(position, title, credit, song id)`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn week_rows(
        &mut self,
        chart: Chart,
        chart_date: &str,
    ) -> anyhow::Result<Vec<(i64, String, String, i64)>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(
            "SELECT position, title, credit, song_id FROM chart_entries
             WHERE chart = $1 AND chart_date = $2",
        )
        .bind(chart)
        .bind(chart_date)
        .fetch_all(c)
        .await)?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn insert_songs(&mut self, chart: Chart, songs: &[NewSong]) -> anyhow::Result<()> {
        self.touch_charts();
        for batch in songs.chunks(ROWS_PER_INSERT) {
            on!(self.conn(), |c| {
                let mut q = QueryBuilder::new(
                    "INSERT INTO chart_songs (id, chart, title, credit, title_key, credit_key) ",
                );
                q.push_values(batch, |mut b, s| {
                    b.push_bind(s.id)
                        .push_bind(chart)
                        .push_bind(&s.title)
                        .push_bind(&s.credit)
                        .push_bind(&s.title_key)
                        .push_bind(&s.credit_key);
                });
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Inserts chart rows, which must be new: a row already stored fails the insert.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn insert_chart_rows(
        &mut self,
        chart: Chart,
        rows: &[NewChartRow],
    ) -> anyhow::Result<()> {
        self.touch_charts();
        match self.conn() {
            Engine::Sqlite(c) => super::bulk::insert_chart_rows(c, chart, rows).await,
            Engine::Postgres(c) => super::bulk::copy_chart_rows(c, chart, rows).await,
        }
    }

    /// Drops the indexes of `chart_entries` for a bulk load and returns their definitions for
    /// [`Self::rebuild_indexes`]: building an index once, sorted, beats a million random inserts
    /// into it. The caller guarantees the rows it inserts meanwhile are new.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn suspend_chart_indexes(&mut self) -> anyhow::Result<Vec<(String, String)>> {
        let indexes: Vec<(String, String)> = match self.conn() {
            Engine::Sqlite(c) => {
                sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND tbl_name = 'chart_entries' AND sql IS NOT NULL",
                )
                .fetch_all(c)
                .await?
            }
            Engine::Postgres(c) => {
                sqlx::query_as(
                    "SELECT indexname::text, indexdef FROM pg_indexes
                 WHERE tablename = 'chart_entries' AND schemaname = current_schema()",
                )
                .fetch_all(c)
                .await?
            }
        };
        for (name, _) in &indexes {
            on!(self.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP INDEX \"{name}\""
            )))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(indexes)
    }

    /// Recreates the indexes [`Self::suspend_chart_indexes`] dropped.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn rebuild_indexes(&mut self, indexes: Vec<(String, String)>) -> anyhow::Result<()> {
        for (_, definition) in indexes {
            on!(self.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(
                definition
            ))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Recomputes the stored weeks, peak, debut and last date of the given songs.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn refresh_song_stats(&mut self, song_ids: &[i64]) -> anyhow::Result<()> {
        self.touch_charts();
        const SET: &str = "UPDATE chart_songs SET (weeks, peak, debut, last_date) =
            (SELECT count(*), min(position), min(chart_date), max(chart_date)
             FROM chart_entries WHERE song_id = chart_songs.id)";
        for batch in song_ids.chunks(10_000) {
            match self.conn() {
                Engine::Sqlite(c) => sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{SET} WHERE id IN (SELECT value FROM json_each($1))"
                )))
                .bind(serde_json::to_string(batch)?)
                .execute(c)
                .await
                .map(|r| r.rows_affected())?,
                Engine::Postgres(c) => {
                    sqlx::query(sqlx::AssertSqlSafe(format!("{SET} WHERE id = ANY($1)")))
                        .bind(batch)
                        .execute(c)
                        .await
                        .map(|r| r.rows_affected())?
                }
            };
        }
        Ok(())
    }

    /// Links songs to the acts their credits name.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn link_song_acts(&mut self, links: &[(i64, String)]) -> anyhow::Result<()> {
        self.touch_charts();
        for batch in links.chunks(ROWS_PER_INSERT) {
            on!(self.conn(), |c| {
                let mut q = QueryBuilder::new("INSERT INTO song_acts (song_id, act_id) ");
                q.push_values(batch, |mut b, (song, act)| {
                    b.push_bind(*song).push_bind(act);
                });
                q.push(" ON CONFLICT DO NOTHING");
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }
}

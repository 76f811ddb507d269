//! Billboard chart weeks and the songs and albums they follow.

use std::collections::HashMap;

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

const SONG_WEEKS_JSON: &str =
    "SELECT json_group_array(json_array(chart_date, position, last_week, peak, weeks_on_chart))
     FROM (SELECT chart_date, position, last_week, peak, weeks_on_chart FROM chart_entries
           WHERE song_id = $1 ORDER BY chart_date, position)";

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

    /// The weeks of one song, oldest first. SQLite reads them as one JSON array: a long run has
    /// hundreds of weeks, and through sqlx one row costs less than hundreds. PostgreSQL sends
    /// rows in one round trip and builds JSON slower than it sends them, so it sends rows.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_weeks(&self, song_id: i64) -> anyhow::Result<Vec<ChartWeekRow>> {
        type Flat = (String, i64, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Flat> = match self.readers() {
            Engine::Sqlite(c) => {
                let json: String = sqlx::query_scalar(SONG_WEEKS_JSON)
                    .bind(song_id)
                    .fetch_one(c)
                    .await?;
                serde_json::from_str(&json)?
            }
            Engine::Postgres(c) => sqlx::query_as(
                "SELECT chart_date, position, last_week, peak, weeks_on_chart FROM chart_entries
                     WHERE song_id = $1 ORDER BY chart_date, position",
            )
            .bind(song_id)
            .fetch_all(c)
            .await?,
        };
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

    /// `(id, title key, credit key)` of the songs of a chart credited as one of `credit_keys`,
    /// or among `ids`: the runs a few new weeks can continue or re-enter.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_keys_among(
        &mut self,
        chart: Chart,
        credit_keys: &[String],
        ids: &[i64],
    ) -> anyhow::Result<Vec<(i64, String, String)>> {
        Ok(on!(self.conn(), |c| {
            let mut q = QueryBuilder::new(
                "SELECT id, title_key, credit_key FROM chart_songs WHERE chart = ",
            );
            q.push_bind(chart).push(" AND (credit_key IN (");
            let mut list = q.separated(", ");
            // An empty list is not SQL; a key no song has stands in.
            list.push_bind("");
            for key in credit_keys {
                list.push_bind(key);
            }
            q.push(") OR id IN (");
            let mut list = q.separated(", ");
            list.push_bind(-1_i64);
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")) ORDER BY id");
            q.build_query_as().fetch_all(c).await
        })?)
    }

    /// [`WriteTx::song_titles`] of the songs `ids` alone, in the same order.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_titles_of(&mut self, ids: &[i64]) -> anyhow::Result<Vec<(i64, String)>> {
        Ok(on!(self.conn(), |c| {
            let mut q = QueryBuilder::new(
                "SELECT song_id, title FROM chart_song_titles WHERE song_id IN (",
            );
            let mut list = q.separated(", ");
            list.push_bind(-1_i64);
            for id in ids {
                list.push_bind(*id);
            }
            q.push(") ORDER BY last_date, song_id, title");
            q.build_query_as().fetch_all(c).await
        })?)
    }

    /// Every title each run has charted under, the most recently charted last.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn song_titles(&mut self, chart: Chart) -> anyhow::Result<Vec<(i64, String)>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(
            "SELECT t.song_id, t.title FROM chart_song_titles t
             JOIN chart_songs s ON s.id = t.song_id WHERE s.chart = $1
             ORDER BY t.last_date, t.song_id, t.title",
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
            Engine::Sqlite(c) => super::bulk::insert_chart_rows(c, chart, rows).await?,
            Engine::Postgres(c) => super::bulk::copy_chart_rows(c, chart, rows).await?,
        }
        self.note_chart_dates(chart, rows).await?;
        self.note_song_titles(rows).await
    }

    /// Records when each chart date of `rows` was first stored: a summary that follows the
    /// charts waits for the other chart's week, or for a day after the first (see `weekly`).
    async fn note_chart_dates(&mut self, chart: Chart, rows: &[NewChartRow]) -> anyhow::Result<()> {
        let dates: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r.chart_date.as_str()).collect();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let dates: Vec<&str> = dates.into_iter().collect();
        for batch in dates.chunks(ROWS_PER_INSERT) {
            on!(self.conn(), |c| {
                let mut q = QueryBuilder::new(
                    "INSERT INTO chart_date_arrivals (chart, chart_date, first_stored_at) ",
                );
                q.push_values(batch, |mut b, date| {
                    b.push_bind(chart).push_bind(*date).push_bind(&now);
                });
                q.push(" ON CONFLICT (chart, chart_date) DO NOTHING");
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Records the titles `rows` chart under, each with its latest week.
    async fn note_song_titles(&mut self, rows: &[NewChartRow]) -> anyhow::Result<()> {
        let mut latest: HashMap<(i64, &str), &str> = HashMap::new();
        for r in rows {
            let date = latest.entry((r.song_id, &r.title)).or_insert(&r.chart_date);
            if r.chart_date.as_str() > *date {
                *date = &r.chart_date;
            }
        }
        let titles: Vec<_> = latest.into_iter().collect();
        for batch in titles.chunks(ROWS_PER_INSERT) {
            on!(self.conn(), |c| {
                let mut q =
                    QueryBuilder::new("INSERT INTO chart_song_titles (song_id, title, last_date) ");
                q.push_values(batch, |mut b, ((song, title), date)| {
                    b.push_bind(*song).push_bind(*title).push_bind(*date);
                });
                q.push(
                    " ON CONFLICT (song_id, title) DO UPDATE SET last_date =
                      CASE WHEN excluded.last_date > chart_song_titles.last_date
                           THEN excluded.last_date ELSE chart_song_titles.last_date END",
                );
                q.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Counts the titles of `songs` again from their rows, after rows were taken away.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn recount_song_titles(&mut self, songs: &[i64]) -> anyhow::Result<()> {
        for batch in songs.chunks(ROWS_PER_INSERT) {
            for sql in [
                "DELETE FROM chart_song_titles WHERE song_id IN (",
                "INSERT INTO chart_song_titles (song_id, title, last_date)
                 SELECT song_id, title, max(chart_date) FROM chart_entries WHERE song_id IN (",
            ] {
                on!(self.conn(), |c| {
                    let mut q = QueryBuilder::new(sql);
                    let mut list = q.separated(", ");
                    for id in batch {
                        list.push_bind(*id);
                    }
                    q.push(")");
                    if sql.starts_with("INSERT") {
                        q.push(" GROUP BY song_id, title");
                    }
                    q.build().execute(c).await.map(|r| r.rows_affected())
                })?;
            }
        }
        Ok(())
    }

    /// Drops the indexes of `chart_entries` for a bulk load (and on PostgreSQL its reference to
    /// the songs, checked row by row otherwise) and returns the statements that bring them back,
    /// for [`Self::restore_chart_indexes`]: building an index once, sorted, and checking the
    /// references in one pass beat a million random inserts and checks. The caller guarantees
    /// the rows it inserts meanwhile are new.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn suspend_chart_indexes(&mut self) -> anyhow::Result<Vec<String>> {
        let (drops, restores): (Vec<String>, Vec<String>) = match self.conn() {
            Engine::Sqlite(c) => {
                let indexes: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master
                     WHERE type = 'index' AND tbl_name = 'chart_entries' AND sql IS NOT NULL",
                )
                .fetch_all(c)
                .await?;
                indexes
                    .into_iter()
                    .map(|(name, sql)| (format!("DROP INDEX \"{name}\""), sql))
                    .unzip()
            }
            Engine::Postgres(c) => {
                let indexes: Vec<(String, String)> = sqlx::query_as(
                    "SELECT indexname::text, indexdef FROM pg_indexes
                     WHERE tablename = 'chart_entries' AND schemaname = current_schema()",
                )
                .fetch_all(&mut *c)
                .await?;
                let references: Vec<(String, String)> = sqlx::query_as(
                    "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
                     WHERE conrelid = 'chart_entries'::regclass AND contype = 'f'",
                )
                .fetch_all(&mut *c)
                .await?;
                let indexes = indexes
                    .into_iter()
                    .map(|(name, sql)| (format!("DROP INDEX \"{name}\""), sql));
                let references = references.into_iter().map(|(name, def)| {
                    (
                        format!("ALTER TABLE chart_entries DROP CONSTRAINT \"{name}\""),
                        format!("ALTER TABLE chart_entries ADD CONSTRAINT \"{name}\" {def}"),
                    )
                });
                let (drops, mut restores): (Vec<String>, Vec<String>) =
                    indexes.chain(references).unzip();
                // Index builds sort in memory rather than in temporary files.
                restores.insert(0, "SET LOCAL maintenance_work_mem = '256MB'".to_string());
                // Fresh statistics, or the planner reads a million rows as the few it saw last.
                restores.push("ANALYZE chart_entries, chart_songs".to_string());
                (drops, restores)
            }
        };
        for drop in drops {
            on!(self.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(drop))
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(restores)
    }

    /// Runs the statements [`Self::suspend_chart_indexes`] returned.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn restore_chart_indexes(&mut self, restores: Vec<String>) -> anyhow::Result<()> {
        for statement in restores {
            on!(self.conn(), |c| sqlx::query(sqlx::AssertSqlSafe(statement))
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
        for batch in song_ids.chunks(10_000) {
            match self.conn() {
                Engine::Sqlite(c) => sqlx::query(
                    "UPDATE chart_songs SET (weeks, peak, debut, last_date) =
                        (SELECT count(*), min(position), min(chart_date), max(chart_date)
                         FROM chart_entries WHERE song_id = chart_songs.id)
                     WHERE id IN (SELECT value FROM json_each($1))",
                )
                .bind(serde_json::to_string(batch)?)
                .execute(c)
                .await
                .map(|r| r.rows_affected())?,
                // One aggregate over the batch's rows, which PostgreSQL plans far better than a
                // subquery per song.
                Engine::Postgres(c) => sqlx::query(
                    "UPDATE chart_songs s SET weeks = e.weeks, peak = e.peak, debut = e.debut,
                        last_date = e.last_date
                     FROM (SELECT song_id, count(*) AS weeks, min(position) AS peak,
                                  min(chart_date) AS debut, max(chart_date) AS last_date
                           FROM chart_entries WHERE song_id = ANY($1) GROUP BY song_id) e
                     WHERE s.id = e.song_id",
                )
                .bind(batch)
                .execute(c)
                .await
                .map(|r| r.rows_affected())?,
            };
        }
        self.refresh_run_records(song_ids).await
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

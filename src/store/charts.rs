//! Billboard chart weeks and the songs and albums they follow.

use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::{Store, WriteTx};
use crate::domain::chart::Chart;

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SongRow {
    pub id: i64,
    pub chart: Chart,
    pub title: String,
    pub credit: String,
    pub weeks: i64,
    pub peak: Option<i64>,
    pub debut: Option<String>,
    pub last_date: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ChartWeekRow {
    pub chart_date: String,
    pub position: i64,
    pub title: String,
    pub credit: String,
    pub last_week: Option<i64>,
    pub peak: Option<i64>,
    pub weeks_on_chart: Option<i64>,
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

const SONG_COLUMNS: &str = "id, chart, title, credit, weeks, peak, debut, last_date";
/// SQLite allows 32766 bound values per statement; 9 per row leaves room for 3000 rows,
/// but a few hundred already amortise the statement.
const ROWS_PER_INSERT: usize = 400;

impl Store {
    pub async fn song(&self, id: i64) -> anyhow::Result<Option<SongRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SONG_COLUMNS} FROM chart_songs WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every song and album with at least one week, for the search index.
    pub async fn all_songs(&self) -> anyhow::Result<Vec<SongRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SONG_COLUMNS} FROM chart_songs WHERE weeks > 0 ORDER BY id"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    /// `(song id, act id)` links.
    pub async fn song_acts(&self) -> anyhow::Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as("SELECT song_id, act_id FROM song_acts")
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn songs_of_act(&self, act_id: &str) -> anyhow::Result<Vec<SongRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SONG_COLUMNS} FROM chart_songs
             WHERE id IN (SELECT song_id FROM song_acts WHERE act_id = ?) AND weeks > 0
             ORDER BY debut, id"
        )))
        .bind(act_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The weeks of one song, oldest first.
    pub async fn song_weeks(&self, song_id: i64) -> anyhow::Result<Vec<ChartWeekRow>> {
        Ok(sqlx::query_as(
            "SELECT chart_date, position, title, credit, last_week, peak, weeks_on_chart
             FROM chart_entries WHERE song_id = ? ORDER BY chart_date, position",
        )
        .bind(song_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The newest chart date of a chart on or before `on_or_before` (YYYY-MM-DD).
    pub async fn latest_chart_date(
        &self,
        chart: Chart,
        on_or_before: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT max(chart_date) FROM chart_entries WHERE chart = ? AND chart_date <= coalesce(?, '9999')",
        )
        .bind(chart)
        .bind(on_or_before)
        .fetch_one(self.pool())
        .await?)
    }

    /// The first and last chart date held for a chart, and the number of rows.
    pub async fn chart_coverage(
        &self,
        chart: Chart,
    ) -> anyhow::Result<(Option<String>, Option<String>, i64)> {
        Ok(sqlx::query_as(
            "SELECT min(chart_date), max(chart_date), count(*) FROM chart_entries WHERE chart = ?",
        )
        .bind(chart)
        .fetch_one(self.pool())
        .await?)
    }
}

impl WriteTx {
    /// `(id, title key, credit key)` of every song of a chart, for matching new rows.
    pub async fn song_keys(&mut self, chart: Chart) -> anyhow::Result<Vec<(i64, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, title_key, credit_key FROM chart_songs WHERE chart = ? ORDER BY id",
        )
        .bind(chart)
        .fetch_all(self.conn())
        .await?)
    }

    pub async fn max_song_id(&mut self) -> anyhow::Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM chart_songs")
                .fetch_one(self.conn())
                .await?,
        )
    }

    /// The chart dates already stored for a chart.
    pub async fn chart_dates(&mut self, chart: Chart) -> anyhow::Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT chart_date FROM chart_entries WHERE chart = ?")
                .bind(chart)
                .fetch_all(self.conn())
                .await?,
        )
    }

    /// The stored rows of one chart week: `(position, title, credit, song id)`.
    pub async fn week_rows(
        &mut self,
        chart: Chart,
        chart_date: &str,
    ) -> anyhow::Result<Vec<(i64, String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT position, title, credit, song_id FROM chart_entries
             WHERE chart = ? AND chart_date = ?",
        )
        .bind(chart)
        .bind(chart_date)
        .fetch_all(self.conn())
        .await?)
    }

    pub async fn insert_songs(&mut self, chart: Chart, songs: &[NewSong]) -> anyhow::Result<()> {
        for batch in songs.chunks(ROWS_PER_INSERT) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
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
            q.build().execute(self.conn()).await?;
        }
        Ok(())
    }

    /// Inserts chart rows, skipping those already stored; returns how many were new.
    pub async fn insert_chart_rows(
        &mut self,
        chart: Chart,
        rows: &[NewChartRow],
    ) -> anyhow::Result<u64> {
        let mut added = 0;
        for batch in rows.chunks(ROWS_PER_INSERT) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT OR IGNORE INTO chart_entries (chart, chart_date, position, title, credit,
                    last_week, peak, weeks_on_chart, song_id) ",
            );
            q.push_values(batch, |mut b, r| {
                b.push_bind(chart)
                    .push_bind(&r.chart_date)
                    .push_bind(r.position)
                    .push_bind(&r.title)
                    .push_bind(&r.credit)
                    .push_bind(r.last_week)
                    .push_bind(r.peak)
                    .push_bind(r.weeks_on_chart)
                    .push_bind(r.song_id);
            });
            added += q.build().execute(self.conn()).await?.rows_affected();
        }
        Ok(added)
    }

    /// Recomputes the stored weeks, peak, debut and last date of the given songs.
    pub async fn refresh_song_stats(&mut self, song_ids: &[i64]) -> anyhow::Result<()> {
        for batch in song_ids.chunks(10_000) {
            sqlx::query(
                "UPDATE chart_songs SET (weeks, peak, debut, last_date) =
                    (SELECT count(*), min(position), min(chart_date), max(chart_date)
                     FROM chart_entries WHERE song_id = chart_songs.id)
                 WHERE id IN (SELECT value FROM json_each(?))",
            )
            .bind(serde_json::to_string(batch)?)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Links songs to the acts their credits name.
    pub async fn link_song_acts(&mut self, links: &[(i64, String)]) -> anyhow::Result<()> {
        for batch in links.chunks(ROWS_PER_INSERT) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT OR IGNORE INTO song_acts (song_id, act_id) ");
            q.push_values(batch, |mut b, (song, act)| {
                b.push_bind(*song).push_bind(act);
            });
            q.build().execute(self.conn()).await?;
        }
        Ok(())
    }
}

//! Export figures and the sources that printed each of them.

use sqlx::FromRow;

use super::sources::{RawSource, read_kind};
use super::{NewSource, SourceRow, Store, WriteTx, bad_value, row_from_raw};
use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::domain::print::{PrintTags, SourceKind};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FigureRow {
    pub id: i64,
    pub period: Period,
    pub country: Country,
    pub value_usd: Option<i64>,
    pub rank: Option<i64>,
    pub yoy_change_pct: Option<String>,
    pub top10: bool,
    pub superseded_by: Option<i64>,
}

/// An `export_figures` row as SQLite holds it.
#[derive(FromRow)]
struct RawFigure {
    id: i64,
    period: String,
    country: String,
    value_usd: Option<i64>,
    rank: Option<i64>,
    yoy_change_pct: Option<String>,
    top10: bool,
    superseded_by: Option<i64>,
}

row_from_raw!(FigureRow, RawFigure);

impl TryFrom<RawFigure> for FigureRow {
    type Error = sqlx::Error;

    fn try_from(r: RawFigure) -> Result<FigureRow, sqlx::Error> {
        Ok(FigureRow {
            id: r.id,
            period: Period::parse(&r.period)
                .map_err(|_| bad_value("export_figures", "period", &r.period))?,
            country: Country::from_code(&r.country)
                .ok_or_else(|| bad_value("export_figures", "country", &r.country))?,
            value_usd: r.value_usd,
            rank: r.rank,
            yoy_change_pct: r.yoy_change_pct,
            top10: r.top10,
            superseded_by: r.superseded_by,
        })
    }
}

/// One source's print of a figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureSourceRow {
    pub figure_id: i64,
    pub source: SourceRow,
    /// None for a source a moderator typed.
    pub kind: Option<SourceKind>,
    pub printed: Option<String>,
    pub precise: bool,
    pub rank: Option<i64>,
    /// The year-on-year change this source printed, as printed.
    pub yoy_change_pct: Option<String>,
    pub note: Option<String>,
    /// The tags at the start of `note`.
    pub tags: PrintTags,
}

#[derive(FromRow)]
struct FigureSourceFlat {
    figure_id: i64,
    #[sqlx(flatten)]
    source: RawSource,
    kind: Option<String>,
    printed: Option<String>,
    precise: bool,
    rank: Option<i64>,
    yoy_change_pct: Option<String>,
    note: Option<String>,
}

const FIGURE_COLUMNS: &str =
    "id, period, country, value_usd, rank, yoy_change_pct, top10, superseded_by";

impl Store {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn figure(&self, id: i64) -> anyhow::Result<Option<FigureRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {FIGURE_COLUMNS} FROM export_figures WHERE id = $1"
            ))
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }

    /// Every figure, by period and destination.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn all_figures(&self) -> anyhow::Result<Vec<FigureRow>> {
        Ok(on!(self.readers(), |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {FIGURE_COLUMNS} FROM export_figures ORDER BY period_end DESC, period_start, country, id"
            ))).fetch_all(c).await
        })?)
    }

    /// Every figure's sources, earliest publication first (undated ones last).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn all_figure_sources(&self) -> anyhow::Result<Vec<FigureSourceRow>> {
        let rows: Vec<FigureSourceFlat> = on!(self.readers(), |c| sqlx::query_as(
            "SELECT fs.figure_id, s.id, s.publisher, s.title, s.url, s.published_on, s.kind,
                    fs.printed, fs.precise, fs.rank, fs.yoy_change_pct, fs.note
             FROM figure_sources fs JOIN sources s ON s.id = fs.source_id
             ORDER BY s.published_on IS NULL, s.published_on, s.id",
        )
        .fetch_all(c)
        .await)?;
        rows.into_iter()
            .map(|r| {
                Ok(FigureSourceRow {
                    figure_id: r.figure_id,
                    source: SourceRow::try_from(r.source)?,
                    kind: read_kind(r.kind)?,
                    printed: r.printed,
                    precise: r.precise,
                    rank: r.rank,
                    yoy_change_pct: r.yoy_change_pct,
                    tags: r
                        .note
                        .as_deref()
                        .map(PrintTags::from_note)
                        .unwrap_or_default(),
                    note: r.note,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }
}

/// One source's print of a figure, to record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Print<'a> {
    pub printed: Option<&'a str>,
    /// The source printed the figure in full rather than rounded.
    pub precise: bool,
    pub rank: Option<i64>,
    pub yoy_change_pct: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// The fields of a figure to write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FigureFields {
    pub rank: Option<i64>,
    pub yoy_change_pct: Option<String>,
    pub top10: bool,
}

impl WriteTx {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn figure_count(&mut self) -> anyhow::Result<i64> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT count(*) FROM export_figures"
        )
        .fetch_one(c)
        .await)?)
    }

    /// The figure with this identity (period, country, value), if stored.
    async fn figure_id(
        &mut self,
        period: Period,
        country: Country,
        value_usd: Option<i64>,
    ) -> anyhow::Result<Option<i64>> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT id FROM export_figures
             WHERE period = $1 AND country = $2 AND coalesce(value_usd, 0) = coalesce($3, 0)",
        )
        .bind(period.label())
        .bind(country.code())
        .bind(value_usd)
        .fetch_optional(c)
        .await)?)
    }

    /// The figure with this identity (period, country, value), created when missing. Rank,
    /// change and top-10 membership the stored figure lacks are filled in from `fields`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn upsert_figure(
        &mut self,
        period: Period,
        country: Country,
        value_usd: Option<i64>,
        fields: &FigureFields,
    ) -> anyhow::Result<i64> {
        let existing = self.figure_id(period, country, value_usd).await?;
        if let Some(id) = existing {
            on!(self.conn(), |c| sqlx::query(
                "UPDATE export_figures SET rank = coalesce(rank, $1),
                    yoy_change_pct = coalesce(yoy_change_pct, $2), top10 = (top10 OR $3)
                 WHERE id = $4",
            )
            .bind(fields.rank)
            .bind(&fields.yoy_change_pct)
            .bind(fields.top10)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            return Ok(id);
        }
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "INSERT INTO export_figures
                (period, period_start, period_end, country, value_usd, rank, yoy_change_pct, top10)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(period.label())
        .bind(ym(period.start()))
        .bind(ym(period.end()))
        .bind(country.code())
        .bind(value_usd)
        .bind(fields.rank)
        .bind(&fields.yoy_change_pct)
        .bind(fields.top10)
        .fetch_one(c)
        .await)?)
    }

    /// Records that `source_id` printed the figure; returns false when it was already recorded
    /// (a change the stored print lacks is then filled in).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn link_figure_source(
        &mut self,
        figure_id: i64,
        source_id: i64,
        print: &Print<'_>,
    ) -> anyhow::Result<bool> {
        let done = on!(self.conn(), |c| sqlx::query(
            "INSERT INTO figure_sources
                (figure_id, source_id, printed, precise, rank, yoy_change_pct, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(figure_id)
        .bind(source_id)
        .bind(print.printed)
        .bind(print.precise)
        .bind(print.rank)
        .bind(print.yoy_change_pct)
        .bind(print.note)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if done == 1 {
            return Ok(true);
        }
        on!(self.conn(), |c| sqlx::query(
            "UPDATE figure_sources SET yoy_change_pct = coalesce(yoy_change_pct, $1)
             WHERE figure_id = $2 AND source_id = $3",
        )
        .bind(print.yoy_change_pct)
        .bind(figure_id)
        .bind(source_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(false)
    }

    /// Fills in the change a source (found by its address, as the seed created it) printed for
    /// the figure of this identity, where the stored print lacks one. Returns whether it did.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn fill_printed_change(
        &mut self,
        period: Period,
        country: Country,
        value_usd: Option<i64>,
        url: &str,
        yoy_change_pct: &str,
    ) -> anyhow::Result<bool> {
        let done = on!(self.conn(), |c| sqlx::query(
            "UPDATE figure_sources SET yoy_change_pct = $1
             WHERE yoy_change_pct IS NULL
               AND source_id = (SELECT min(id) FROM sources WHERE url = $2)
               AND figure_id IN (SELECT id FROM export_figures
                                 WHERE period = $3 AND country = $4
                                   AND coalesce(value_usd, 0) = coalesce($5, 0))",
        )
        .bind(yoy_change_pct)
        .bind(url)
        .bind(period.label())
        .bind(country.code())
        .bind(value_usd)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_superseded_by(
        &mut self,
        figure_id: i64,
        by: Option<i64>,
    ) -> anyhow::Result<()> {
        on!(self.conn(), |c| sqlx::query(
            "UPDATE export_figures SET superseded_by = $1 WHERE id = $2"
        )
        .bind(by)
        .bind(figure_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Makes `figure` the current value of its destination and period: every other value
    /// becomes a print it supersedes.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn make_current(
        &mut self,
        period: Period,
        country: Country,
        figure: i64,
    ) -> anyhow::Result<()> {
        on!(self.conn(), |c| sqlx::query(
            "UPDATE export_figures SET superseded_by = CASE WHEN id = $1 THEN NULL ELSE $1 END
             WHERE period = $2 AND country = $3 AND value_usd IS NOT NULL",
        )
        .bind(figure)
        .bind(period.label())
        .bind(country.code())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Removes every figure of a destination and period, with their source links.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn remove_figures(
        &mut self,
        period: Period,
        country: Country,
    ) -> anyhow::Result<u64> {
        Ok(on!(self.conn(), |c| sqlx::query(
            "DELETE FROM export_figures WHERE period = $1 AND country = $2"
        )
        .bind(period.label())
        .bind(country.code())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
    }

    /// Takes back one print, as an import of one row made it: the link between the figure of
    /// this identity (period, country, value) and the source of this publisher and address.
    /// A figure left with no source goes; one that stays loses the rank, change and top-10 mark
    /// that only this print gave it (an import fills those in from the first print that has
    /// them). Returns whether there was such a print.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn take_back_print(
        &mut self,
        period: Period,
        country: Country,
        value_usd: Option<i64>,
        source: &NewSource,
        fields: &FigureFields,
    ) -> anyhow::Result<bool> {
        let figure = self.figure_id(period, country, value_usd).await?;
        let Some(figure) = figure else {
            return Ok(false);
        };
        let unlinked = on!(self.conn(), |c| {
            sqlx::query(
            "DELETE FROM figure_sources WHERE figure_id = $1 AND source_id IN
                (SELECT id FROM sources WHERE publisher = $2 AND coalesce(url, '') = coalesce($3, ''))",
        )
        .bind(figure)
        .bind(&source.publisher)
        .bind(&source.url)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        if unlinked == 0 {
            return Ok(false);
        }
        let left: Vec<(Option<i64>, Option<String>, Option<String>)> = on!(self.conn(), |c| {
            sqlx::query_as(
                "SELECT rank, yoy_change_pct, note FROM figure_sources WHERE figure_id = $1
                 ORDER BY source_id",
            )
            .bind(figure)
            .fetch_all(c)
            .await
        })?;
        if left.is_empty() {
            // Figures it superseded become current again (ON DELETE SET NULL).
            on!(self.conn(), |c| sqlx::query(
                "DELETE FROM export_figures WHERE id = $1"
            )
            .bind(figure)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            return Ok(true);
        }
        self.take_back_fields(figure, fields, &left).await?;
        Ok(true)
    }

    /// The rank, change and top-10 mark of a figure that lost a print with `fields`, `left`
    /// being the prints it keeps (rank, change, note).
    async fn take_back_fields(
        &mut self,
        figure: i64,
        fields: &FigureFields,
        left: &[(Option<i64>, Option<String>, Option<String>)],
    ) -> anyhow::Result<()> {
        let current: (Option<i64>, Option<String>, bool) = on!(self.conn(), |c| {
            sqlx::query_as("SELECT rank, yoy_change_pct, top10 FROM export_figures WHERE id = $1")
                .bind(figure)
                .fetch_one(c)
                .await
        })?;
        // A field stays when another print gave the same; else the first other print's.
        let rank = match current.0 {
            Some(r) if fields.rank == Some(r) && !left.iter().any(|l| l.0 == Some(r)) => {
                left.iter().find_map(|l| l.0)
            }
            r => r,
        };
        let yoy = match current.1 {
            Some(y)
                if fields.yoy_change_pct.as_ref() == Some(&y)
                    && !left.iter().any(|l| l.1.as_ref() == Some(&y)) =>
            {
                left.iter().find_map(|l| l.1.clone())
            }
            y => y,
        };
        let marked_elsewhere = left.iter().any(|l| {
            l.2.as_deref()
                .is_some_and(|n| PrintTags::from_note(n).top10_member)
        });
        let top10 = current.2 && (!fields.top10 || marked_elsewhere);
        on!(self.conn(), |c| sqlx::query(
            "UPDATE export_figures SET rank = $1, yoy_change_pct = $2, top10 = $3 WHERE id = $4"
        )
        .bind(rank)
        .bind(&yoy)
        .bind(top10)
        .bind(figure)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Value figures of one period and country, with the earliest date any source printed them
    /// and whether a source calls the figure a revision.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn figure_versions(
        &mut self,
        period: &str,
        country: &str,
    ) -> anyhow::Result<Vec<(i64, Option<String>, bool)>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(
            "SELECT f.id, min(s.published_on),
                    count(CASE WHEN fs.note LIKE '%[revised]%' THEN 1 END) > 0
             FROM export_figures f
             JOIN figure_sources fs ON fs.figure_id = f.id
             JOIN sources s ON s.id = fs.source_id
             WHERE f.period = $1 AND f.country = $2 AND f.value_usd IS NOT NULL
             GROUP BY f.id ORDER BY f.id",
        )
        .bind(period)
        .bind(country)
        .fetch_all(c)
        .await)?)
    }
}

fn ym(ym: crate::domain::period::YearMonth) -> String {
    format!("{}-{:02}", ym.year, ym.month)
}

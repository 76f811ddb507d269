//! Sources: the reports, articles and publishers facts are cited from.

use chrono::NaiveDate;
use sqlx::FromRow;

use super::{Store, WriteTx, bad_value, row_from_raw};
use crate::domain::chart::parse_chart_date;
use crate::domain::print::SourceKind;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SourceRow {
    pub id: i64,
    pub publisher: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published_on: Option<NaiveDate>,
}

/// A `sources` row as SQLite holds it.
#[derive(FromRow)]
pub(super) struct RawSource {
    pub id: i64,
    pub publisher: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published_on: Option<String>,
}

row_from_raw!(SourceRow, RawSource);

impl TryFrom<RawSource> for SourceRow {
    type Error = sqlx::Error;

    fn try_from(r: RawSource) -> Result<SourceRow, sqlx::Error> {
        Ok(SourceRow {
            id: r.id,
            publisher: r.publisher,
            title: r.title,
            url: r.url,
            published_on: r
                .published_on
                .map(|d| {
                    parse_chart_date(&d).ok_or_else(|| bad_value("sources", "published_on", &d))
                })
                .transpose()?,
        })
    }
}

/// A stored source kind, read loudly.
pub(super) fn read_kind(kind: Option<String>) -> Result<Option<SourceKind>, sqlx::Error> {
    kind.map(|k| SourceKind::parse(&k).ok_or_else(|| bad_value("sources", "kind", &k)))
        .transpose()
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewSource {
    pub publisher: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// YYYY-MM-DD.
    pub published_on: Option<String>,
    /// None for a source a moderator typed.
    pub kind: Option<SourceKind>,
    /// What the curator noted about the publisher (language edition, re-hosting site): for a
    /// details view at most, never part of the publisher's name.
    pub detail: Option<String>,
}

impl WriteTx {
    /// The id of the source with this publisher and URL, created when new; a title, date, kind
    /// or detail the stored row lacks is filled in.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn upsert_source(&mut self, s: &NewSource) -> anyhow::Result<i64> {
        let existing: Option<i64> = on!(self.conn(), |c| {
            sqlx::query_scalar(
                "SELECT id FROM sources WHERE publisher = $1 AND coalesce(url, '') = coalesce($2, '')",
            )
            .bind(&s.publisher)
            .bind(&s.url)
            .fetch_optional(c)
            .await
        })?;
        if let Some(id) = existing {
            on!(self.conn(), |c| {
                sqlx::query(
                    "UPDATE sources SET title = coalesce(title, $1), published_on = coalesce(published_on, $2),
                        kind = coalesce(kind, $3), detail = coalesce(detail, $4)
                     WHERE id = $5",
                )
                .bind(&s.title)
                .bind(&s.published_on)
                .bind(s.kind.map(SourceKind::as_str))
                .bind(&s.detail)
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
            })?;
            return Ok(id);
        }
        let id = on!(self.conn(), |c| sqlx::query_scalar(
            "INSERT INTO sources (publisher, title, url, published_on, kind, detail)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&s.publisher)
        .bind(&s.title)
        .bind(&s.url)
        .bind(&s.published_on)
        .bind(s.kind.map(SourceKind::as_str))
        .bind(&s.detail)
        .fetch_one(c)
        .await)?;
        Ok(id)
    }
}

impl WriteTx {
    /// Gives the source the seed created for `s.url` (the earliest one with that address) the
    /// name, remark and kind of `s`, unless another source already has that name and address.
    /// Returns the id when something changed.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn refresh_seed_source(&mut self, s: &NewSource) -> anyhow::Result<Option<i64>> {
        let Some(url) = &s.url else {
            return Ok(None);
        };
        Ok(on!(self.conn(), |c| {
            sqlx::query_scalar(
                "UPDATE sources SET publisher = $1, detail = coalesce(detail, $2), kind = coalesce(kind, $3)
                 WHERE id = (SELECT min(id) FROM sources WHERE url = $4)
                   AND (publisher <> $1 OR (detail IS NULL AND $2 IS NOT NULL)
                        OR (kind IS NULL AND $3 IS NOT NULL))
                   AND NOT EXISTS (SELECT 1 FROM sources o WHERE o.publisher = $1 AND o.url = $4
                                   AND o.id <> (SELECT min(id) FROM sources WHERE url = $4))
                 RETURNING id",
            )
            .bind(&s.publisher)
            .bind(&s.detail)
            .bind(s.kind.map(SourceKind::as_str))
            .bind(url)
            .fetch_optional(c)
            .await
        })?)
    }
}

impl Store {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn source(&self, id: i64) -> anyhow::Result<Option<SourceRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            "SELECT id, publisher, title, url, published_on FROM sources WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }
}

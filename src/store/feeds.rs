//! Where each feed stands: its last success and error, failures in a row, when to try next,
//! and what each address answered last (for conditional requests). Nothing here is a fact:
//! losing it costs one full pull, never a wrong answer.

use chrono::{DateTime, NaiveDate, Utc};

use super::rows::bad_value;
use super::{Action, Actor, Change, Store, time_text};
use crate::domain::chart::{Chart, parse_chart_date};

/// One feed's standing, as `feed status` and `/about` show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedState {
    pub feed: String,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    /// Failed passes since the last success.
    pub failures: u32,
    pub next_try: Option<DateTime<Utc>>,
}

/// What an address answered last: sent back as `If-None-Match` / `If-Modified-Since`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

type StateRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
);

fn time(column: &'static str, value: Option<String>) -> anyhow::Result<Option<DateTime<Utc>>> {
    value
        .map(|v| {
            DateTime::parse_from_rfc3339(&v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| bad_value("feed_state", column, &v).into())
        })
        .transpose()
}

fn state(row: StateRow) -> anyhow::Result<FeedState> {
    Ok(FeedState {
        feed: row.0,
        last_success: time("last_success", row.1)?,
        last_error: row.2,
        last_error_at: time("last_error_at", row.3)?,
        failures: u32::try_from(row.4).unwrap_or(u32::MAX),
        next_try: time("next_try", row.5)?,
    })
}

const STATE_COLUMNS: &str =
    "feed, last_success, last_error, last_error_at, failures, next_try FROM feed_state";

impl Store {
    /// Every feed that has run, by name.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn feed_states(&self) -> anyhow::Result<Vec<FeedState>> {
        let sql = format!("SELECT {STATE_COLUMNS} ORDER BY feed");
        let rows: Vec<StateRow> =
            on!(self.readers(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(c)
                .await)?;
        rows.into_iter().map(state).collect()
    }

    /// One feed's standing; the default (never ran) when it has none.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn feed_state(&self, feed: &str) -> anyhow::Result<FeedState> {
        let sql = format!("SELECT {STATE_COLUMNS} WHERE feed = $1");
        let row: Option<StateRow> =
            on!(self.readers(), |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(feed)
                .fetch_optional(c)
                .await)?;
        Ok(match row {
            Some(row) => state(row)?,
            None => FeedState {
                feed: feed.to_string(),
                ..FeedState::default()
            },
        })
    }

    /// A pass of `feed` that ran (new data, nothing new, or not published yet).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn feed_succeeded(
        &self,
        feed: &str,
        at: DateTime<Utc>,
        next_try: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut w = self.writer().await?;
        on!(w.conn(), |c| sqlx::query(
            "INSERT INTO feed_state (feed, last_success, failures, next_try) VALUES ($1, $2, 0, $3)
             ON CONFLICT (feed) DO UPDATE SET last_success = excluded.last_success,
                 failures = 0, next_try = excluded.next_try",
        )
        .bind(feed)
        .bind(time_text(at))
        .bind(time_text(next_try))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A pass of `feed` that failed with `error`; returns the failures in a row, this one
    /// included. `next_try` is given the count, for the back-off.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn feed_failed(
        &self,
        feed: &str,
        error: &str,
        at: DateTime<Utc>,
        next_try: impl FnOnce(u32) -> DateTime<Utc>,
    ) -> anyhow::Result<u32> {
        let mut tx = self.begin_quiet().await?;
        let failures: i64 = on!(tx.conn(), |c| {
            sqlx::query_scalar(
            "INSERT INTO feed_state (feed, last_error, last_error_at, failures) VALUES ($1, $2, $3, 1)
             ON CONFLICT (feed) DO UPDATE SET last_error = excluded.last_error,
                 last_error_at = excluded.last_error_at, failures = feed_state.failures + 1
             RETURNING failures",
        )
        .bind(feed)
        .bind(error)
        .bind(time_text(at))
        .fetch_one(c)
        .await
        })?;
        let failures = u32::try_from(failures).unwrap_or(u32::MAX);
        on!(tx.conn(), |c| sqlx::query(
            "UPDATE feed_state SET next_try = $1 WHERE feed = $2"
        )
        .bind(time_text(next_try(failures)))
        .bind(feed)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(failures)
    }

    /// What `url` answered last.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn feed_validators(&self, url: &str) -> anyhow::Result<Validators> {
        let row: Option<(Option<String>, Option<String>)> = on!(self.readers(), |c| {
            sqlx::query_as("SELECT etag, last_modified FROM feed_validators WHERE url = $1")
                .bind(url)
                .fetch_optional(c)
                .await
        })?;
        Ok(
            row.map_or_else(Validators::default, |(etag, last_modified)| Validators {
                etag,
                last_modified,
            }),
        )
    }

    /// Keeps what `url` answered, once its body has been taken in.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_feed_validators(&self, url: &str, v: &Validators) -> anyhow::Result<()> {
        let mut w = self.writer().await?;
        on!(w.conn(), |c| sqlx::query(
            "INSERT INTO feed_validators (url, etag, last_modified) VALUES ($1, $2, $3)
             ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                 last_modified = excluded.last_modified",
        )
        .bind(url)
        .bind(&v.etag)
        .bind(&v.last_modified)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The body of `feed` as last applied (the shared sheet's previous pull).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn feed_pulled(&self, feed: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let row: Option<Option<Vec<u8>>> = on!(self.readers(), |c| {
            sqlx::query_scalar("SELECT pulled FROM feed_state WHERE feed = $1")
                .bind(feed)
                .fetch_optional(c)
                .await
        })?;
        Ok(row.flatten())
    }
}

/// A stored chart row as a feed compares it: position, title, credit, last week, peak, weeks.
pub type StoredRow = (i64, String, String, Option<i64>, Option<i64>, Option<i64>);

impl Store {
    /// The newest week stored of `chart`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn newest_chart_week(&self, chart: Chart) -> anyhow::Result<Option<NaiveDate>> {
        let newest: Option<String> = on!(self.readers(), |c| sqlx::query_scalar(
            "SELECT max(chart_date) FROM chart_entries WHERE chart = $1"
        )
        .bind(chart)
        .fetch_one(c)
        .await)?;
        newest
            .map(|d| {
                parse_chart_date(&d)
                    .ok_or_else(|| bad_value("chart_entries", "chart_date", &d).into())
            })
            .transpose()
    }

    /// Every stored row of one `chart` week, by position.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn stored_week(
        &self,
        chart: Chart,
        date: NaiveDate,
    ) -> anyhow::Result<Vec<StoredRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            "SELECT position, title, credit, last_week, peak, weeks_on_chart FROM chart_entries
             WHERE chart = $1 AND chart_date = $2 ORDER BY position, title, credit",
        )
        .bind(chart)
        .bind(date.to_string())
        .fetch_all(c)
        .await)?)
    }

    /// Tells the moderators something about `feed` (a week refused, failures in a row)
    /// through the audit log, which the mod-log posts: a note, not a change to any fact.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn feed_notice(&self, feed: &str, message: &str) -> anyhow::Result<i64> {
        let mut tx = self.begin_quiet().await?;
        let id = tx
            .audit(Change {
                actor: &Actor::Feed(feed.to_string()),
                guild_id: None,
                action: Action::FeedNotice,
                target: format!("feed:{feed}"),
                before: None,
                after: Some(serde_json::json!({ "message": message })),
                undoes: None,
                batch: None,
            })
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}

impl super::WriteTx {
    /// [`Store::feed_pulled`], read inside the change that will replace it.
    pub async fn feed_pulled(&mut self, feed: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let row: Option<Option<Vec<u8>>> = on!(self.conn(), |c| {
            sqlx::query_scalar("SELECT pulled FROM feed_state WHERE feed = $1")
                .bind(feed)
                .fetch_optional(c)
                .await
        })?;
        Ok(row.flatten())
    }

    /// Forgets what `feed` last applied: the next pull applies every row it has.
    pub async fn clear_feed_pulled(&mut self, feed: &str) -> anyhow::Result<()> {
        on!(self.conn(), |c| sqlx::query(
            "UPDATE feed_state SET pulled = NULL WHERE feed = $1"
        )
        .bind(feed)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Keeps `body` as what `feed` last applied, inside the change that applied it.
    pub async fn set_feed_pulled(&mut self, feed: &str, body: &[u8]) -> anyhow::Result<()> {
        on!(self.conn(), |c| sqlx::query(
            "INSERT INTO feed_state (feed, pulled) VALUES ($1, $2)
             ON CONFLICT (feed) DO UPDATE SET pulled = excluded.pulled",
        )
        .bind(feed)
        .bind(body)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

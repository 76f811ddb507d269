//! Shard leases and claims: how processes sharing one store divide the work. A lease names the
//! process serving a gateway shard until a time it keeps pushing back; a claim marks work one
//! process does for the whole deployment (the mod-log) while it runs. Neither needs cleaning up
//! after a process that died: its lease lapses, its claim goes stale and is taken over.

use std::ops::RangeInclusive;

use chrono::{DateTime, Utc};

use super::{Store, time_text_millis};

/// A live lease of another process, as a refusal names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub shard: u32,
    pub shard_count: u32,
    pub holder: String,
    pub expires_at: String,
}

impl std::fmt::Display for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "shard {} of {} is served by {} (lease until {})",
            self.shard, self.shard_count, self.holder, self.expires_at
        )
    }
}

type LeaseRow = (i64, i64, String, String);

fn lease(row: LeaseRow) -> Lease {
    let number = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Lease {
        shard: number(row.0),
        shard_count: number(row.1),
        holder: row.2,
        expires_at: row.3,
    }
}

impl Store {
    /// Takes `shards` of `count` for `holder` until `until`, unless a lease live at `now`
    /// overlaps them or names another shard count: then nothing is taken and that lease is
    /// returned. Leases of `holder` itself and lapsed ones are replaced.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn take_shards(
        &self,
        shards: RangeInclusive<u32>,
        count: u32,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<Result<(), Lease>> {
        let mut tx = self.begin_quiet().await?;
        let now = time_text_millis(now);
        on!(tx.conn(), |c| sqlx::query(
            "DELETE FROM shard_leases WHERE expires_at <= $1 OR holder = $2"
        )
        .bind(&now)
        .bind(holder)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        let other: Option<LeaseRow> = on!(tx.conn(), |c| sqlx::query_as(
            "SELECT shard, shard_count, holder, expires_at FROM shard_leases
             WHERE (shard BETWEEN $1 AND $2) OR shard_count <> $3
             ORDER BY shard LIMIT 1",
        )
        .bind(i64::from(*shards.start()))
        .bind(i64::from(*shards.end()))
        .bind(i64::from(count))
        .fetch_optional(c)
        .await)?;
        if let Some(row) = other {
            return Ok(Err(lease(row)));
        }
        let until = time_text_millis(until);
        for shard in shards {
            on!(tx.conn(), |c| sqlx::query(
                "INSERT INTO shard_leases (shard, shard_count, holder, expires_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(i64::from(shard))
            .bind(i64::from(count))
            .bind(holder)
            .bind(&until)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Pushes `holder`'s leases still live at `now` back to `until`; returns how many it still
    /// holds (fewer than it took means another process has taken over a lapsed one).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn renew_shards(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        let mut w = self.writer().await?;
        Ok(on!(w.conn(), |c| sqlx::query(
            "UPDATE shard_leases SET expires_at = $1 WHERE holder = $2 AND expires_at > $3"
        )
        .bind(time_text_millis(until))
        .bind(holder)
        .bind(time_text_millis(now))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
    }

    /// Gives `holder`'s shards back at once (a clean stop), for the next process to take.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn release_shards(&self, holder: &str) -> anyhow::Result<()> {
        let mut w = self.writer().await?;
        on!(w.conn(), |c| sqlx::query(
            "DELETE FROM shard_leases WHERE holder = $1"
        )
        .bind(holder)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Drops every lease: for a process that knows it is the only one on the store (SQLite
    /// under its run lock), where leases left by one that died need not be waited out.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn forget_shard_leases(&self) -> anyhow::Result<()> {
        let mut w = self.writer().await?;
        on!(w.conn(), |c| sqlx::query("DELETE FROM shard_leases")
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Every lease live at `now`, by shard.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn shard_leases(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Lease>> {
        let rows: Vec<LeaseRow> = on!(self.readers(), |c| sqlx::query_as(
            "SELECT shard, shard_count, holder, expires_at FROM shard_leases
             WHERE expires_at > $1 ORDER BY shard",
        )
        .bind(time_text_millis(now))
        .fetch_all(c)
        .await)?;
        Ok(rows.into_iter().map(lease).collect())
    }

    /// Claims `name` for `holder`: true when it was free, already `holder`'s, or held by
    /// another since before `stale_before` (a process that died mid-work).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn claim(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let mut w = self.writer().await?;
        // One statement, so two processes cannot both take the same claim.
        let taken = on!(w.conn(), |c| {
            sqlx::query(
            "INSERT INTO claims (name, holder, claimed_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, claimed_at = excluded.claimed_at
             WHERE claims.holder = excluded.holder OR claims.claimed_at < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(time_text_millis(now))
        .bind(time_text_millis(stale_before))
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(taken == 1)
    }

    /// Lets go of `holder`'s claim of `name`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn release_claim(&self, name: &str, holder: &str) -> anyhow::Result<()> {
        let mut w = self.writer().await?;
        on!(w.conn(), |c| sqlx::query(
            "DELETE FROM claims WHERE name = $1 AND holder = $2"
        )
        .bind(name)
        .bind(holder)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

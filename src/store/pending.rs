//! Imports previewed on Discord and waiting for their confirm button. An upload is deleted
//! once it is confirmed, cancelled or [`KEPT_MINUTES`] old: every change to the waiting
//! uploads deletes the expired ones, and the running bot does so every minute.

use super::{Store, WriteTx, bad_value, row_from_raw};
use crate::domain::chart::Chart;

/// How long a preview's confirm button stays good.
const KEPT_MINUTES: i64 = 15;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingImport {
    pub token: String,
    /// The uploader.
    pub user_id: u64,
    pub guild_id: Option<u64>,
    pub kind: ImportKind,
    pub filename: String,
    pub data: Vec<u8>,
}

/// What an imported file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Exports,
    Chart(Chart),
}

impl ImportKind {
    /// The store's name for it: `exports`, `hot-100`, `billboard-200`.
    pub fn slug(self) -> &'static str {
        match self {
            ImportKind::Exports => "exports",
            ImportKind::Chart(c) => c.slug(),
        }
    }

    pub fn from_slug(s: &str) -> Option<ImportKind> {
        match s {
            "exports" => Some(ImportKind::Exports),
            other => Chart::parse(other).map(ImportKind::Chart),
        }
    }
}

/// A `pending_imports` row as SQLite holds it.
#[derive(sqlx::FromRow)]
struct RawPending {
    token: String,
    user_id: String,
    guild_id: Option<String>,
    kind: String,
    filename: String,
    data: Vec<u8>,
}

row_from_raw!(PendingImport, RawPending);

impl TryFrom<RawPending> for PendingImport {
    type Error = sqlx::Error;

    fn try_from(r: RawPending) -> Result<PendingImport, sqlx::Error> {
        let bad = |column: &'static str, value: &str| bad_value("pending_imports", column, value);
        Ok(PendingImport {
            user_id: r.user_id.parse().map_err(|_| bad("user_id", &r.user_id))?,
            guild_id: r
                .guild_id
                .map(|g| g.parse().map_err(|_| bad("guild_id", &g)))
                .transpose()?,
            kind: ImportKind::from_slug(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
            token: r.token,
            filename: r.filename,
            data: r.data,
        })
    }
}

/// The oldest `created_at` still within [`KEPT_MINUTES`].
fn fresh_since() -> String {
    super::time_text(chrono::Utc::now() - chrono::TimeDelta::minutes(KEPT_MINUTES))
}

const COLUMNS: &str = "token, user_id, guild_id, kind, filename, data";

async fn purge(conn: super::Conn<'_>) -> anyhow::Result<u64> {
    Ok(on!(conn, |c| sqlx::query(
        "DELETE FROM pending_imports WHERE created_at < $1"
    )
    .bind(fresh_since())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?)
}

impl Store {
    /// Keeps an import for confirmation.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn put_pending_import(&self, p: &PendingImport) -> anyhow::Result<()> {
        let mut tx = self.begin_quiet().await?;
        purge(tx.conn()).await?;
        on!(tx.conn(), |c| {
            sqlx::query(
                "INSERT INTO pending_imports (token, user_id, guild_id, kind, filename, data, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&p.token)
            .bind(p.user_id.to_string())
            .bind(p.guild_id.map(|g| g.to_string()))
            .bind(p.kind.slug())
            .bind(&p.filename)
            .bind(&p.data)
            .bind(super::time_text(chrono::Utc::now()))
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        tx.commit().await?;
        Ok(())
    }

    /// The import waiting under `token`, if still good. A plain read: a button press is
    /// checked with it before any write could wait for the store's lock.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn pending_import(&self, token: &str) -> anyhow::Result<Option<PendingImport>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM pending_imports WHERE token = $1 AND created_at >= $2"
            ))
        )
        .bind(token)
        .bind(fresh_since())
        .fetch_optional(c)
        .await)?)
    }

    /// Deletes the import waiting under `token`, and every expired one.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn drop_pending_import(&self, token: &str) -> anyhow::Result<()> {
        let mut tx = self.begin_quiet().await?;
        purge(tx.conn()).await?;
        on!(tx.conn(), |c| sqlx::query(
            "DELETE FROM pending_imports WHERE token = $1"
        )
        .bind(token)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the imports left unconfirmed too long; returns how many.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn purge_pending_imports(&self) -> anyhow::Result<u64> {
        let mut conn = self.writer().await?;
        purge(conn.conn()).await
    }
}

impl WriteTx {
    /// Takes the import waiting under `token` (and deletes the expired ones) within this
    /// write: rolled back with it, so a failed import keeps its upload.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn take_pending_import(
        &mut self,
        token: &str,
    ) -> anyhow::Result<Option<PendingImport>> {
        purge(self.conn()).await?;
        Ok(on!(self.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
            format!("DELETE FROM pending_imports WHERE token = $1 RETURNING {COLUMNS}")
        ))
        .bind(token)
        .fetch_optional(c)
        .await)?)
    }
}

//! Imports previewed on Discord and waiting for their confirm button.

use super::Store;

/// How long a preview's confirm button stays good.
const KEPT_MINUTES: i64 = 15;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingImport {
    pub token: String,
    pub user_id: String,
    pub guild_id: Option<String>,
    pub kind: String,
    pub filename: String,
    pub data: Vec<u8>,
}

impl Store {
    /// Keeps an import for confirmation, dropping those left unconfirmed too long.
    pub async fn put_pending_import(&self, p: &PendingImport) -> anyhow::Result<()> {
        let mut tx = self.begin_immediate().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM pending_imports WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-{KEPT_MINUTES} minutes')"
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO pending_imports (token, user_id, guild_id, kind, filename, data, created_at)
             VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        )
        .bind(&p.token)
        .bind(&p.user_id)
        .bind(&p.guild_id)
        .bind(&p.kind)
        .bind(&p.filename)
        .bind(&p.data)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The import waiting under `token`, if still good.
    pub async fn pending_import(&self, token: &str) -> anyhow::Result<Option<PendingImport>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT token, user_id, guild_id, kind, filename, data FROM pending_imports
             WHERE token = ? AND created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-{KEPT_MINUTES} minutes')"
        )))
        .bind(token)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn drop_pending_import(&self, token: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM pending_imports WHERE token = ?")
            .bind(token)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }
}

//! Who may change facts: Discord users, and roles in one server. Facts are shared by every
//! server, so this is the deployment's configuration, managed by its owner.

use std::fmt;

use super::{Store, WriteTx};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Editor {
    User(u64),
    Role { guild: u64, role: u64 },
}

impl fmt::Display for Editor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Editor::User(u) => write!(f, "user {u}"),
            Editor::Role { guild, role } => write!(f, "role {role} in server {guild}"),
        }
    }
}

/// The row columns (user, guild, role) of an editor.
pub(super) fn columns(e: Editor) -> (Option<String>, Option<String>, Option<String>) {
    match e {
        Editor::User(u) => (Some(u.to_string()), None, None),
        Editor::Role { guild, role } => (None, Some(guild.to_string()), Some(role.to_string())),
    }
}

impl Store {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn editors(&self) -> anyhow::Result<Vec<Editor>> {
        let rows: Vec<(Option<String>, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT user_id, guild_id, role_id FROM editors ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| match r {
                (Some(u), None, None) => Some(Editor::User(u.parse().ok()?)),
                (None, Some(g), Some(r)) => Some(Editor::Role {
                    guild: g.parse().ok()?,
                    role: r.parse().ok()?,
                }),
                _ => None,
            })
            .collect())
    }

    /// Whether this user, in this server with these roles, may change facts.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn is_editor(
        &self,
        user: u64,
        guild: Option<u64>,
        roles: &[u64],
    ) -> anyhow::Result<bool> {
        let roles =
            serde_json::to_string(&roles.iter().map(|r| r.to_string()).collect::<Vec<_>>())?;
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM editors WHERE user_id = ?1
                OR (guild_id = ?2 AND role_id IN (SELECT value FROM json_each(?3))) LIMIT 1",
        )
        .bind(user.to_string())
        .bind(guild.map(|g| g.to_string()))
        .bind(roles)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }
}

impl WriteTx {
    /// Whether `e` is an editor now.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub(super) async fn editor_present(&mut self, e: Editor) -> anyhow::Result<bool> {
        let (u, g, r) = columns(e);
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM editors WHERE coalesce(user_id, '') = coalesce(?, '')
                AND coalesce(guild_id, '') = coalesce(?, '') AND coalesce(role_id, '') = coalesce(?, '')",
        )
        .bind(u)
        .bind(g)
        .bind(r)
        .fetch_optional(self.conn())
        .await?;
        Ok(found.is_some())
    }

    /// Adds an editor; false when it was one already.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn add_editor(&mut self, e: Editor) -> anyhow::Result<bool> {
        let (u, g, r) = columns(e);
        let done = sqlx::query(
            "INSERT OR IGNORE INTO editors (user_id, guild_id, role_id, added_at)
             VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        )
        .bind(u)
        .bind(g)
        .bind(r)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes an editor; false when it was not one.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn remove_editor(&mut self, e: Editor) -> anyhow::Result<bool> {
        let (u, g, r) = columns(e);
        let done = sqlx::query(
            "DELETE FROM editors WHERE coalesce(user_id, '') = coalesce(?, '')
                AND coalesce(guild_id, '') = coalesce(?, '') AND coalesce(role_id, '') = coalesce(?, '')",
        )
        .bind(u)
        .bind(g)
        .bind(r)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

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
        let rows: Vec<(Option<String>, Option<String>, Option<String>)> = on!(
            self.readers(),
            |c| sqlx::query_as("SELECT user_id, guild_id, role_id FROM editors ORDER BY id")
                .fetch_all(c)
                .await
        )?;
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
        // Role ids are digits, so a comma-separated list with commas around it holds
        // `,role,` exactly for the roles in it.
        let roles = format!(
            ",{},",
            roles
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let found: Option<bool> = on!(self.readers(), |c| sqlx::query_scalar(
            "SELECT TRUE FROM editors WHERE user_id = $1
                OR (guild_id = $2 AND $3 LIKE '%,' || role_id || ',%') LIMIT 1",
        )
        .bind(user.to_string())
        .bind(guild.map(|g| g.to_string()))
        .bind(roles)
        .fetch_optional(c)
        .await)?;
        Ok(found.is_some())
    }
}

impl WriteTx {
    /// Whether `e` is an editor now.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub(super) async fn editor_present(&mut self, e: Editor) -> anyhow::Result<bool> {
        let (u, g, r) = columns(e);
        let found: Option<bool> = on!(self.conn(), |c| {
            sqlx::query_scalar(
                "SELECT TRUE FROM editors WHERE coalesce(user_id, '') = coalesce($1, '')
                    AND coalesce(guild_id, '') = coalesce($2, '') AND coalesce(role_id, '') = coalesce($3, '')",
            )
            .bind(u)
            .bind(g)
            .bind(r)
            .fetch_optional(c)
            .await
        })?;
        Ok(found.is_some())
    }

    /// Adds an editor; false when it was one already.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn add_editor(&mut self, e: Editor) -> anyhow::Result<bool> {
        let (u, g, r) = columns(e);
        let done = on!(self.conn(), |c| sqlx::query(
            "INSERT INTO editors (user_id, guild_id, role_id, added_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(u)
        .bind(g)
        .bind(r)
        .bind(super::time_text(chrono::Utc::now()))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Removes an editor; false when it was not one.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn remove_editor(&mut self, e: Editor) -> anyhow::Result<bool> {
        let (u, g, r) = columns(e);
        let done = on!(self.conn(), |c| {
            sqlx::query(
                "DELETE FROM editors WHERE coalesce(user_id, '') = coalesce($1, '')
                    AND coalesce(guild_id, '') = coalesce($2, '') AND coalesce(role_id, '') = coalesce($3, '')",
            )
            .bind(u)
            .bind(g)
            .bind(r)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }
}

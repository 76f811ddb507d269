//! Each server's choice of public or private answers, per read command. An operational
//! setting, like a summary schedule: written in a transaction, not audited, and left out of the
//! store's generation (the answer cache keys on the setting itself).

use chrono::Utc;

use super::{Store, bad_value};

/// Who sees a command's answers in a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Everyone in the channel.
    Public,
    /// The asker alone (ephemeral), who may share it.
    Private,
}

impl Visibility {
    pub const SLUGS: [&'static str; 2] = ["public", "private"];

    pub fn slug(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }

    pub fn parse(text: &str) -> Option<Visibility> {
        match text.trim().to_lowercase().as_str() {
            "public" => Some(Visibility::Public),
            "private" => Some(Visibility::Private),
            _ => None,
        }
    }
}

impl Store {
    /// Sets how `command`'s answers are shown in `guild`.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_visibility(
        &self,
        guild: u64,
        command: &str,
        visibility: Visibility,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin_quiet().await?;
        on!(tx.conn(), |c| sqlx::query(
            "INSERT INTO command_visibility (guild_id, command, visibility, set_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (guild_id, command) DO UPDATE SET visibility = excluded.visibility,
                set_at = excluded.set_at",
        )
        .bind(guild.to_string())
        .bind(command)
        .bind(visibility.slug())
        .bind(Utc::now().to_rfc3339())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(())
    }

    /// How `command`'s answers are shown in `guild`; None when the server never said.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn visibility(
        &self,
        guild: u64,
        command: &str,
    ) -> anyhow::Result<Option<Visibility>> {
        let stored: Option<String> = on!(self.readers(), |c| sqlx::query_scalar(
            "SELECT visibility FROM command_visibility WHERE guild_id = $1 AND command = $2"
        )
        .bind(guild.to_string())
        .bind(command)
        .fetch_optional(c)
        .await)?;
        Ok(stored
            .map(|v| {
                Visibility::parse(&v)
                    .ok_or_else(|| bad_value("command_visibility", "visibility", &v))
            })
            .transpose()?)
    }

    /// Every server with a setting.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn visibility_guilds(&self) -> anyhow::Result<Vec<u64>> {
        let ids: Vec<String> = on!(self.readers(), |c| sqlx::query_scalar(
            "SELECT DISTINCT guild_id FROM command_visibility ORDER BY guild_id"
        )
        .fetch_all(c)
        .await)?;
        ids.iter()
            .map(|id| {
                id.parse()
                    .map_err(|_| bad_value("command_visibility", "guild_id", id).into())
            })
            .collect()
    }

    /// Forgets a server's settings (the bot left it). Returns how many there were.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn remove_visibilities(&self, guild: u64) -> anyhow::Result<u64> {
        let mut tx = self.begin_quiet().await?;
        let removed = on!(tx.conn(), |c| sqlx::query(
            "DELETE FROM command_visibility WHERE guild_id = $1"
        )
        .bind(guild.to_string())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(removed)
    }
}

//! The audit log: who changed which fact when, with the fact before and after.

use std::fmt;

use sqlx::FromRow;

use super::{AliasKind, Store, WriteTx};

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A Discord user, by id.
    Discord(u64),
    /// The owner on the command line.
    Cli,
    /// The seed data loaded into a new store.
    Seed,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Discord(id) => write!(f, "discord:{id}"),
            Actor::Cli => f.write_str("cli"),
            Actor::Seed => f.write_str("seed"),
        }
    }
}

/// One change to record.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub actor: &'a Actor,
    pub guild_id: Option<u64>,
    pub action: &'a str,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub undoes: Option<i64>,
    /// Shared by the changes of one import, which are undone together.
    pub batch: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub guild_id: Option<String>,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub undoes: Option<i64>,
    pub batch: Option<i64>,
}

const ENTRY_COLUMNS: &str = "id, at, actor, guild_id, action, target, before, after, undoes, batch";

impl WriteTx {
    /// The keys of every alias of `kind` a change on record touched.
    pub async fn edited_alias_keys(&mut self, kind: AliasKind) -> anyhow::Result<Vec<String>> {
        let prefix = format!("alias:{}:", kind.as_str());
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT substr(target, length(?) + 1) FROM audit_log WHERE target LIKE ? || '%'",
        )
        .bind(&prefix)
        .bind(&prefix)
        .fetch_all(self.conn())
        .await?)
    }

    pub async fn audit(&mut self, c: Change<'_>) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor, guild_id, action, target, before, after, undoes, batch)
             VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(c.actor.to_string())
        .bind(c.guild_id.map(|g| g.to_string()))
        .bind(c.action)
        .bind(&c.target)
        .bind(c.before.map(|v| v.to_string()))
        .bind(c.after.map(|v| v.to_string()))
        .bind(c.undoes)
        .bind(c.batch)
        .fetch_one(self.conn())
        .await?)
    }

    /// A fresh batch number for changes that belong together.
    pub async fn next_batch(&mut self) -> anyhow::Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT coalesce(max(batch), 0) + 1 FROM audit_log")
                .fetch_one(self.conn())
                .await?,
        )
    }

    pub async fn audit_entry(&mut self, id: i64) -> anyhow::Result<Option<AuditEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// The changes of one batch.
    pub async fn batch_entries(&mut self, batch: i64) -> anyhow::Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE batch = ? ORDER BY id"
        )))
        .bind(batch)
        .fetch_all(self.conn())
        .await?)
    }

    /// The first change after `id` to the same target that still stands: a later change that
    /// was itself undone, and its undo, cancel out.
    pub async fn later_change(
        &mut self,
        target: &str,
        id: i64,
    ) -> anyhow::Result<Option<AuditEntry>> {
        let later: Vec<AuditEntry> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE target = ? AND id > ? ORDER BY id"
        )))
        .bind(target)
        .bind(id)
        .fetch_all(self.conn())
        .await?;
        let undone: Vec<i64> = later
            .iter()
            .filter_map(|e| e.undoes)
            .filter(|u| *u > id)
            .collect();
        Ok(later
            .into_iter()
            .find(|e| !undone.contains(&e.id) && e.undoes.is_none_or(|u| u <= id)))
    }

    /// The latest undoable change by `actor`: not an undo, not undone, with a snapshot.
    pub async fn latest_change_by(&mut self, actor: &Actor) -> anyhow::Result<Option<AuditEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log a WHERE actor = ? AND undoes IS NULL AND before IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.undoes = a.id)
             ORDER BY id DESC LIMIT 1"
        )))
        .bind(actor.to_string())
        .fetch_optional(self.conn())
        .await?)
    }

    /// The undo of change `id`, if it was undone.
    pub async fn undo_of(&mut self, id: i64) -> anyhow::Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM audit_log WHERE undoes = ? ORDER BY id LIMIT 1")
                .bind(id)
                .fetch_optional(self.conn())
                .await?,
        )
    }
}

impl Store {
    /// Up to `limit` changes after `id`, oldest first.
    pub async fn audit_after(&self, id: i64, limit: i64) -> anyhow::Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?"
        )))
        .bind(id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// The latest changes, newest first; only those whose target matches the SQL `LIKE`
    /// pattern when given (`export:2023-H1:%`, `note:3`).
    pub async fn audit_log(
        &self,
        pattern: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE ?1 IS NULL OR target LIKE ?1 ORDER BY id DESC LIMIT ?2"
        )))
        .bind(pattern)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}

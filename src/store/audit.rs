//! The audit log: who changed which fact when, with the fact before and after.

use std::fmt;

use sqlx::FromRow;

use super::{Store, WriteTx};

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
}

impl WriteTx {
    pub async fn audit(&mut self, c: Change<'_>) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor, guild_id, action, target, before, after, undoes)
             VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(c.actor.to_string())
        .bind(c.guild_id.map(|g| g.to_string()))
        .bind(c.action)
        .bind(&c.target)
        .bind(c.before.map(|v| v.to_string()))
        .bind(c.after.map(|v| v.to_string()))
        .bind(c.undoes)
        .fetch_one(self.conn())
        .await?)
    }
}

impl Store {
    /// The latest changes, newest first; only those to `target` when given.
    pub async fn audit_log(
        &self,
        target: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor, guild_id, action, target, before, after, undoes FROM audit_log
             WHERE ?1 IS NULL OR target = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .bind(target)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}

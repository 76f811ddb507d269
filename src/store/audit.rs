//! The audit log: who changed which fact when, with the fact before and after.

use std::fmt;

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{AliasKind, Store, WriteTx, bad_value, row_from_raw};
use crate::domain::chart::Chart;

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A Discord user, by id.
    Discord(u64),
    /// The owner on the command line.
    Cli,
    /// The seed data loaded into a new store.
    Seed,
    /// A feed that brings data by itself, by name (`hot-100`, `billboard-200`, `exports`).
    Feed(String),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Discord(id) => write!(f, "discord:{id}"),
            Actor::Cli => f.write_str("cli"),
            Actor::Seed => f.write_str("seed"),
            Actor::Feed(name) => write!(f, "feed:{name}"),
        }
    }
}

impl Actor {
    /// Reads the form `Display` writes.
    pub fn parse(s: &str) -> Option<Actor> {
        match s {
            "cli" => Some(Actor::Cli),
            "seed" => Some(Actor::Seed),
            _ => match s.strip_prefix("feed:") {
                Some(name) => Some(Actor::Feed(name.to_string())),
                None => s.strip_prefix("discord:")?.parse().ok().map(Actor::Discord),
            },
        }
    }
}

/// What kind of change an audit row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    ExportSet,
    ExportRemove,
    NoteAdd,
    NoteEdit,
    NoteRemove,
    AliasAdd,
    AliasRemove,
    EditorAdd,
    EditorRemove,
    /// An export file (the command line's, or a confirmed upload).
    ImportExports,
    /// A chart file from the command line, each week one change.
    ImportBillboard,
    /// A confirmed upload of a chart file.
    ImportChart(Chart),
    SeedUpgrade,
    Undo,
    /// A feed's word to the moderators (a week refused, failures in a row): no fact changed.
    FeedNotice,
}

/// The kind of fact an [`Action`] changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionFamily {
    Export,
    Note,
    Alias,
    Editor,
    Import,
    Seed,
    Undo,
    Feed,
}

impl Action {
    /// Every action but a chart upload's, which [`Action::parse`] reads by its chart.
    const FIXED: [Action; 14] = [
        Action::ExportSet,
        Action::ExportRemove,
        Action::NoteAdd,
        Action::NoteEdit,
        Action::NoteRemove,
        Action::AliasAdd,
        Action::AliasRemove,
        Action::EditorAdd,
        Action::EditorRemove,
        Action::ImportExports,
        Action::ImportBillboard,
        Action::SeedUpgrade,
        Action::Undo,
        Action::FeedNotice,
    ];

    /// Reads the form `Display` writes (`export.set`, `import.hot-100`, `undo`).
    pub fn parse(s: &str) -> Option<Action> {
        if let Some(action) = Action::FIXED.into_iter().find(|a| a.to_string() == s) {
            return Some(action);
        }
        let slug = s.strip_prefix("import.")?;
        Chart::ALL
            .into_iter()
            .find(|c| c.slug() == slug)
            .map(Action::ImportChart)
    }

    pub fn family(self) -> ActionFamily {
        match self {
            Action::ExportSet | Action::ExportRemove => ActionFamily::Export,
            Action::NoteAdd | Action::NoteEdit | Action::NoteRemove => ActionFamily::Note,
            Action::AliasAdd | Action::AliasRemove => ActionFamily::Alias,
            Action::EditorAdd | Action::EditorRemove => ActionFamily::Editor,
            Action::ImportExports | Action::ImportBillboard | Action::ImportChart(_) => {
                ActionFamily::Import
            }
            Action::SeedUpgrade => ActionFamily::Seed,
            Action::Undo => ActionFamily::Undo,
            Action::FeedNotice => ActionFamily::Feed,
        }
    }
}

/// The store's name for it: `export.set`, `import.hot-100`, `undo`.
impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::ExportSet => "export.set",
            Action::ExportRemove => "export.remove",
            Action::NoteAdd => "note.add",
            Action::NoteEdit => "note.edit",
            Action::NoteRemove => "note.remove",
            Action::AliasAdd => "alias.add",
            Action::AliasRemove => "alias.remove",
            Action::EditorAdd => "editor.add",
            Action::EditorRemove => "editor.remove",
            Action::ImportExports => "import.exports",
            Action::ImportBillboard => "import.billboard",
            Action::ImportChart(chart) => return write!(f, "import.{}", chart.slug()),
            Action::SeedUpgrade => "seed.upgrade",
            Action::Undo => "undo",
            Action::FeedNotice => "feed.notice",
        })
    }
}

/// One change to record.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub actor: &'a Actor,
    pub guild_id: Option<u64>,
    pub action: Action,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub undoes: Option<i64>,
    /// Shared by the changes of one import, which are undone together.
    pub batch: Option<i64>,
}

/// One recorded change, its fields read into their types.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub guild_id: Option<u64>,
    pub action: Action,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub undoes: Option<i64>,
    pub batch: Option<i64>,
}

/// An `audit_log` row as SQLite holds it.
#[derive(FromRow)]
struct RawEntry {
    id: i64,
    at: String,
    actor: String,
    guild_id: Option<String>,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
    undoes: Option<i64>,
    batch: Option<i64>,
}

row_from_raw!(AuditEntry, RawEntry);

impl TryFrom<RawEntry> for AuditEntry {
    type Error = sqlx::Error;

    fn try_from(r: RawEntry) -> Result<AuditEntry, sqlx::Error> {
        let bad = |column: &'static str, value: &str| bad_value("audit_log", column, value);
        Ok(AuditEntry {
            id: r.id,
            at: DateTime::parse_from_rfc3339(&r.at)
                .map_err(|_| bad("at", &r.at))?
                .with_timezone(&Utc),
            actor: Actor::parse(&r.actor).ok_or_else(|| bad("actor", &r.actor))?,
            guild_id: r
                .guild_id
                .map(|g| g.parse().map_err(|_| bad("guild_id", &g)))
                .transpose()?,
            action: Action::parse(&r.action).ok_or_else(|| bad("action", &r.action))?,
            target: r.target,
            before: r.before,
            after: r.after,
            undoes: r.undoes,
            batch: r.batch,
        })
    }
}

const ENTRY_COLUMNS: &str = "id, at, actor, guild_id, action, target, before, after, undoes, batch";

impl WriteTx {
    /// The keys of every alias of `kind` a change on record touched.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn edited_alias_keys(&mut self, kind: AliasKind) -> anyhow::Result<Vec<String>> {
        let prefix = format!("alias:{}:", kind.as_str());
        Ok(on!(self.conn(), |c| {
            sqlx::query_scalar(
                "SELECT DISTINCT substr(target, length($1) + 1) FROM audit_log WHERE target LIKE $2 || '%'",
            )
            .bind(&prefix)
            .bind(&prefix)
            .fetch_all(c)
            .await
        })?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn audit(&mut self, c: Change<'_>) -> anyhow::Result<i64> {
        Ok(on!(self.conn(), |db| {
            sqlx::query_scalar(
                "INSERT INTO audit_log (at, actor, guild_id, action, target, before, after, undoes, batch)
                 VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(c.actor.to_string())
            .bind(c.guild_id.map(|g| g.to_string()))
            .bind(c.action.to_string())
            .bind(&c.target)
            .bind(c.before.map(|v| v.to_string()))
            .bind(c.after.map(|v| v.to_string()))
            .bind(c.undoes)
            .bind(c.batch)
            .bind(super::time_text_millis(chrono::Utc::now()))
            .fetch_one(db)
            .await
        })?)
    }

    /// A fresh batch number for changes that belong together.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn next_batch(&mut self) -> anyhow::Result<i64> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT coalesce(max(batch), 0) + 1 FROM audit_log"
        )
        .fetch_one(c)
        .await)?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn audit_entry(&mut self, id: i64) -> anyhow::Result<Option<AuditEntry>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
            format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id = $1")
        ))
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }

    /// The changes of one batch.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn batch_entries(&mut self, batch: i64) -> anyhow::Result<Vec<AuditEntry>> {
        Ok(on!(self.conn(), |c| sqlx::query_as(sqlx::AssertSqlSafe(
            format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE batch = $1 ORDER BY id")
        ))
        .bind(batch)
        .fetch_all(c)
        .await)?)
    }

    /// The first change after `id` to the same target that still stands: a later change that
    /// was itself undone, and its undo, cancel out.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn later_change(
        &mut self,
        target: &str,
        id: i64,
    ) -> anyhow::Result<Option<AuditEntry>> {
        let later: Vec<AuditEntry> = on!(self.conn(), |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE target = $1 AND id > $2 ORDER BY id"
            )))
            .bind(target)
            .bind(id)
            .fetch_all(c)
            .await
        })?;
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
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn latest_change_by(&mut self, actor: &Actor) -> anyhow::Result<Option<AuditEntry>> {
        Ok(on!(self.conn(), |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM audit_log a WHERE actor = $1 AND undoes IS NULL AND before IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.undoes = a.id)
                 ORDER BY id DESC LIMIT 1"
            )))
            .bind(actor.to_string())
            .fetch_optional(c)
            .await
        })?)
    }

    /// The undo of change `id`, if it was undone.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn undo_of(&mut self, id: i64) -> anyhow::Result<Option<i64>> {
        Ok(on!(self.conn(), |c| sqlx::query_scalar(
            "SELECT id FROM audit_log WHERE undoes = $1 ORDER BY id LIMIT 1"
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }
}

impl Store {
    /// Up to `limit` changes after `id`, oldest first.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn audit_after(&self, id: i64, limit: i64) -> anyhow::Result<Vec<AuditEntry>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
            ))
        )
        .bind(id)
        .bind(limit)
        .fetch_all(c)
        .await)?)
    }

    /// The latest changes, newest first; only those whose target matches the SQL `LIKE`
    /// pattern when given (`export:2023-H1:%`, `note:3`).
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn audit_log(
        &self,
        pattern: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<AuditEntry>> {
        Ok(on!(self.readers(), |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE $1 IS NULL OR target LIKE $1 ORDER BY id DESC LIMIT $2"
            )))
            .bind(pattern)
            .bind(limit)
            .fetch_all(c)
            .await
        })?)
    }
}

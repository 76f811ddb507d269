//! Milestone facts: free text about an act, a title or the export market, with a date and a
//! source.

use chrono::NaiveDate;
use sqlx::FromRow;

use super::{Store, WriteTx, bad_value, row_from_raw};
use crate::domain::chart::parse_chart_date;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteRow {
    pub id: i64,
    pub subject_kind: String,
    pub subject_key: String,
    pub subject_label: String,
    pub act_id: Option<String>,
    pub text: String,
    /// The day the fact describes.
    pub as_of: NaiveDate,
    pub source_id: i64,
}

/// A `notes` row as SQLite holds it.
#[derive(FromRow)]
struct RawNote {
    id: i64,
    subject_kind: String,
    subject_key: String,
    subject_label: String,
    act_id: Option<String>,
    text: String,
    as_of: String,
    source_id: i64,
}

row_from_raw!(NoteRow, RawNote);

impl TryFrom<RawNote> for NoteRow {
    type Error = sqlx::Error;

    fn try_from(r: RawNote) -> Result<NoteRow, sqlx::Error> {
        Ok(NoteRow {
            as_of: parse_chart_date(&r.as_of)
                .ok_or_else(|| bad_value("notes", "as_of", &r.as_of))?,
            id: r.id,
            subject_kind: r.subject_kind,
            subject_key: r.subject_key,
            subject_label: r.subject_label,
            act_id: r.act_id,
            text: r.text,
            source_id: r.source_id,
        })
    }
}

const NOTE_COLUMNS: &str =
    "id, subject_kind, subject_key, subject_label, act_id, text, as_of, source_id";

impl Store {
    /// Every note, oldest fact first.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn all_notes(&self) -> anyhow::Result<Vec<NoteRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {NOTE_COLUMNS} FROM notes ORDER BY as_of, id"
            ))
        )
        .fetch_all(c)
        .await)?)
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn note(&self, id: i64) -> anyhow::Result<Option<NoteRow>> {
        Ok(on!(self.readers(), |c| sqlx::query_as(
            sqlx::AssertSqlSafe(format!("SELECT {NOTE_COLUMNS} FROM notes WHERE id = $1"))
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }
}

impl WriteTx {
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn set_note_text(&mut self, id: i64, text: &str) -> anyhow::Result<()> {
        on!(self.conn(), |c| sqlx::query(
            "UPDATE notes SET text = $1 WHERE id = $2"
        )
        .bind(text)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn remove_note(&mut self, id: i64) -> anyhow::Result<()> {
        on!(self.conn(), |c| sqlx::query(
            "DELETE FROM notes WHERE id = $1"
        )
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub async fn insert_note(&mut self, n: &NoteRow) -> anyhow::Result<i64> {
        Ok(on!(self.conn(), |c| {
            // A note restored by an undo keeps its id; a new one takes the next (PostgreSQL
            // draws it only when the column is left out).
            let insert = if n.id > 0 {
                sqlx::query_scalar(
                    "INSERT INTO notes (id, subject_kind, subject_key, subject_label, act_id, text, as_of, source_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(n.id)
            } else {
                sqlx::query_scalar(
                    "INSERT INTO notes (subject_kind, subject_key, subject_label, act_id, text, as_of, source_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
            };
            insert
                .bind(&n.subject_kind)
                .bind(&n.subject_key)
                .bind(&n.subject_label)
                .bind(&n.act_id)
                .bind(&n.text)
                .bind(n.as_of.to_string())
                .bind(n.source_id)
                .fetch_one(c)
                .await
        })?)
    }
}

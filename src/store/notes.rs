//! Milestone facts: free text about an act, a title or the export market, with a date and a
//! source.

use sqlx::FromRow;

use super::{Store, WriteTx};

#[derive(Clone, Debug, PartialEq, Eq, FromRow, serde::Serialize, serde::Deserialize)]
pub struct NoteRow {
    pub id: i64,
    pub subject_kind: String,
    pub subject_key: String,
    pub subject_label: String,
    pub act_id: Option<String>,
    pub text: String,
    pub as_of: String,
    pub source_id: i64,
}

const NOTE_COLUMNS: &str =
    "id, subject_kind, subject_key, subject_label, act_id, text, as_of, source_id";

impl Store {
    /// Every note, oldest fact first.
    pub async fn all_notes(&self) -> anyhow::Result<Vec<NoteRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTE_COLUMNS} FROM notes ORDER BY as_of, id"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn note(&self, id: i64) -> anyhow::Result<Option<NoteRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTE_COLUMNS} FROM notes WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }
}

impl WriteTx {
    pub async fn set_note_text(&mut self, id: i64, text: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE notes SET text = ? WHERE id = ?")
            .bind(text)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn remove_note(&mut self, id: i64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM notes WHERE id = ?")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn insert_note(&mut self, n: &NoteRow) -> anyhow::Result<i64> {
        let id = if n.id > 0 { Some(n.id) } else { None };
        Ok(sqlx::query_scalar(
            "INSERT INTO notes (id, subject_kind, subject_key, subject_label, act_id, text, as_of, source_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id)
        .bind(&n.subject_kind)
        .bind(&n.subject_key)
        .bind(&n.subject_label)
        .bind(&n.act_id)
        .bind(&n.text)
        .bind(&n.as_of)
        .bind(n.source_id)
        .fetch_one(self.conn())
        .await?)
    }
}

//! Adding, editing and removing milestone notes.

use chrono::NaiveDate;
use serde_json::Value;

use super::{EditError, Who, new_source, record};
use crate::domain::source::{NoteText, SourceInput};
use crate::store::{Action, NoteRow, Store, Target};

/// What a note is about, as the store files it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// `act`, `title` or `market`.
    pub kind: &'static str,
    /// The act id, the folded title, or `exports`.
    pub key: String,
    pub label: String,
    pub act_id: Option<String>,
}

/// Adds a note; returns its id and the change's.
pub async fn add_note(
    store: &Store,
    who: &Who,
    subject: &Subject,
    text: &NoteText,
    as_of: NaiveDate,
    source: &SourceInput,
) -> Result<(i64, i64), EditError> {
    let mut tx = store.begin().await?;
    let source_id = tx.upsert_source(&new_source(source)).await?;
    let note = NoteRow {
        id: 0,
        subject_kind: subject.kind.to_string(),
        subject_key: subject.key.clone(),
        subject_label: subject.label.clone(),
        act_id: subject.act_id.clone(),
        text: text.as_str().to_string(),
        as_of,
        source_id,
    };
    let id = tx.insert_note(&note).await?;
    let change = record(
        &mut tx,
        who,
        Action::NoteAdd,
        &Target::Note(id),
        Value::Null,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok((id, change))
}

/// Replaces a note's text.
pub async fn edit_note(
    store: &Store,
    who: &Who,
    id: i64,
    text: &NoteText,
) -> Result<i64, EditError> {
    let target = Target::Note(id);
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&target).await?;
    if before.is_null() {
        return Err(EditError::NotFound);
    }
    tx.set_note_text(id, text.as_str()).await?;
    let change = record(&mut tx, who, Action::NoteEdit, &target, before, None).await?;
    tx.commit().await?;
    Ok(change)
}

pub async fn remove_note(store: &Store, who: &Who, id: i64) -> Result<i64, EditError> {
    let target = Target::Note(id);
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&target).await?;
    if before.is_null() {
        return Err(EditError::NotFound);
    }
    tx.remove_note(id).await?;
    let change = record(&mut tx, who, Action::NoteRemove, &target, before, None).await?;
    tx.commit().await?;
    Ok(change)
}

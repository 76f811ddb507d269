//! Changes to facts, by moderators on Discord or the owner on the command line. Each change is
//! checked before it starts, runs in one transaction, and records the snapshot of the unit it
//! touched before and after, so that `undo` can put back exactly what was there.

mod aliases;
mod exports;
mod imports;
mod notes;
pub mod sheet;
mod undo;

pub use aliases::{add_alias, remove_alias};
pub use exports::{remove_export, set_export};
pub use imports::{
    ImportKind, ImportPreview, apply_import, apply_pending_import, preview_import,
    replace_chart_week,
};
pub use notes::{Subject, add_note, edit_note, remove_note};
pub use sheet::{SheetPull, apply_pull};
pub use undo::undo;

use serde_json::Value;

use crate::domain::source::SourceInput;
use crate::store::{Action, Actor, Change, Editor, NewSource, Store, Target, WriteTx};

/// Who is changing facts, and from which server.
#[derive(Clone, Debug)]
pub struct Who {
    pub actor: Actor,
    pub guild_id: Option<u64>,
}

/// Why a change was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("there is no such fact")]
    NotFound,
    #[error("there is no change of yours to undo")]
    NothingToUndo,
    #[error("change {0} cannot be undone")]
    NotUndoable(i64),
    #[error("change {change} was already undone by change {by}")]
    AlreadyUndone { change: i64, by: i64 },
    #[error("change {later} changed the same fact later; undo it first")]
    TouchedLater { later: i64 },
    #[error("the alias already names {0}")]
    AliasTaken(String),
    /// Who may edit is the owner's to change, on the command line only.
    #[error("only the owner changes the editors")]
    EditorsAreTheOwners,
    #[error("the file spans {weeks} chart weeks; at most {max} can be imported at once")]
    TooManyWeeks { weeks: usize, max: usize },
    #[error("the {} week of {date} would hold {rows} rows, more than its {} places", .chart.name(), .chart.size())]
    WeekTooFull {
        chart: crate::domain::chart::Chart,
        date: chrono::NaiveDate,
        rows: usize,
    },
    /// The upload waiting for confirmation is gone: confirmed, cancelled or expired.
    #[error("the upload is no longer waiting")]
    ImportGone,
    /// The upload waiting for confirmation is someone else's.
    #[error("the upload is another editor's")]
    ImportNotYours,
    #[error("{0}")]
    Import(crate::import::ImportError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<crate::import::ImportError> for EditError {
    fn from(e: crate::import::ImportError) -> Self {
        match e {
            crate::import::ImportError::Other(e) => EditError::Other(e),
            rows => EditError::Import(rows),
        }
    }
}

/// A moderator's source as the store keeps it.
fn new_source(s: &SourceInput) -> NewSource {
    NewSource {
        publisher: s.publisher.clone(),
        title: None,
        url: s.url.as_ref().map(|u| u.as_str().to_string()),
        published_on: s.published_on.map(|d| d.to_string()),
        ..NewSource::default()
    }
}

/// Records a change of `target`: the snapshot taken before it and the one now.
async fn record(
    tx: &mut WriteTx,
    who: &Who,
    action: Action,
    target: &Target,
    before: Value,
    batch: Option<i64>,
) -> anyhow::Result<i64> {
    let after = tx.snapshot(target).await?;
    tx.audit(Change {
        actor: &who.actor,
        guild_id: who.guild_id,
        action,
        target: target.to_string(),
        before: Some(before),
        after: Some(after),
        undoes: None,
        batch,
    })
    .await
}

/// Makes `editor` an editor (or stops it being one), audited like any other change.
pub async fn set_editor(
    store: &Store,
    who: &Who,
    editor: Editor,
    present: bool,
) -> Result<i64, EditError> {
    let target = Target::Editor(editor);
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&target).await?;
    let changed = if present {
        tx.add_editor(editor).await?
    } else {
        tx.remove_editor(editor).await?
    };
    if !changed {
        return Err(EditError::NotFound);
    }
    let id = record(
        &mut tx,
        who,
        if present {
            Action::EditorAdd
        } else {
            Action::EditorRemove
        },
        &target,
        before,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

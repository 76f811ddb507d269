//! Undoing a change: its unit goes back to the snapshot taken before it. An import's changes
//! share a batch and go back together. Changes to the editor list are undone by the owner
//! only.

use super::{EditError, Who};
use crate::store::{Action, Actor, AuditEntry, Change, Store, Target};

/// Undoes change `change`, or by default the caller's latest. Returns the undone change's id
/// and the undo's own.
pub async fn undo(store: &Store, who: &Who, change: Option<i64>) -> Result<(i64, i64), EditError> {
    let mut tx = store.begin().await?;
    let entry = match change {
        Some(id) => tx.audit_entry(id).await?.ok_or(EditError::NotFound)?,
        None => tx
            .latest_change_by(&who.actor)
            .await?
            .ok_or(EditError::NothingToUndo)?,
    };
    if entry.before.is_none() || entry.undoes.is_some() {
        return Err(EditError::NotUndoable(entry.id));
    }
    if let Some(by) = tx.undo_of(entry.id).await? {
        return Err(EditError::AlreadyUndone {
            change: entry.id,
            by,
        });
    }
    let entries: Vec<AuditEntry> = match entry.batch {
        Some(batch) => tx
            .batch_entries(batch)
            .await?
            .into_iter()
            .filter(|e| e.before.is_some())
            .collect(),
        None => vec![entry.clone()],
    };
    // The editor list is the owner's alone: no undo from Discord brings an editor back or
    // takes one away, not even as part of a batch.
    let touches_editors = entries
        .iter()
        .any(|e| matches!(Target::parse(&e.target), Some(Target::Editor(_))));
    if touches_editors && who.actor != Actor::Cli {
        return Err(EditError::EditorsAreTheOwners);
    }
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    for e in &entries {
        if let Some(later) = tx.later_change(&e.target, e.id).await?
            && !ids.contains(&later.id)
        {
            return Err(EditError::TouchedLater { later: later.id });
        }
    }
    let batch = if entries.len() > 1 {
        Some(tx.next_batch().await?)
    } else {
        None
    };
    let mut first_undo = None;
    for e in entries.iter().rev() {
        let target = Target::parse(&e.target).ok_or(EditError::NotUndoable(e.id))?;
        let before: serde_json::Value = serde_json::from_str(e.before.as_deref().unwrap_or("null"))
            .map_err(anyhow::Error::from)?;
        let now = tx.snapshot(&target).await?;
        tx.restore(&target, &before).await?;
        let id = tx
            .audit(Change {
                actor: &who.actor,
                guild_id: who.guild_id,
                action: Action::Undo,
                target: e.target.clone(),
                before: Some(now),
                after: Some(before),
                undoes: Some(e.id),
                batch,
            })
            .await?;
        first_undo.get_or_insert(id);
    }
    tx.commit().await?;
    Ok((entry.id, first_undo.unwrap_or_default()))
}

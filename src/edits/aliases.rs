//! Adding and removing aliases of acts, titles and countries.

use super::{EditError, Who, record};
use crate::domain::text;
use crate::store::{Action, AliasKind, Store, Target};

/// Adds `alias` for `target` (an act id, a folded title or a country code).
pub async fn add_alias(
    store: &Store,
    who: &Who,
    kind: AliasKind,
    target: &str,
    alias: &str,
) -> Result<i64, EditError> {
    let unit = Target::alias(kind, alias);
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&unit).await?;
    if let Some(other) = before
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|a| a["target"].as_str())
    {
        // One alias names one thing; otherwise look-ups would depend on insertion order.
        return Err(EditError::AliasTaken(other.to_string()));
    }
    if text::key(alias).is_empty() {
        return Err(EditError::NotFound);
    }
    tx.add_alias(kind, target, alias).await?;
    let change = record(&mut tx, who, Action::AliasAdd, &unit, before, None).await?;
    tx.commit().await?;
    Ok(change)
}

pub async fn remove_alias(
    store: &Store,
    who: &Who,
    kind: AliasKind,
    alias: &str,
) -> Result<i64, EditError> {
    let unit = Target::alias(kind, alias);
    let mut tx = store.begin().await?;
    let before = tx.snapshot(&unit).await?;
    if before.as_array().is_none_or(|a| a.is_empty()) {
        return Err(EditError::NotFound);
    }
    tx.remove_alias(kind, &text::key(alias)).await?;
    let change = record(&mut tx, who, Action::AliasRemove, &unit, before, None).await?;
    tx.commit().await?;
    Ok(change)
}

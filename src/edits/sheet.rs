//! Export figures from a shared sheet that moderators keep: each pull applies only the rows
//! added, changed or removed since the pull before, checked as `/facts import` checks a file,
//! as one audited change of the feed that `undo` takes back whole.
//!
//! A row is named by its period, destination, publisher and address; a row under the same name
//! that reads differently is changed. A removed or changed row takes back the print it made
//! (and the figure, when no other source printed it); figures the sheet did not bring stay. A
//! print the sheet names is the sheet's even where the seed or a moderator gave the same one:
//! taking the row back takes that print back too.
//!
//! What the feed last applied is kept with the facts, as a unit of the same audited change
//! ([`Target::FeedPulled`]): undoing a pull brings back the body of the pull before it, so the
//! next pull compares with what the store holds and applies the undone rows again if the sheet
//! still has them.

use super::{EditError, Who, record};
use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::import::exports::{self, KeyedFile, KeyedRow};
use crate::store::{Action, Actor, Store, Target};

/// What one pull of the sheet did, in rows of the sheet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetPull {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// One change of the pull's batch (undoing it undoes the pull), or None when the sheet
    /// was as pulled before.
    pub change: Option<i64>,
}

/// Rows of the new body and of the one applied before, by what a pull does with them.
#[derive(Default)]
struct Delta<'a> {
    /// The earlier version of every removed or changed row, to take back.
    gone: Vec<&'a KeyedRow>,
    /// Every added row and the new version of every changed one, in the sheet's order.
    new: Vec<&'a KeyedRow>,
    added: usize,
    changed: usize,
    removed: usize,
}

fn delta<'a>(before: &'a KeyedFile, now: &'a KeyedFile) -> Delta<'a> {
    let (old, new) = (before.by_key(), now.by_key());
    let mut d = Delta::default();
    for (key, rows) in &old {
        match new.get(key) {
            None => {
                d.removed += 1;
                d.gone.extend(rows);
            }
            Some(now) if now != rows => {
                d.changed += 1;
                d.gone.extend(rows);
            }
            Some(_) => {}
        }
    }
    for (key, rows) in &new {
        match old.get(key) {
            None => d.added += 1,
            Some(was) if was != rows => {}
            Some(_) => continue,
        }
        d.new.extend(rows);
    }
    d.new.sort_by_key(|r| r.line);
    d
}

/// The destinations and periods `rows` are about, each once.
fn units<'a>(rows: impl Iterator<Item = &'a &'a KeyedRow>) -> Vec<(Period, Country)> {
    let mut units: Vec<(Period, Country)> = rows.map(|r| r.unit()).collect();
    units.sort_by_key(|(p, c)| (p.label(), *c));
    units.dedup();
    units
}

/// Applies a pull of `feed`'s sheet, `body`: all or nothing, in one transaction that also
/// keeps `body` as what the feed applied. A body with an unreadable row changes nothing and
/// is refused with every such line ([`EditError::Import`]).
pub async fn apply_pull(store: &Store, feed: &str, body: &[u8]) -> Result<SheetPull, EditError> {
    let now = KeyedFile::read(body)?;
    let mut tx = store.begin().await?;
    let before = match tx.feed_pulled(feed).await? {
        Some(applied) => KeyedFile::read_applied(&applied),
        None => KeyedFile { rows: Vec::new() },
    };
    let d = delta(&before, &now);
    let mut pull = SheetPull {
        added: d.added,
        changed: d.changed,
        removed: d.removed,
        change: None,
    };
    if d.gone.is_empty() && d.new.is_empty() {
        return Ok(pull);
    }
    let who = Who {
        actor: Actor::Feed(feed.to_string()),
        guild_id: None,
    };
    let mut targets: Vec<Target> = units(d.gone.iter().chain(&d.new))
        .into_iter()
        .map(|(period, country)| Target::Export { period, country })
        .collect();
    targets.push(Target::FeedPulled(feed.to_string()));
    let batch = tx.next_batch().await?;
    let mut snapshots = Vec::with_capacity(targets.len());
    for t in &targets {
        snapshots.push(tx.snapshot(t).await?);
    }
    for row in &d.gone {
        exports::take_back(&mut tx, row).await?;
    }
    if !d.new.is_empty() {
        let file = exports::file_of(&d.new)?;
        exports::import(&mut tx, &file, &who.actor, None).await?;
    }
    let revised = units(d.gone.iter().filter(|r| exports::has_value(r)));
    exports::resolve_again(&mut tx, &revised).await?;
    tx.set_feed_pulled(feed, body).await?;
    for (t, b) in targets.iter().zip(snapshots) {
        if tx.snapshot(t).await? != b {
            let id = record(&mut tx, &who, Action::ImportExports, t, b, Some(batch)).await?;
            pull.change.get_or_insert(id);
        }
    }
    tx.commit().await?;
    Ok(pull)
}

//! `/facts …`: moderators' changes. Every subcommand checks, on the server side, that the
//! caller is an editor; seeing the command (Manage Server by default) decides nothing.

mod aliases;
mod exports;
mod history;
mod import;
mod notes;
mod undo;

use super::command::Facts;
use super::{Caller, CommandError, CommandResult, user_error};
use crate::app::App;
use crate::edits::{EditError, Who};
use crate::i18n::{Locale, Msg, msg};
use crate::reply::Reply;
use crate::store::Actor;

pub use import::{ImportButton, cancel_import, check_import_press, confirm_import};
pub use notes::save_note_edit;

pub async fn run(app: &App, asked: &Facts, locale: Locale, caller: &Caller) -> CommandResult {
    let who = authorize(app, caller).await?;
    match asked {
        Facts::SetExport(c) => exports::set(app, c, locale, &who).await,
        Facts::RemoveExport(c) => exports::remove(app, c, locale, &who).await,
        Facts::AddNote(c) => notes::add(app, c, locale, &who).await,
        Facts::EditNote(c) => notes::edit(app, c, locale, &who).await,
        Facts::RemoveNote(c) => notes::remove(app, c, locale, &who).await,
        Facts::AddAlias(c) => aliases::add(app, c, locale, &who).await,
        Facts::RemoveAlias(c) => aliases::remove(app, c, locale, &who).await,
        Facts::History(c) => history::run(app, c, locale).await,
        Facts::Undo(c) => undo::run(app, c, locale, &who).await,
        Facts::Import(c) => import::preview(app, c, locale, &who, caller).await,
    }
}

/// The caller as the author of a change, if allowed to make one.
pub async fn authorize(app: &App, caller: &Caller) -> Result<Who, CommandError> {
    if caller.owner {
        return Ok(Who {
            actor: Actor::Cli,
            guild_id: caller.guild_id,
        });
    }
    let refused = || user_error(caller.locale, msg::facts_not_editor());
    let user = caller.user_id.ok_or_else(refused)?;
    if !app
        .store()
        .is_editor(user, caller.guild_id, &caller.role_ids)
        .await?
    {
        return Err(refused());
    }
    Ok(Who {
        actor: Actor::Discord(user),
        guild_id: caller.guild_id,
    })
}

/// A refused change as the caller reads it; failures that are not the caller's are errors.
fn refusal(e: EditError, locale: Locale) -> CommandError {
    let n = |id: i64| id.to_string();
    match e {
        EditError::NotFound => user_error(locale, msg::facts_not_found()),
        EditError::NothingToUndo => user_error(locale, msg::facts_nothing_to_undo()),
        EditError::NotUndoable(id) => user_error(locale, msg::facts_not_undoable(&n(id))),
        EditError::AlreadyUndone { change, by } => {
            user_error(locale, msg::facts_already_undone(&n(change), &n(by)))
        }
        EditError::TouchedLater { later } => {
            user_error(locale, msg::facts_touched_later(&n(later)))
        }
        EditError::AliasTaken(target) => user_error(locale, msg::facts_alias_taken(&target)),
        EditError::EditorsAreTheOwners => user_error(locale, msg::facts_editors_owner_only()),
        EditError::TooManyWeeks { weeks, max } => user_error(
            locale,
            msg::facts_import_too_many_weeks(&weeks.to_string(), &max.to_string()),
        ),
        EditError::WeekTooFull { chart, date, rows } => user_error(
            locale,
            msg::facts_import_week_too_full(
                chart.name(),
                &date.to_string(),
                &rows.to_string(),
                &chart.size().to_string(),
            ),
        ),
        EditError::ImportGone => user_error(locale, msg::facts_import_expired()),
        EditError::ImportNotYours => user_error(locale, msg::facts_import_not_yours()),
        EditError::Import(crate::import::ImportError::Rows(lines)) => user_error(
            locale,
            msg::facts_import_unreadable(
                &lines.len().to_string(),
                &crate::import::describe_errors(&lines, 10),
            ),
        ),
        EditError::Import(crate::import::ImportError::Other(e)) | EditError::Other(e) => {
            CommandError::Internal(e)
        }
    }
}

/// "Change #15 · undo with `/facts undo change:15`"
fn done(locale: Locale, message: Msg<'_>, change: i64) -> Reply {
    let id = change.to_string();
    let mut text = crate::i18n::t(locale, message);
    text.push('\n');
    text.push_str(&crate::i18n::t(locale, msg::facts_change_footer(&id)));
    Reply::done(text)
}

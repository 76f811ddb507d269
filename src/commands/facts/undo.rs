//! `/facts undo [change]`: by default the caller's latest change.

use super::refusal;
use crate::app::App;
use crate::commands::command::Undo;
use crate::commands::{CommandResult, user_error};
use crate::domain::text::truncate;
use crate::edits::{self, Who};
use crate::i18n::{Locale, msg, t};
use crate::reply::Reply;

pub async fn run(app: &App, asked: &Undo, locale: Locale, who: &Who) -> CommandResult {
    let change = match asked.change.as_deref() {
        None => None,
        Some(text) => Some(
            text.trim_start_matches('#')
                .parse::<i64>()
                .map_err(|_| user_error(locale, msg::facts_bad_id(&truncate(text, 20))))?,
        ),
    };
    let (undone, change) = edits::undo(app.store(), who, change)
        .await
        .map_err(|e| refusal(e, locale))?;
    // An undo cannot itself be undone, so no "undo with …" hint.
    Ok(Reply::done(t(
        locale,
        msg::facts_undone(&undone.to_string(), &change.to_string()),
    )))
}

//! The slash commands, with no Discord types: each takes an [`Invocation`] (parsed from a
//! Discord interaction or from the CLI's text) and answers with a [`Reply`].
//!
//! [`spec::COMMANDS`] lists every command and option once; registration, the CLI grammar,
//! `/help` and the option checks all read it.

mod about;
mod artist;
pub mod changes;
mod chart;
pub(crate) mod exports;
mod facts;
#[doc(hidden)]
pub mod fuzzing;
mod help;
pub mod invocation;
mod milestones;
pub mod spec;
mod summary;
pub mod weekly_post;

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::i18n::{Locale, Msg, msg, t};
use crate::reply::Reply;
pub use invocation::Invocation;

/// Who is asking, as far as the answer depends on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Option<u64>,
    pub guild_id: Option<u64>,
    pub role_ids: Vec<u64>,
    pub locale: Locale,
    /// The deployment's owner on the command line: may change facts without being an editor.
    pub owner: bool,
    /// The caller's permissions in the server, as Discord's bitfield (None in DMs).
    pub permissions: Option<u64>,
    /// The server's preferred language, for what is posted there later.
    pub guild_locale: Option<Locale>,
}

impl Caller {
    /// Whether the caller may manage the server (Manage Server or Administrator): checked on
    /// the server side, whatever Discord showed.
    pub fn manages_server(&self) -> bool {
        const ADMINISTRATOR: u64 = 1 << 3;
        self.owner
            || self
                .permissions
                .is_some_and(|p| p & (spec::MANAGE_GUILD | ADMINISTRATOR) != 0)
    }
}

/// Why a command did not answer.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad input, nothing found or not allowed: the user sees this text, ephemerally.
    #[error("{0}")]
    User(String),
    /// Something broke: logged with its context; the user sees a short apology.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CommandError {
    fn from(e: sqlx::Error) -> Self {
        CommandError::Internal(e.into())
    }
}

pub type CommandResult = Result<Reply, CommandError>;

/// A user error in the caller's language.
pub fn user_error(locale: Locale, message: Msg<'_>) -> CommandError {
    CommandError::User(t(locale, message))
}

/// Answers an invocation. Never fails: refusals and apologies are replies too.
pub async fn respond(app: &App, inv: &Invocation, caller: &Caller) -> Reply {
    respond_at(app, inv, caller, Utc::now()).await
}

/// [`respond`] as at `now`: "this year" and "last year" are read against its UTC date.
pub async fn respond_at(app: &App, inv: &Invocation, caller: &Caller, now: DateTime<Utc>) -> Reply {
    let locale = inv.locale;
    let result = match inv.command.as_str() {
        "exports" => exports::run(app, inv, now.date_naive()).await,
        "chart" => chart::run(app, inv).await,
        "artist" => artist::run(app, inv, caller).await,
        "help" => help::run(app, inv, caller).await,
        "about" => about::run(app, inv).await,
        c if c.starts_with("facts ") => facts::run(app, inv, caller).await,
        c if c.starts_with("summary ") => summary::run(app, inv, caller).await,
        _ => Err(user_error(locale, msg::error_unknown_command(&inv.command))),
    };
    finish(result, &inv.command, caller)
}

/// A result as the reply the user sees: refusals as they are, failures logged with their
/// context and answered with a short apology.
fn finish(result: CommandResult, what: &str, caller: &Caller) -> Reply {
    match result {
        Ok(reply) => reply,
        Err(CommandError::User(message)) => Reply::refusal(message),
        // A write that gave up waiting for an import: nothing changed, and it can wait.
        Err(CommandError::Internal(e)) if crate::store::is_busy(&e) => {
            tracing::info!(what, user = ?caller.user_id, "refused a write: the store is busy");
            Reply::refusal(t(caller.locale, msg::error_store_busy()))
        }
        Err(CommandError::Internal(e)) => {
            tracing::error!(what, user = ?caller.user_id, guild = ?caller.guild_id, error = ?e, "answering failed");
            Reply::refusal(t(caller.locale, msg::error_internal()))
        }
    }
}

/// Refuses at once a caller who may not run `inv` at all, before any work on its input (such
/// as downloading its files): `/facts` is for editors only.
pub async fn admit(app: &App, inv: &Invocation, caller: &Caller) -> Option<Reply> {
    if !inv.command.starts_with("facts ") {
        return None;
    }
    match facts::authorize(app, caller).await {
        Ok(_) => None,
        Err(e) => Some(finish(Err(e), &inv.command, caller)),
    }
}

/// A button, read from its `custom_id`.
enum Press<'a> {
    Import(facts::ImportButton, &'a str),
    /// What follows `page:artist:` (see `artist::turn_page`), whose last part is the owner.
    ArtistPage {
        parts: Vec<&'a str>,
        owner: u64,
    },
    Unknown,
}

fn press(custom_id: &str) -> Press<'_> {
    match custom_id.split(':').collect::<Vec<_>>().as_slice() {
        ["import", "confirm", token] => Press::Import(facts::ImportButton::Confirm, token),
        ["import", "cancel", token] => Press::Import(facts::ImportButton::Cancel, token),
        ["page", "artist", parts @ .., last] => match last.parse() {
            Ok(owner) => Press::ArtistPage {
                parts: parts.iter().copied().chain([*last]).collect(),
                owner,
            },
            Err(_) => Press::Unknown,
        },
        _ => Press::Unknown,
    }
}

/// Refuses a button press that is not the presser's to make (someone else's pages or upload,
/// an expired button) before any slow work, so the refusal goes to the presser at once and
/// the message stays as it was. Cheap: the owner is in the `custom_id` or the waiting upload.
pub async fn refuse_press(app: &App, custom_id: &str, caller: &Caller) -> Option<Reply> {
    let check = match press(custom_id) {
        Press::Import(button, token) => facts::check_import_press(app, token, button, caller)
            .await
            .map(|_| ()),
        Press::ArtistPage { owner, .. } if caller.user_id != Some(owner) => {
            Err(user_error(caller.locale, msg::pages_not_yours()))
        }
        Press::ArtistPage { .. } => Ok(()),
        Press::Unknown => Err(user_error(caller.locale, msg::error_expired_button())),
    };
    check.err().map(|e| finish(Err(e), custom_id, caller))
}

/// Answers a button press, by the button's `custom_id`.
pub async fn respond_component(app: &App, custom_id: &str, caller: &Caller) -> Reply {
    let result = match press(custom_id) {
        Press::Import(facts::ImportButton::Confirm, token) => {
            facts::confirm_import(app, token, caller).await
        }
        Press::Import(facts::ImportButton::Cancel, token) => {
            facts::cancel_import(app, token, caller).await
        }
        Press::ArtistPage { parts, .. } => artist::turn_page(app, &parts, caller).await,
        Press::Unknown => Err(user_error(caller.locale, msg::error_expired_button())),
    };
    finish(result, custom_id, caller)
}

/// Answers a submitted form, by its `custom_id`, with its fields as `(custom_id, value)`.
pub async fn respond_modal(
    app: &App,
    custom_id: &str,
    fields: &[(String, String)],
    caller: &Caller,
) -> Reply {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let result = match custom_id.split_once(':') {
        Some(("note-edit", id)) => match id.parse() {
            Ok(id) => facts::save_note_edit(app, id, field("text"), caller).await,
            Err(_) => Err(user_error(caller.locale, msg::error_expired_button())),
        },
        _ => Err(user_error(caller.locale, msg::error_expired_button())),
    };
    finish(result, custom_id, caller)
}

/// Autocomplete suggestions for the option being typed.
pub async fn autocomplete(
    app: &App,
    inv: &Invocation,
    option: &str,
    partial: &str,
) -> Vec<crate::reply::json::Choice> {
    let result = match (inv.command.as_str(), option) {
        ("exports", "country") => exports::complete_country(app, partial, inv.locale).await,
        ("exports", "period") => {
            exports::complete_period(app, partial, inv, Utc::now().date_naive()).await
        }
        ("chart", "title") => chart::complete_title(app, partial, inv).await,
        ("chart", "artist") => chart::complete_artist(app, partial).await,
        ("artist", "name") => artist::complete_artist(app, partial).await,
        _ => Ok(Vec::new()),
    };
    result.unwrap_or_else(|e| {
        tracing::error!(command = %inv.command, option, error = ?e, "autocomplete failed");
        Vec::new()
    })
}

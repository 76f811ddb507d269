//! The slash commands, with no Discord types: an [`Invocation`] (from a Discord interaction or
//! the CLI's text) is read once into a typed [`Command`], which is answered with a [`Reply`].
//!
//! [`command`] defines every command and option once; registration ([`spec`]), the CLI
//! grammar, dispatch, autocomplete, cooldowns and the answer cache all read it.

mod about;
mod artist;
pub mod changes;
mod chart;
pub mod command;
mod compare;
pub(crate) mod exports;
mod facts;
mod freshness;
#[doc(hidden)]
pub mod fuzzing;
mod help;
pub mod invocation;
mod milestones;
mod records;
mod settings;
pub mod share;
pub mod spec;
mod summary;
mod thisweek;
pub mod weekly_post;

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::i18n::{Locale, Msg, msg, t};
use crate::reply::Reply;
pub use command::Command;
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
    match Command::try_from(inv) {
        Ok(command) => {
            let setting = share::setting(app, &command, caller).await;
            answer_at(app, &command, inv, caller, setting, now).await
        }
        Err(e) => refusal(e, &inv.command, caller),
    }
}

/// Answers `command`, read from `inv`, shown as the server chose (`setting`, from
/// [`share::setting`]: the caller reads it first, as the answer cache keys on it).
pub async fn answer(
    app: &App,
    command: &Command,
    inv: &Invocation,
    caller: &Caller,
    setting: Option<crate::store::Visibility>,
) -> Reply {
    answer_at(app, command, inv, caller, setting, Utc::now()).await
}

// The span names the command in every log line of its answer, the store's failures included.
#[tracing::instrument(name = "command", skip_all, fields(command = command.path(), user = ?caller.user_id))]
async fn answer_at(
    app: &App,
    command: &Command,
    inv: &Invocation,
    caller: &Caller,
    setting: Option<crate::store::Visibility>,
    now: DateTime<Utc>,
) -> Reply {
    let locale = inv.locale;
    let result = match command {
        Command::Exports(c) => exports::run(app, c, locale, now.date_naive()).await,
        Command::Chart(c) => chart::run(app, c, locale).await,
        Command::Artist(c) => artist::run(app, c, locale, caller).await,
        Command::ThisWeek(c) => thisweek::run(app, c, locale).await,
        Command::Records(c) => records::run(app, c, locale, caller).await,
        Command::Compare(c) => compare::run(app, c, locale, now.date_naive()).await,
        Command::Help(_) => help::run(app, locale, caller).await,
        Command::About(_) => about::run(app, locale).await,
        Command::Facts(c) => facts::run(app, c, locale, caller).await,
        Command::Summary(c) => summary::run(app, c, locale, caller).await,
        Command::Settings(c) => settings::run(app, c, locale, caller).await,
    };
    share::show(finish(result, command.path(), caller), setting, inv)
}

/// A result as the reply the user sees: refusals as they are, failures logged with their
/// context and answered with a short apology.
fn finish(result: CommandResult, what: &str, caller: &Caller) -> Reply {
    result.unwrap_or_else(|e| refusal(e, what, caller))
}

/// Why `what` did not answer, as the reply the user sees.
pub fn refusal(e: CommandError, what: &str, caller: &Caller) -> Reply {
    match e {
        CommandError::User(message) => Reply::refusal(message),
        // A write that gave up waiting for an import: nothing changed, and it can wait.
        CommandError::Internal(e) if crate::store::is_busy(&e) => {
            tracing::info!(what, user = ?caller.user_id, "refused a write: the store is busy");
            Reply::refusal(t(caller.locale, msg::error_store_busy()))
        }
        CommandError::Internal(e) => {
            tracing::error!(what, user = ?caller.user_id, guild = ?caller.guild_id, error = ?e, "answering failed");
            Reply::refusal(t(caller.locale, msg::error_internal()))
        }
    }
}

/// Refuses at once a caller who may not run `command` at all, before any work on its input
/// (such as downloading its files): `/facts` is for editors only.
pub async fn admit(app: &App, command: &Command, caller: &Caller) -> Option<Reply> {
    if !matches!(command, Command::Facts(_)) {
        return None;
    }
    match facts::authorize(app, caller).await {
        Ok(_) => None,
        Err(e) => Some(finish(Err(e), command.path(), caller)),
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
    /// What follows `page:records:` (see `records::turn_page`), whose last part is the owner.
    RecordsPage {
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
        ["page", "records", parts @ .., last] => match last.parse() {
            Ok(owner) => Press::RecordsPage {
                parts: parts.to_vec(),
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
        Press::RecordsPage { owner, .. } if caller.user_id != Some(owner) => {
            Err(user_error(caller.locale, msg::pages_not_yours()))
        }
        Press::RecordsPage { .. } => Ok(()),
        Press::Unknown => Err(user_error(caller.locale, msg::error_expired_button())),
    };
    check.err().map(|e| finish(Err(e), custom_id, caller))
}

/// Answers a button press, by the button's `custom_id`; `pressed` is the rows of buttons of the
/// message it was on. A Share button is answered by [`share::shared`] instead.
#[tracing::instrument(name = "button", skip_all, fields(kind = custom_id.split(':').next(), user = ?caller.user_id))]
pub async fn respond_component(
    app: &App,
    custom_id: &str,
    pressed: &[crate::reply::ActionRow],
    caller: &Caller,
) -> Reply {
    let result = match press(custom_id) {
        Press::Import(facts::ImportButton::Confirm, token) => {
            facts::confirm_import(app, token, caller).await
        }
        Press::Import(facts::ImportButton::Cancel, token) => {
            facts::cancel_import(app, token, caller).await
        }
        Press::ArtistPage { parts, .. } => artist::turn_page(app, &parts, caller).await,
        Press::RecordsPage { parts, owner } => records::turn_page(app, &parts, owner, caller).await,
        Press::Unknown => Err(user_error(caller.locale, msg::error_expired_button())),
    };
    share::carry(finish(result, custom_id, caller), pressed)
}

/// Answers a submitted form, by its `custom_id`, with its fields as `(custom_id, value)`.
#[tracing::instrument(name = "form", skip_all, fields(kind = custom_id.split(':').next(), user = ?caller.user_id))]
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

/// Autocomplete suggestions for the option being typed, by the completer its definition
/// names. The other options given so far narrow some suggestions; they are read as typed, since
/// required ones may still be missing.
pub async fn autocomplete(
    app: &App,
    inv: &Invocation,
    option: &str,
    partial: &str,
) -> Vec<crate::reply::json::Choice> {
    use spec::Completer;
    let completer = spec::find(&inv.command)
        .and_then(|c| c.option(option))
        .and_then(|o| o.complete);
    let result = match completer {
        Some(Completer::Country) => exports::complete_country(app, partial, inv.locale).await,
        Some(Completer::Period) => {
            exports::complete_period(app, partial, inv, Utc::now().date_naive()).await
        }
        Some(Completer::Title) => chart::complete_title(app, partial, inv).await,
        Some(Completer::Credit) => chart::complete_artist(app, partial).await,
        Some(Completer::Act) => artist::complete_artist(app, partial).await,
        Some(Completer::Compared) => compare::complete(app, partial, inv).await,
        None => Ok(Vec::new()),
    };
    result.unwrap_or_else(|e| {
        tracing::error!(command = %inv.command, option, error = ?e, "autocomplete failed");
        Vec::new()
    })
}

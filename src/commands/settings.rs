//! `/settings visibility command answers`: whether a read command answers a server publicly or
//! privately. For members who manage the server, checked here on the server side, whatever
//! Discord showed them.

use super::command::{Settings, SettingsVisibility};
use super::{Caller, CommandResult, spec, user_error};
use crate::app::App;
use crate::i18n::{Locale, msg, t};
use crate::reply::Reply;
use crate::store::Visibility;

pub async fn run(app: &App, asked: &Settings, locale: Locale, caller: &Caller) -> CommandResult {
    let Some(guild) = caller.guild_id else {
        return Err(user_error(locale, msg::settings_server_only()));
    };
    if !caller.manages_server() {
        return Err(user_error(locale, msg::settings_not_manager()));
    }
    match asked {
        Settings::Visibility(c) => visibility(app, c, locale, guild).await,
    }
}

async fn visibility(
    app: &App,
    asked: &SettingsVisibility,
    locale: Locale,
    guild: u64,
) -> CommandResult {
    let command = asked.command.trim().trim_start_matches('/').to_lowercase();
    let Some(command) = spec::READ_COMMANDS.iter().find(|c| **c == command) else {
        let names: Vec<String> = spec::READ_COMMANDS
            .iter()
            .map(|c| format!("/{c}"))
            .collect();
        return Err(user_error(
            locale,
            msg::settings_bad_command(&names.join(", ")),
        ));
    };
    let visibility = Visibility::parse(&asked.answers)
        .ok_or_else(|| user_error(locale, msg::settings_bad_answers()))?;
    app.store()
        .set_visibility(guild, command, visibility)
        .await?;
    let name = format!("/{command}");
    let message = match visibility {
        Visibility::Public => msg::settings_now_public(&name),
        Visibility::Private => msg::settings_now_private(&name),
    };
    Ok(Reply::done(t(locale, message)))
}

//! Interactions into the core's terms: an `Invocation` and a `Caller`.

use serenity::all::{
    ActionRow, ActionRowComponent, ButtonKind, CommandDataOption, CommandDataOptionValue,
    CommandInteraction, GuildId, Member, User,
};

use crate::commands::{Caller, Invocation};
use crate::i18n::Locale;
use crate::reply::{self, ButtonStyle};

/// The command, its options as text, and who asked. Subcommands become part of the command
/// name (`facts set-export`); attachment options hold the attachment's id until
/// [`super::download::Downloader::fetch_files`] downloads them.
pub fn invocation(i: &CommandInteraction) -> (Invocation, Caller) {
    let locale = Locale::from_discord(&i.locale);
    let mut command = i.data.name.clone();
    let mut options = Vec::new();
    flatten(&i.data.options, &mut command, &mut options);
    let caller = caller(
        &i.user,
        i.guild_id,
        i.member.as_deref(),
        &i.locale,
        i.guild_locale.as_deref(),
    );
    (
        Invocation {
            command,
            options,
            files: Vec::new(),
            locale,
        },
        caller,
    )
}

fn flatten(list: &[CommandDataOption], command: &mut String, out: &mut Vec<(String, String)>) {
    for o in list {
        let text = match &o.value {
            CommandDataOptionValue::SubCommand(inner)
            | CommandDataOptionValue::SubCommandGroup(inner) => {
                command.push(' ');
                command.push_str(&o.name);
                flatten(inner, command, out);
                continue;
            }
            CommandDataOptionValue::String(s) => s.clone(),
            CommandDataOptionValue::Autocomplete { value, .. } => value.clone(),
            CommandDataOptionValue::Integer(n) => n.to_string(),
            CommandDataOptionValue::Number(n) => n.to_string(),
            CommandDataOptionValue::Boolean(b) => b.to_string(),
            CommandDataOptionValue::Attachment(id) => id.get().to_string(),
            CommandDataOptionValue::Channel(id) => id.get().to_string(),
            CommandDataOptionValue::Role(id) => id.get().to_string(),
            CommandDataOptionValue::User(id) => id.get().to_string(),
            CommandDataOptionValue::Mentionable(id) => id.get().to_string(),
            _ => continue,
        };
        out.push((o.name.clone(), text));
    }
}

/// Who sent an interaction, from the fields every kind of interaction carries.
pub fn caller(
    user: &User,
    guild: Option<GuildId>,
    member: Option<&Member>,
    locale: &str,
    guild_locale: Option<&str>,
) -> Caller {
    Caller {
        user_id: Some(user.id.get()),
        guild_id: guild.map(|g| g.get()),
        role_ids: member
            .map(|m| m.roles.iter().map(|r| r.get()).collect())
            .unwrap_or_default(),
        locale: Locale::from_discord(locale),
        owner: false,
        permissions: member.and_then(|m| m.permissions).map(|p| p.bits()),
        guild_locale: guild_locale.map(Locale::from_discord),
    }
}

/// The option being typed in an autocomplete interaction, and what has been typed so far.
pub fn focused(i: &CommandInteraction) -> Option<(String, String)> {
    fn find(list: &[CommandDataOption]) -> Option<(String, String)> {
        list.iter().find_map(|o| match &o.value {
            CommandDataOptionValue::Autocomplete { value, .. } => {
                Some((o.name.clone(), value.clone()))
            }
            CommandDataOptionValue::SubCommand(inner)
            | CommandDataOptionValue::SubCommandGroup(inner) => find(inner),
            _ => None,
        })
    }
    find(&i.data.options)
}

/// The buttons of a message, in the reply's terms (only the kinds the bot sends: buttons with a
/// `custom_id`).
pub fn rows(rows: &[ActionRow]) -> Vec<reply::ActionRow> {
    rows.iter()
        .map(|row| reply::ActionRow {
            buttons: row
                .components
                .iter()
                .filter_map(|c| match c {
                    ActionRowComponent::Button(b) => match &b.data {
                        ButtonKind::NonLink { custom_id, style } => Some(reply::Button {
                            custom_id: custom_id.clone(),
                            label: b.label.clone().unwrap_or_default(),
                            style: match u8::from(*style) {
                                1 => ButtonStyle::Primary,
                                3 => ButtonStyle::Success,
                                4 => ButtonStyle::Danger,
                                _ => ButtonStyle::Secondary,
                            },
                            disabled: b.disabled,
                        }),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
        })
        .filter(|row| !row.buttons.is_empty())
        .collect()
}

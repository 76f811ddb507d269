//! Public or private answers, as each server chose per read command (`/settings visibility`),
//! and the Share button on a private one, which posts the same answer in the channel.
//!
//! The button's `custom_id` is `share:` and the question as `ask` reads it (`share:exports
//! country:japan period:2023`), so a press answers the question again, from the data as it is
//! then, with nothing kept anywhere. A question too long for Discord's 100 characters gets no
//! button: keeping questions in the store instead would put a write (and the write lock an
//! import holds for minutes) in the path of every private answer, for the few longest titles
//! and names.

use chrono::{DateTime, Utc};

use super::{Caller, Command, Invocation, spec, user_error};
use crate::app::App;
use crate::i18n::{msg, t};
use crate::reply::{ActionRow, Button, ButtonStyle, Reply, limits};
use crate::store::Visibility;

/// What every Share button's `custom_id` starts with.
pub const PREFIX: &str = "share:";

/// How the server wants `command`'s answers shown. None: as the command shows them (in DMs,
/// for commands that change things, and where the server never said).
pub async fn setting(app: &App, command: &Command, caller: &Caller) -> Option<Visibility> {
    let guild = caller.guild_id?;
    let path = command.path();
    if !spec::READ_COMMANDS.contains(&path) {
        return None;
    }
    // Unsure, show less: a private answer is at worst a click away from the channel, a public
    // one cannot be taken back.
    app.store()
        .visibility(guild, path)
        .await
        .unwrap_or(Some(Visibility::Private))
}

/// A command's reply as the server chose to show it: public, or private with a Share button.
/// Refusals stay as they are, private and never shared; so do updates and forms, which are
/// no new message.
pub(super) fn show(reply: Reply, setting: Option<Visibility>, inv: &Invocation) -> Reply {
    if reply.refusal || reply.update || reply.modal.is_some() {
        return reply;
    }
    match setting {
        None => reply,
        Some(Visibility::Public) => Reply {
            ephemeral: false,
            ..reply
        },
        Some(Visibility::Private) => {
            let mut reply = Reply {
                ephemeral: true,
                ..reply
            };
            // Discord allows five rows; no answer comes near it, but a sixth would be refused.
            if let Some(custom_id) = button_id(inv)
                && reply.components.len() < 5
            {
                reply.components.push(ActionRow {
                    buttons: vec![Button {
                        custom_id,
                        label: t(inv.locale, msg::share_button()),
                        style: ButtonStyle::Secondary,
                        disabled: false,
                    }],
                });
            }
            reply
        }
    }
}

/// `share:` and the question as `ask` reads it, every value named (`title:"Re:Birth"`); None
/// when it would not fit a `custom_id` or a value holds a double quote, which the `ask`
/// grammar cannot quote.
pub fn button_id(inv: &Invocation) -> Option<String> {
    let mut id = format!("{PREFIX}{}", inv.command);
    for (name, value) in &inv.options {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        if value.contains(['"', '“', '”']) {
            return None;
        }
        id.push(' ');
        id.push_str(name);
        id.push(':');
        if value.contains(|c: char| c.is_whitespace() || c == ':') {
            id.push('"');
            id.push_str(value);
            id.push('"');
        } else {
            id.push_str(value);
        }
    }
    (id.chars().count() <= limits::CUSTOM_ID).then_some(id)
}

/// Whether a button is a Share button.
pub fn is_share(custom_id: &str) -> bool {
    custom_id.starts_with(PREFIX)
}

/// What a Share press posts in the channel: the question answered again, publicly, under a
/// line naming who shared it (a mention that pings no one: every reply allows no mentions).
/// In the sharer's language, the one they read the answer in and chose to post (a server's
/// preferred language is often Discord's default rather than its members'). A refusal goes
/// to the sharer alone.
pub async fn shared(app: &App, custom_id: &str, caller: &Caller, now: DateTime<Utc>) -> Reply {
    let locale = caller.locale;
    let expired = || user_error(locale, msg::error_expired_button());
    let read = custom_id
        .strip_prefix(PREFIX)
        .ok_or_else(expired)
        .and_then(|question| Invocation::parse(question, locale))
        .and_then(|inv| Ok((Command::try_from(&inv)?, inv)));
    let (command, inv) = match read {
        Ok((command, inv)) if spec::READ_COMMANDS.contains(&command.path()) => (command, inv),
        Ok(_) => return super::refusal(expired(), custom_id, caller),
        Err(e) => return super::refusal(e, custom_id, caller),
    };
    let reply = super::answer_at(app, &command, &inv, caller, Some(Visibility::Public), now).await;
    if reply.refusal {
        return reply;
    }
    let who = caller
        .user_id
        .map_or_else(String::new, |id| format!("<@{id}>"));
    let line = t(locale, msg::share_by(&who));
    Reply {
        content: Some(match reply.content {
            Some(content) => format!("{line}\n{content}"),
            None => line,
        }),
        ..reply
    }
}

/// The pressed message's rows once shared: each Share button disabled and saying so, so it is
/// not pressed twice; the other buttons (pages) as they were.
pub fn spent(rows: &[ActionRow], locale: crate::i18n::Locale) -> Vec<ActionRow> {
    rows.iter()
        .map(|row| ActionRow {
            buttons: row
                .buttons
                .iter()
                .map(|b| match is_share(&b.custom_id) {
                    true => Button {
                        label: t(locale, msg::share_done()),
                        disabled: true,
                        ..b.clone()
                    },
                    false => b.clone(),
                })
                .collect(),
        })
        .collect()
}

/// A reply that replaces the pressed message (another page) keeps the message's Share button,
/// which it would otherwise drop.
pub(super) fn carry(mut reply: Reply, pressed: &[ActionRow]) -> Reply {
    let has_share = |row: &ActionRow| row.buttons.iter().any(|b| is_share(&b.custom_id));
    if reply.update && !reply.refusal && !reply.components.iter().any(has_share) {
        reply
            .components
            .extend(pressed.iter().filter(|r| has_share(r)).cloned());
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn a_button_holds_the_question_as_ask_reads_it() {
        for (command, options) in [
            (
                "exports",
                &[("country", "japan"), ("period", "2022 vs 2023")][..],
            ),
            ("chart", &[("title", "Re:Birth"), ("chart", "hot-100")]),
            ("artist", &[("name", "방탄소년단"), ("order", "best")]),
            ("help", &[]),
        ] {
            let inv = Invocation::new(command, options, Locale::Ko);
            let id = button_id(&inv).unwrap();
            let again = Invocation::parse(id.strip_prefix(PREFIX).unwrap(), Locale::Ko).unwrap();
            assert_eq!(again, inv, "{id}");
        }
    }

    #[test]
    fn a_question_that_cannot_be_held_gets_no_button() {
        let long = "x".repeat(limits::CUSTOM_ID);
        let quoted = "say \"hi\"";
        for title in [long.as_str(), quoted] {
            let inv = Invocation::new("chart", &[("title", title)], Locale::En);
            assert_eq!(button_id(&inv), None);
            let reply = show(Reply::default(), Some(Visibility::Private), &inv);
            assert!(reply.ephemeral && reply.components.is_empty());
        }
    }

    #[test]
    fn refusals_stay_private_and_unshared() {
        let inv = Invocation::new("exports", &[("country", "japan")], Locale::En);
        for setting in [Some(Visibility::Public), Some(Visibility::Private), None] {
            let reply = show(Reply::refusal("no"), setting, &inv);
            assert_eq!(reply, Reply::refusal("no"));
        }
        let public = Reply {
            ephemeral: true,
            ..Reply::default()
        };
        assert!(!show(public, Some(Visibility::Public), &inv).ephemeral);
        let shown = show(Reply::default(), Some(Visibility::Private), &inv);
        assert!(shown.ephemeral);
        assert_eq!(
            shown.components[0].buttons[0].custom_id,
            "share:exports country:japan"
        );
    }

    #[test]
    fn a_spent_button_is_disabled_and_other_buttons_stay() {
        let button = |id: &str| Button {
            custom_id: id.into(),
            label: id.into(),
            style: ButtonStyle::Secondary,
            disabled: false,
        };
        let rows = vec![
            ActionRow {
                buttons: vec![button("page:artist:1:0:7")],
            },
            ActionRow {
                buttons: vec![button("share:help")],
            },
        ];
        let spent = spent(&rows, Locale::En);
        assert_eq!(spent[0], rows[0]);
        assert!(spent[1].buttons[0].disabled);
        assert_eq!(spent[1].buttons[0].custom_id, "share:help");
        let page = Reply {
            update: true,
            components: vec![rows[0].clone()],
            ..Reply::default()
        };
        assert_eq!(carry(page, &rows).components, rows);
    }
}

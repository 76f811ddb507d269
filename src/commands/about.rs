//! `/about`: where the data comes from, under which terms, and what the bot keeps about its
//! users.

use super::CommandResult;
use crate::i18n::{Locale, msg, t};
use crate::reply::{Embed, Reply, colour};

pub fn run(locale: Locale) -> CommandResult {
    let embed = Embed::new(colour::INFO)
        .title(t(locale, msg::about_title()))
        .description(t(locale, msg::about_intro()))
        .field(
            t(locale, msg::about_exports()),
            t(locale, msg::about_exports_text()),
            false,
        )
        .field(
            t(locale, msg::about_charts()),
            t(locale, msg::about_charts_text()),
            false,
        )
        .field(
            t(locale, msg::about_privacy()),
            t(locale, msg::about_privacy_text()),
            false,
        )
        .field(
            t(locale, msg::about_code()),
            t(locale, msg::about_code_text()),
            false,
        );
    Ok(Reply {
        ephemeral: true,
        ..Reply::embed(embed)
    })
}

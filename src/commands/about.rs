//! `/about`: where the data comes from, how far it goes and when it was last updated, under
//! which terms, and what the bot keeps about its users.

use super::CommandResult;
use super::freshness::Freshness;
use crate::app::App;
use crate::i18n::{Locale, msg, t};
use crate::reply::limits::{FIELD_VALUE, lines_within};
use crate::reply::{Embed, Reply, colour};

pub async fn run(app: &App, locale: Locale) -> CommandResult {
    let fresh = Freshness::read(app).await?;
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
            t(locale, msg::about_freshness()),
            lines_within(&fresh.lines(locale), FIELD_VALUE, |n| {
                t(locale, msg::more(&n.to_string()))
            }),
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

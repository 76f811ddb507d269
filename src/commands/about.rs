//! `/about`: where the data comes from, under which terms, and what the bot keeps about its
//! users.

use super::{CommandResult, Invocation};
use crate::app::App;
use crate::i18n::t;
use crate::reply::{Embed, Reply, colour};

pub async fn run(_app: &App, inv: &Invocation) -> CommandResult {
    let locale = inv.locale;
    let embed = Embed::new(colour::INFO)
        .title(t(locale, "about.title", &[]))
        .description(t(locale, "about.intro", &[]))
        .field(
            t(locale, "about.exports", &[]),
            t(locale, "about.exports_text", &[]),
            false,
        )
        .field(
            t(locale, "about.charts", &[]),
            t(locale, "about.charts_text", &[]),
            false,
        )
        .field(
            t(locale, "about.privacy", &[]),
            t(locale, "about.privacy_text", &[]),
            false,
        )
        .field(
            t(locale, "about.code", &[]),
            t(locale, "about.code_text", &[]),
            false,
        );
    Ok(Reply {
        ephemeral: true,
        ..Reply::embed(embed)
    })
}

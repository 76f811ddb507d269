//! `/help`: what the bot answers, with examples, and the data it holds.

use super::{CommandResult, Invocation};
use crate::app::App;
use crate::domain::chart::{Chart, display_day};
use crate::i18n::t;
use crate::reply::{Embed, Reply, colour};

pub async fn run(app: &App, inv: &Invocation) -> CommandResult {
    let locale = inv.locale;
    let mut embed = Embed::new(colour::INFO)
        .title(t(locale, "help.title", &[]))
        .description(t(locale, "help.intro", &[]));
    for command in ["exports", "chart", "artist"] {
        embed = embed.field(
            format!("/{command}"),
            t(locale, &format!("help.{command}"), &[]),
            false,
        );
    }
    let ix = app.indexes().await?;
    let periods = ix.facts.periods();
    let mut data = vec![t(
        locale,
        "help.data_exports",
        &[("count", &periods.len().to_string())],
    )];
    for chart in Chart::ALL {
        if let Some((from, to, rows)) = ix.search.coverage(chart) {
            data.push(t(
                locale,
                "help.data_chart",
                &[
                    ("chart", chart.name()),
                    ("from", &display_day(from, locale)),
                    ("to", &display_day(to, locale)),
                    ("rows", &rows.to_string()),
                ],
            ));
        }
    }
    embed = embed.field(t(locale, "help.data", &[]), data.join("\n"), false);
    embed = embed.footer(t(locale, "help.footer", &[]));
    Ok(Reply {
        ephemeral: true,
        ..Reply::embed(embed)
    })
}

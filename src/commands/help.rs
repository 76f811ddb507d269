//! `/help`: what the bot answers, with examples to type, and the data it holds. Commands are
//! named by Discord command mentions (`</exports:ID>`), the only part Discord makes clickable,
//! once their ids are known from registration.

use super::freshness::Freshness;
use super::{Caller, CommandResult};
use crate::app::App;
use crate::domain::chart::{Chart, display_day};
use crate::i18n::{Locale, Msg, msg, t};
use crate::reply::limits::{FIELD_VALUE, lines_within};
use crate::reply::{Embed, Reply, colour};

/// The commands `/help` explains, in order; moderators' last.
/// A command's explanation in /help.
type Explanation = fn() -> Msg<'static>;

/// The commands /help explains, with their explanations.
const EXPLAINED: [(&str, Explanation); 10] = [
    ("exports", msg::help_exports),
    ("chart", msg::help_chart),
    ("artist", msg::help_artist),
    ("thisweek", msg::help_thisweek),
    ("records", msg::help_records),
    ("compare", msg::help_compare),
    ("about", msg::help_about),
    ("facts", msg::help_facts),
    ("summary", msg::help_summary),
    ("settings", msg::help_settings),
];

pub async fn run(app: &App, locale: Locale, caller: &Caller) -> CommandResult {
    let ids = command_ids(app, caller.guild_id).await?;
    let mut intro = t(locale, msg::help_intro());
    // Say what clicking does only where there is something to click.
    if EXPLAINED
        .iter()
        .any(|(c, _)| ids.get(*c).is_some_and(|v| v.is_string()))
    {
        intro.push('\n');
        intro.push_str(&t(locale, msg::help_mentions()));
    }
    let mut embed = Embed::new(colour::INFO)
        .title(t(locale, msg::help_title()))
        .description(intro);
    for (command, explained) in EXPLAINED {
        let mention = match ids.get(command).and_then(|v| v.as_str()) {
            Some(id) => format!("</{command}:{id}>"),
            None => format!("`/{command}`"),
        };
        let text = t(locale, explained());
        embed = embed.field(format!("/{command}"), format!("{mention} — {text}"), false);
    }
    let ix = app.indexes().await?;
    let fresh = Freshness::of(&ix, app.store().feed_states().await?);
    let mut data = vec![t(
        locale,
        msg::help_data_exports(&ix.facts.periods().len().to_string()),
    )];
    data.extend(fresh.exports_line(locale));
    for chart in Chart::ALL {
        if let Some((from, to, rows)) = ix.search.coverage(chart) {
            data.push(t(
                locale,
                msg::help_data_chart(
                    chart.name(),
                    &rows.to_string(),
                    &display_day(from, locale),
                    &display_day(to, locale),
                ),
            ));
        }
    }
    // The charts' lines above already end at their newest week.
    data.extend(fresh.feed_lines(locale));
    let data = lines_within(&data, FIELD_VALUE, |n| t(locale, msg::more(&n.to_string())));
    embed = embed.field(t(locale, msg::help_data()), data, false);
    embed = embed.footer(t(locale, msg::help_footer()));
    Ok(Reply {
        ephemeral: true,
        ..Reply::embed(embed)
    })
}

/// The ids Discord gave the commands at registration (for clickable mentions): this
/// server's when the commands were registered in it, else the global ones.
async fn command_ids(
    app: &App,
    guild: Option<u64>,
) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    let store = app.store();
    let mut stored = None;
    if let Some(g) = guild {
        stored = store.meta(&format!("command_ids:guild:{g}")).await?;
    }
    if stored.is_none() {
        stored = store.meta("command_ids:global").await?;
    }
    Ok(stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

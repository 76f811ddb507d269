//! `/artist name`: an act's entries on both charts.

use chrono::Datelike;

use super::{Caller, CommandResult, Invocation, user_error};
use crate::app::{App, Indexes};
use crate::domain::chart::{Chart, display_date, display_day};
use crate::domain::text;
use crate::i18n::{Locale, t};
use crate::reply::json::Choice;
use crate::reply::{ActionRow, Button, ButtonStyle, Embed, Reply, colour};
use crate::search::{ActEntry, Match, Song};

/// Entries listed per page.
const PER_PAGE: usize = 10;

pub async fn run(app: &App, inv: &Invocation, caller: &Caller) -> CommandResult {
    let locale = inv.locale;
    let name = inv.get("name").ok_or_else(|| {
        user_error(
            locale,
            "error.missing_option",
            &[("option", "name"), ("command", "artist")],
        )
    })?;
    let ix = app.indexes().await?;
    let hits = ix.search.find_acts(name);
    let act: &ActEntry = match hits.first() {
        Some((m, a)) if *m <= Match::WordPrefix || hits.len() == 1 => a,
        Some(_) => {
            let names: Vec<&str> = hits
                .iter()
                .take(3)
                .map(|(_, a)| a.row.name.as_str())
                .collect();
            return Err(user_error(
                locale,
                "artist.did_you_mean",
                &[
                    ("input", &text::truncate(name, 60)),
                    ("names", &names.join(", ")),
                ],
            ));
        }
        None => {
            return Err(user_error(
                locale,
                "artist.unknown",
                &[("input", &text::truncate(name, 60))],
            ));
        }
    };
    Ok(render(&ix, act, 0, locale, caller.user_id))
}

/// Another page of an act's entries, for the person who asked (`owner`) only.
pub async fn turn_page(
    app: &App,
    act_id: &str,
    page: usize,
    owner: u64,
    caller: &Caller,
) -> CommandResult {
    let locale = caller.locale;
    if caller.user_id != Some(owner) {
        return Err(user_error(locale, "pages.not_yours", &[]));
    }
    let ix = app.indexes().await?;
    let act = ix
        .search
        .act_by_id(act_id)
        .ok_or_else(|| user_error(locale, "error.expired_button", &[]))?;
    Ok(Reply {
        update: true,
        ..render(&ix, act, page, locale, Some(owner))
    })
}

fn render(ix: &Indexes, act: &ActEntry, page: usize, locale: Locale, owner: Option<u64>) -> Reply {
    let mut songs: Vec<Song<'_>> = ix.search.songs_of(act).collect();
    songs.sort_by_key(|s| (s.debut, s.id));
    let title = match &act.row.hangul {
        Some(h) => format!("{} ({h})", act.row.name),
        None => act.row.name.clone(),
    };
    let mut embed = Embed::new(colour::ARTIST).title(title);
    if songs.is_empty() {
        embed = embed.description(t(locale, "artist.no_entries", &[("name", &act.row.name)]));
    }
    for chart in Chart::ALL {
        let on: Vec<Song<'_>> = songs.iter().copied().filter(|s| s.chart == chart).collect();
        if !on.is_empty() {
            embed = embed.field(chart.name(), summary(&on, locale), false);
        }
    }
    if let Some(first) = songs.first() {
        embed = embed.field(
            t(locale, "artist.first", &[]),
            entry_line(*first, locale),
            false,
        );
    }
    if let Some(best) = songs
        .iter()
        .min_by_key(|s| (s.peak.unwrap_or(999), std::cmp::Reverse(s.weeks), s.debut))
    {
        embed = embed.field(
            t(locale, "artist.best", &[]),
            entry_line(*best, locale),
            false,
        );
    }
    if let Some(latest) = songs.iter().max_by_key(|s| (s.last_date, s.debut, s.id)) {
        embed = embed.field(
            t(locale, "artist.latest", &[]),
            entry_line(*latest, locale),
            false,
        );
    }
    let pages = songs.len().div_ceil(PER_PAGE).max(1);
    let page = page.min(pages - 1);
    if !songs.is_empty() {
        let lines: Vec<String> = songs[page * PER_PAGE..songs.len().min((page + 1) * PER_PAGE)]
            .iter()
            .map(|s| {
                let year = s.debut.map_or(String::new(), |d| d.year().to_string());
                let short = if s.chart == Chart::Hot100 {
                    "Hot 100"
                } else {
                    "B200"
                };
                format!(
                    "`#{:<3}` {} ({short}, {year}) · {}",
                    s.peak.unwrap_or(0),
                    s.title,
                    t(
                        locale,
                        "artist.weeks_short",
                        &[("weeks", &s.weeks.to_string())]
                    )
                )
            })
            .collect();
        let name = t(
            locale,
            "artist.entries",
            &[
                ("page", &(page + 1).to_string()),
                ("pages", &pages.to_string()),
            ],
        );
        embed = embed.field(name, lines.join("\n"), false);
    }
    let notes: Vec<_> = ix.facts.act_notes(&act.row.id).collect();
    if !notes.is_empty() {
        let lines: Vec<String> = notes
            .iter()
            .map(|n| format!("• {} ({})", n.text, display_date(&n.as_of, locale)))
            .collect();
        embed = embed.field(t(locale, "milestones", &[]), lines.join("\n"), false);
    }
    embed = embed.footer(t(locale, "artist.footer", &[]));
    let mut reply = Reply::embed(embed);
    if let (Some(owner), true) = (owner, pages > 1) {
        let button = |label: &str, to: usize, disabled: bool| Button {
            custom_id: format!("page:artist:{}:{to}:{owner}", act.row.id),
            label: label.to_string(),
            style: ButtonStyle::Secondary,
            disabled,
        };
        reply.components.push(ActionRow {
            buttons: vec![
                button("◀", page.saturating_sub(1), page == 0),
                button("▶", page + 1, page + 1 >= pages),
            ],
        });
    }
    reply
}

fn summary(songs: &[Song<'_>], locale: Locale) -> String {
    let ones = songs.iter().filter(|s| s.peak == Some(1)).count();
    let top10 = songs
        .iter()
        .filter(|s| s.peak.is_some_and(|p| p <= 10))
        .count();
    let weeks: i64 = songs.iter().map(|s| s.weeks).sum();
    t(
        locale,
        "artist.summary",
        &[
            ("entries", &songs.len().to_string()),
            ("ones", &ones.to_string()),
            ("top10", &top10.to_string()),
            ("weeks", &weeks.to_string()),
        ],
    )
}

fn entry_line(s: Song<'_>, locale: Locale) -> String {
    t(
        locale,
        "artist.entry",
        &[
            ("title", s.title),
            ("chart", s.chart.name()),
            ("peak", &s.peak.unwrap_or(0).to_string()),
            ("weeks", &s.weeks.to_string()),
            (
                "date",
                &s.debut.map(|d| display_day(d, locale)).unwrap_or_default(),
            ),
        ],
    )
}

pub async fn complete_artist(app: &App, partial: &str) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    Ok(act_choices(&ix, partial).collect())
}

/// The acts matching `partial`, as choices named with their Hangul names.
pub fn act_choices<'a>(ix: &'a Indexes, partial: &str) -> impl Iterator<Item = Choice> + 'a {
    ix.search
        .find_acts(partial)
        .into_iter()
        .take(25)
        .map(|(_, a)| {
            let name = match &a.row.hangul {
                Some(h) => format!("{} ({h})", a.row.name),
                None => a.row.name.clone(),
            };
            Choice {
                name: text::truncate(&name, 100),
                value: text::truncate(&a.row.name, 100),
            }
        })
}

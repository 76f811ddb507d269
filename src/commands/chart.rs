//! `/chart title [artist] [chart]`: a song's or album's Billboard run.

use chrono::{Datelike, NaiveDate};

use super::{CommandResult, Invocation, user_error};
use crate::app::{App, Indexes};
use crate::domain::chart::{Chart, display_date, title_key};
use crate::domain::run::Run;
use crate::domain::text;
use crate::i18n::t;
use crate::reply::json::Choice;
use crate::reply::plot::{self, RunWeek};
use crate::reply::{Embed, Reply, colour};
use crate::search::{Match, Song, TitleFilter};

/// Autocomplete values that pick one song exactly: `song:<id>`.
const SONG_PREFIX: &str = "song:";
/// How many other matches an answer names.
const OTHERS_SHOWN: usize = 5;

pub async fn run(app: &App, inv: &Invocation) -> CommandResult {
    let locale = inv.locale;
    let title = inv.get("title").ok_or_else(|| {
        user_error(
            locale,
            "error.missing_option",
            &[("option", "title"), ("command", "chart")],
        )
    })?;
    let chart = match inv.get("chart") {
        None => None,
        Some(c) => Some(Chart::parse(c).ok_or_else(|| {
            user_error(
                locale,
                "chart.bad_chart",
                &[("input", &text::truncate(c, 40))],
            )
        })?),
    };
    let ix = app.indexes().await?;
    let filter = TitleFilter {
        chart,
        artist: inv.get("artist").map(text::fold),
    };
    let picked = title
        .strip_prefix(SONG_PREFIX)
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| ix.search.song_by_id(id));
    let (hits, total): (Vec<(Match, Song<'_>)>, usize) = match picked {
        Some(song) => (vec![(Match::Exact, song)], 1),
        None => {
            let found = ix.search.find_titles(title, &filter, 1 + OTHERS_SHOWN);
            (found.hits, found.total)
        }
    };
    let Some(&(_, best)) = hits.first() else {
        let shown = text::truncate(title, 60);
        let acts = ix.search.find_acts(title);
        return Err(match acts.first() {
            Some((m, act)) if *m <= Match::WordPrefix => user_error(
                locale,
                "chart.nothing_found_try_artist",
                &[("title", &shown), ("artist", &act.row.name)],
            ),
            _ => user_error(locale, "chart.nothing_found", &[("title", &shown)]),
        });
    };
    let weeks = app.store().song_weeks(best.id).await?;
    let run =
        Run::from_weeks(&weeks).ok_or_else(|| anyhow::anyhow!("song {} has no weeks", best.id))?;
    let latest = ix.search.latest_date(best.chart);

    let song = best;
    let chart_name = song.chart.name();
    let mut embed = Embed::new(colour::CHART)
        .title(format!("{} — {}", song.title, song.credit))
        .description(t(
            locale,
            "chart.summary",
            &[
                ("chart", chart_name),
                ("weeks", &run.total_weeks().to_string()),
            ],
        ));
    let at = |position: i64, date: &str| {
        t(
            locale,
            "chart.at",
            &[
                ("position", &position.to_string()),
                ("date", &display_date(date, locale)),
            ],
        )
    };
    embed = embed
        .field(
            t(locale, "chart.debut", &[]),
            at(run.debut.position, &run.debut.date),
            true,
        )
        .field(
            t(locale, "chart.peak", &[]),
            t(
                locale,
                "chart.peak_value",
                &[
                    ("position", &run.peak.to_string()),
                    ("weeks", &run.weeks_at_peak.to_string()),
                ],
            ),
            true,
        )
        .field(
            t(locale, "chart.total_weeks", &[]),
            run.total_weeks().to_string(),
            true,
        )
        .field(
            t(locale, "chart.longest_streak", &[]),
            t(
                locale,
                "chart.weeks_count",
                &[("weeks", &run.longest_streak.to_string())],
            ),
            true,
        )
        .field(
            t(locale, "chart.re_entries", &[]),
            run.re_entries.to_string(),
            true,
        );
    if run.weeks_at_number_one > 0 {
        embed = embed.field(
            t(locale, "chart.weeks_at_one", &[]),
            run.weeks_at_number_one.to_string(),
            true,
        );
    }
    let still_on = latest.is_some_and(|d| d.to_string() == run.last.date);
    let last_key = if still_on {
        "chart.this_week"
    } else {
        "chart.last_week_on_chart"
    };
    embed = embed.field(
        t(locale, last_key, &[]),
        at(run.last.position, &run.last.date),
        true,
    );
    embed = embed.field(
        t(locale, "chart.week_by_week", &[]),
        run.week_by_week(1000),
        false,
    );

    let notes = milestones(&ix, best);
    if !notes.is_empty() {
        embed = embed.field(t(locale, "milestones", &[]), notes.join("\n"), false);
    }
    let others: Vec<String> = hits
        .iter()
        .skip(1)
        .take(OTHERS_SHOWN)
        .map(|(_, s)| {
            format!(
                "• {} — {} ({}, {}): `/chart title:\"{}\" artist:\"{}\" chart:{}`",
                s.title,
                s.credit,
                s.chart.name(),
                s.debut.map_or("?".into(), |d| d.year().to_string()),
                s.title.replace('"', "'"),
                s.credit.replace('"', "'"),
                s.chart.slug()
            )
        })
        .collect();
    if !others.is_empty() {
        let mut value = others.join("\n");
        if total > 1 + OTHERS_SHOWN {
            let more = (total - 1 - OTHERS_SHOWN).to_string();
            value.push_str(&format!(
                "\n{}",
                t(locale, "chart.more_matches", &[("count", &more)])
            ));
        }
        embed = embed.field(t(locale, "chart.other_matches", &[]), value, false);
    }
    embed = embed.footer(t(
        locale,
        "chart.footer",
        &[
            ("chart", chart_name),
            ("from", &display_date(&run.debut.date, locale)),
            ("to", &display_date(&run.last.date, locale)),
        ],
    ));

    let mut reply = Reply::embed(embed);
    let (title, chart) = (song.title.to_string(), song.chart);
    let drawn = app
        .picture(&format!("run-{}", song.id), ix.generation, move || {
            picture(&title, chart, &run)
        })
        .await;
    match drawn {
        Ok(png) => {
            reply = reply.with_picture(
                format!("run-{}.png", song.id),
                t(
                    locale,
                    "chart.picture_alt",
                    &[("title", song.title), ("chart", chart_name)],
                ),
                png,
            );
        }
        Err(e) => tracing::warn!(song = song.id, error = ?e, "rendering the run picture failed"),
    }
    Ok(reply)
}

/// The run as a picture; a week off the chart before each re-entry breaks the line.
fn picture(title: &str, chart: Chart, run: &Run) -> anyhow::Result<Vec<u8>> {
    let mut weeks: Vec<RunWeek> = Vec::with_capacity(run.weeks.len() + run.re_entries);
    for w in &run.weeks {
        let Ok(date) = NaiveDate::parse_from_str(&w.date, "%Y-%m-%d") else {
            continue;
        };
        if w.last_week.is_none()
            && let Some(prev) = weeks.last().map(|p| p.date)
        {
            weeks.push(RunWeek {
                date: prev + chrono::Days::new(7),
                position: None,
            });
        }
        weeks.push(RunWeek {
            date,
            position: Some(w.position),
        });
    }
    plot::run_chart(title, chart.name(), chart.size(), &weeks)
}

/// Milestone notes about this title (by any of its acts, or by none named).
fn milestones(ix: &Indexes, song: Song<'_>) -> Vec<String> {
    let act_ids: Vec<&str> = song
        .acts
        .iter()
        .map(|&i| ix.search.acts()[usize::from(i)].row.id.as_str())
        .collect();
    ix.facts
        .title_notes(&title_key(song.title))
        .filter(|n| n.act_id.as_deref().is_none_or(|a| act_ids.contains(&a)))
        .map(|n| format!("• {} ({})", n.text, n.as_of))
        .collect()
}

pub async fn complete_title(
    app: &App,
    partial: &str,
    inv: &Invocation,
) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    let filter = TitleFilter {
        chart: inv.get("chart").and_then(Chart::parse),
        artist: inv.get("artist").map(text::fold),
    };
    let mut out = Vec::new();
    if partial.trim().is_empty() {
        // Nothing typed yet: the K-pop runs fans ask about most, longest first.
        out.extend(ix.search.kpop_longest().map(choice));
        return Ok(out);
    }
    let hits = ix.search.find_titles(partial, &filter, 25).hits;
    if hits.first().is_none_or(|(m, _)| *m != Match::Exact) {
        out.push(Choice {
            name: text::truncate(partial, 100),
            value: text::truncate(partial, 100),
        });
    }
    out.extend(
        hits.into_iter()
            .take(25 - out.len())
            .map(|(_, s)| choice(s)),
    );
    Ok(out)
}

/// The K-pop acts first (by any of their names), then every credit on either chart.
pub async fn complete_artist(app: &App, partial: &str) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    let mut out: Vec<Choice> = super::artist::act_choices(&ix, partial).collect();
    let taken: Vec<String> = out.iter().map(|c| text::fold(&c.value)).collect();
    let credits = ix.search.find_credits(partial, 25);
    out.extend(
        credits
            .into_iter()
            .filter(|(_, credit)| !taken.contains(&text::fold(credit)))
            .map(|(_, credit)| Choice {
                name: text::truncate(credit, 100),
                value: text::truncate(credit, 100),
            }),
    );
    out.truncate(25);
    Ok(out)
}

fn choice(s: Song<'_>) -> Choice {
    let short = s.chart.short_name();
    let year = s.debut.map_or(String::new(), |d| d.year().to_string());
    let suffix = format!(" ({short} {year}, #{})", s.peak.unwrap_or(0));
    let head = text::truncate(
        &format!("{} — {}", s.title, s.credit),
        100 - suffix.chars().count(),
    );
    Choice {
        name: format!("{head}{suffix}"),
        value: format!("{SONG_PREFIX}{}", s.id),
    }
}

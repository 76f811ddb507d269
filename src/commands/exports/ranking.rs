//! `/exports [period]`: the period's total and its destinations in rank order, found as data
//! ([`Found`]) and rendered into its embed (and bar picture) apart.

use std::collections::HashSet;

use super::evidence::{self, Change};
use super::periods::Chosen;
use super::{
    Destination, Earlier, Share, change_text, collate, earlier_text, footer, headline,
    instead_line, money, source_line, weak_short, weak_words,
};
use crate::app::cache::FactsCache;
use crate::app::{App, Indexes};
use crate::commands::CommandResult;
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::print::SourceKind;
use crate::i18n::{Locale, msg, t};
use crate::reply::plot::{self, Bar};
use crate::reply::{Embed, Reply, colour};
use crate::store::{FigureSourceRow, NoteRow};

/// Sources named in the answer before "and N more reports".
const SOURCES_SHOWN: usize = 4;

/// What a `/exports` ranking says.
#[derive(Debug)]
pub(super) struct Found<'a> {
    pub chosen: Chosen,
    pub total: Total<'a>,
    /// The kinds of source behind the total, when only weak ones report it.
    pub total_weak_only: Option<Vec<SourceKind>>,
    /// The destinations listed, in rank order: those with a rank or a value.
    pub rows: Vec<Row>,
    /// Destinations known to be in the top 10 without a rank or a value.
    pub also_top10: Vec<Country>,
    /// The print cited for each fact shown, one per source, the total's first.
    pub cited: Vec<&'a FigureSourceRow>,
    /// How many sources that may be cited report on the period.
    pub reports: usize,
    pub notes: Vec<&'a NoteRow>,
}

/// The period's total to all destinations.
#[derive(Debug)]
pub(super) enum Total<'a> {
    Value {
        value: Usd,
        approx: bool,
        change: Option<Change<'a>>,
        /// The total as first reported, when it was revised since.
        earlier: Option<Earlier<'a>>,
    },
    /// No total published; a change on a year earlier may have been.
    NotPublished { change: Option<Change<'a>> },
}

/// One destination in the ranking.
#[derive(Debug)]
pub(super) struct Row {
    pub country: Country,
    pub rank: Option<i64>,
    /// None when only the rank was published.
    pub figure: Option<RowFigure>,
}

#[derive(Debug)]
pub(super) struct RowFigure {
    pub value: Usd,
    pub approx: bool,
    pub share: Option<Share>,
    pub weak_only: Option<Vec<SourceKind>>,
}

pub(super) async fn answer(
    app: &App,
    ix: &Indexes,
    chosen: Chosen,
    locale: Locale,
) -> CommandResult {
    let found = find(&ix.facts, chosen);
    let period = chosen.period;
    let title = t(locale, msg::exports_ranking_title(&period.display(locale)));
    let mut reply = Reply::embed(render(ix, &found, &title, locale));
    let bars = bars(&found.rows, locale);
    if bars.len() >= 2 {
        let drawn = app
            .picture(
                &format!("exports-{period}"),
                locale,
                ix.generation,
                move || plot::ranking_bars(&title, &bars, locale),
            )
            .await;
        match drawn {
            Ok(png) => {
                reply = reply.with_picture(
                    format!("exports-{}.png", period.label().replace('/', "_")),
                    t(locale, msg::exports_chart_alt(&period.display(locale))),
                    png,
                );
            }
            Err(e) => tracing::warn!(error = ?e, "rendering the ranking picture failed"),
        }
    }
    Ok(reply)
}

/// The period's total and destinations, ranked first (by rank), then by value.
pub(super) fn find(facts: &FactsCache, chosen: Chosen) -> Found<'_> {
    let collated = collate(facts.figures_in(chosen.period));
    let world = collated.get(&Country::WORLD).cloned();
    let mut entries: Vec<(Country, Destination)> = collated
        .into_iter()
        .filter(|(c, _)| !c.is_world())
        .collect();
    entries.sort_by_key(|(c, d)| (d.rank.unwrap_or(i64::MAX), std::cmp::Reverse(d.value()), *c));
    let total = match world.as_ref().and_then(|w| Some((w, w.value()?))) {
        Some((w, value)) => Total::Value {
            value,
            approx: w.approximate(facts),
            change: w.change(facts),
            earlier: w.first_reported(facts),
        },
        None => Total::NotPublished {
            change: world.as_ref().and_then(|w| w.change(facts)),
        },
    };
    let mut rows = Vec::new();
    let mut also_top10 = Vec::new();
    for (country, d) in &entries {
        let figure = d.value().map(|value| RowFigure {
            value,
            approx: d.approximate(facts),
            share: d.current.and_then(|f| Share::of(facts, f)),
            weak_only: evidence::weak_only(d.shown_prints(facts)),
        });
        match (d.rank, &figure) {
            (Some(_), _) | (None, Some(_)) => rows.push(Row {
                country: *country,
                rank: d.rank,
                figure,
            }),
            (None, None) if d.top10 => also_top10.push(*country),
            (None, None) => {}
        }
    }
    let destinations = world.iter().chain(entries.iter().map(|(_, d)| d));
    Found {
        chosen,
        total,
        total_weak_only: world
            .as_ref()
            .and_then(|w| evidence::weak_only(w.shown_prints(facts))),
        rows,
        also_top10,
        cited: cited(facts, destinations.clone()),
        reports: destinations
            .flat_map(|d| d.current.iter().chain(&d.earlier).chain(&d.valueless))
            .flat_map(|f| facts.prints(f.id))
            .filter(|p| evidence::citable(p))
            .map(|p| p.source.id)
            .collect::<HashSet<i64>>()
            .len(),
        notes: facts.market_notes(chosen.period).collect(),
    }
}

/// The print cited for each destination's shown fact, one per source, in order.
fn cited<'a: 'd, 'd>(
    facts: &'a FactsCache,
    destinations: impl Iterator<Item = &'d Destination<'a>>,
) -> Vec<&'a FigureSourceRow> {
    let mut out: Vec<&FigureSourceRow> = Vec::new();
    for d in destinations {
        if let Some((s, _)) = evidence::cite(d.shown_prints(facts))
            && !out.iter().any(|c| c.source.id == s.source.id)
        {
            out.push(s);
        }
    }
    out
}

/// A ranking as its embed, titled `title`.
pub(super) fn render(ix: &Indexes, found: &Found<'_>, title: &str, locale: Locale) -> Embed {
    let period = found.chosen.period;
    let mut embed = Embed::new(colour::EXPORTS)
        .title(title.to_string())
        .description(total_lines(found, locale).join("\n"));
    let ranking = ranking_lines(found, locale);
    if !ranking.is_empty() {
        embed = embed.field(t(locale, msg::exports_ranking()), ranking.join("\n"), false);
    }
    // Market notes carry no claim the export figures are checked against.
    embed = super::super::milestones::add(
        embed,
        ix,
        super::super::milestones::Computed::default(),
        found.notes.iter().copied(),
        |_, _| Vec::new(),
        |_| super::super::milestones::Subject::Market,
        locale,
    );
    let sources = source_lines(found, locale);
    if !sources.is_empty() {
        embed = embed.field(t(locale, msg::exports_sources()), sources.join("\n"), false);
    }
    embed.footer(footer(
        found.cited.first().map(|s| s.source.publisher.as_str()),
        &period.display(locale),
        locale,
    ))
}

/// The description: the total with its change and first report, or that none was published.
fn total_lines(found: &Found<'_>, locale: Locale) -> Vec<String> {
    let mut lines: Vec<String> = instead_line(found.chosen, locale).into_iter().collect();
    match &found.total {
        Total::Value {
            value,
            approx,
            change,
            earlier,
        } => {
            let mut line = t(locale, msg::exports_total(&money(*value, *approx, locale)));
            if let Some(change) = change {
                line.push_str(&format!(" · {}", change_text(*change, true, locale)));
            }
            if let Some(e) = earlier {
                line.push_str(&format!(" · {}", earlier_text(e, locale)));
            }
            lines.push(line);
        }
        Total::NotPublished { change } => {
            lines.push(t(locale, msg::exports_total_not_published()));
            lines.extend(change.map(|c| change_text(c, true, locale)));
        }
    }
    if let Some(kinds) = &found.total_weak_only {
        lines.push(weak_words(kinds, locale));
    }
    lines
}

/// One line per destination, then the unranked top 10, then what a † share is of.
fn ranking_lines(found: &Found<'_>, locale: Locale) -> Vec<String> {
    let mut lines: Vec<String> = found
        .rows
        .iter()
        .map(|row| {
            let name = format!("{} {}", row.country.flag(), row.country.name(locale));
            let figure = row.figure.as_ref().map_or_else(
                || t(locale, msg::exports_figure_not_published()),
                |f| figure_text(f, locale),
            );
            match row.rank {
                Some(r) => format!("{r}. {name} — {figure}"),
                None => format!("· {name} — {figure}"),
            }
        })
        .collect();
    if !found.also_top10.is_empty() {
        let names: Vec<String> = found
            .also_top10
            .iter()
            .map(|c| format!("{} {}", c.flag(), c.name(locale)))
            .collect();
        lines.push(t(locale, msg::exports_also_top10(&names.join(", "))));
    }
    // The last share taken of a first-reported total names that total.
    let first_reported_total = found
        .rows
        .iter()
        .filter_map(|r| r.figure.as_ref()?.share.as_ref())
        .rfind(|s| s.first_reported);
    if let Some(share) = first_reported_total {
        lines.push(t(
            locale,
            msg::exports_share_first_note(&share.total.headline(locale)),
        ));
    }
    lines
}

/// "$12.3M · 4.5% · blogs only": a destination's value, share and weak sources.
fn figure_text(f: &RowFigure, locale: Locale) -> String {
    let mut parts = vec![headline(f.value, f.approx, locale)];
    if let Some(share) = &f.share {
        if share.first_reported {
            parts.push(format!("{}†", share.percent()));
        } else {
            parts.push(share.percent());
        }
    }
    parts.extend(f.weak_only.as_ref().map(|k| weak_short(k, locale)));
    parts.join(" · ")
}

/// The sources cited, a few of them, and how many other reports there are.
fn source_lines(found: &Found<'_>, locale: Locale) -> Vec<String> {
    let mut lines: Vec<String> = found
        .cited
        .iter()
        .take(SOURCES_SHOWN)
        .map(|s| source_line(s, 0, locale))
        .collect();
    if found.reports > lines.len() {
        lines.push(t(
            locale,
            msg::exports_more_reports(&(found.reports - lines.len()).to_string()),
        ));
    }
    lines
}

/// The destinations with a value as bars, in the ranking's order, each with the rank the
/// data gives it (a destination ranked 11th stays 11th, one without a rank has none).
fn bars(rows: &[Row], locale: Locale) -> Vec<Bar> {
    rows.iter()
        .filter_map(|r| {
            r.figure.as_ref().map(|f| Bar {
                rank: r.rank,
                label: r.country.name(locale).to_string(),
                value: f.value.dollars(),
                value_label: f.value.headline(locale),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::exports::country::tests::{HEAD, facts};
    use crate::domain::period::Period;

    #[tokio::test]
    async fn a_rank_without_a_value_is_listed_and_a_top10_member_without_one_is_named_apart() {
        let csv = format!(
            "{HEAD}2001,WORLD,1000000,,,Daily,,https://daily.example/total,2002-01-20,,,newspaper\n\
             2001,US,250000,1,,Daily,,https://daily.example/total,2002-01-20,,,newspaper\n\
             2001,JP,,2,,Wire,,https://wire.example/jp,2002-01-21,,,wire\n\
             2001,CN,,,,Fan Blog,,https://blog.example/cn,2002-01-22,[top10-member],,blog\n"
        );
        let (_dir, facts) = facts(&csv).await;
        let chosen = Chosen {
            period: Period::parse("2001").unwrap(),
            instead_of: None,
        };
        let found = find(&facts, chosen);
        let listed: Vec<(&str, Option<i64>, bool)> = found
            .rows
            .iter()
            .map(|r| (r.country.code(), r.rank, r.figure.is_some()))
            .collect();
        assert_eq!(listed, [("US", Some(1), true), ("JP", Some(2), false)]);
        assert_eq!(found.also_top10, [Country::from_code("CN").unwrap()]);
        // The total's source is cited first, once, though it printed the US figure too.
        let cited: Vec<&str> = found
            .cited
            .iter()
            .map(|s| s.source.publisher.as_str())
            .collect();
        assert_eq!(cited, ["Daily", "Wire", "Fan Blog"]);
        assert_eq!(found.reports, 3);
        assert!(matches!(found.total, Total::Value { change: None, .. }));
    }
}

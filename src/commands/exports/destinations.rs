//! `/compare japan usa`: two destinations' full years side by side, each year with its value,
//! its change on a year earlier and its rank as `/exports … period:all` finds them
//! ([`trend::find`]), and both as lines in one picture.

use std::collections::BTreeSet;

use super::trend::{self, Found, YearRow};
use super::{escape_link_text, footer, headline, short_change_text, source_line};
use crate::app::{App, Indexes};
use crate::commands::{CommandResult, user_error};
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::i18n::{Locale, msg, t};
use crate::reply::limits::{DESCRIPTION, lines_within};
use crate::reply::plot::{self, YearSeries, YearValue};
use crate::reply::{Embed, Reply, colour};

/// Sources named in the answer before "and N more reports".
const SOURCES_SHOWN: usize = 4;

pub async fn answer(
    app: &App,
    ix: &Indexes,
    a: Country,
    b: Country,
    locale: Locale,
) -> CommandResult {
    for c in [a, b] {
        if ix.facts.figures_for_country(c).is_empty() {
            let known: Vec<&str> = ix
                .facts
                .countries()
                .iter()
                .map(|c| c.name(locale))
                .collect();
            return Err(user_error(
                locale,
                msg::exports_no_figures_for_country(c.name(locale), &known.join(", ")),
            ));
        }
    }
    let found = [
        trend::find(&ix.facts, a, locale),
        trend::find(&ix.facts, b, locale),
    ];
    let mut reply = Reply::embed(render(&found, locale));
    let series: Vec<YearSeries> = found
        .iter()
        .map(|f| YearSeries {
            label: f.subject.name(locale).to_string(),
            years: f
                .years
                .iter()
                .filter_map(|y| {
                    let (v, approx) = y.value?;
                    Some(YearValue {
                        year: y.year,
                        value: v.dollars(),
                        value_label: headline(v, approx, locale),
                    })
                })
                .collect(),
        })
        .collect();
    let (an, bn) = (a.name(locale), b.name(locale));
    let title = t(locale, msg::compare_countries_picture_title(an, bn));
    let drawn = app
        .picture(
            &format!("exports-compare-{}-{}", a.code(), b.code()),
            locale,
            ix.generation,
            move || {
                let money = move |v: u64| {
                    Usd::new(v).map_or_else(|_| v.to_string(), |u| u.headline(locale))
                };
                plot::yearly_lines(&title, "", &series, &money, locale)
            },
        )
        .await;
    match drawn {
        Ok(png) => {
            reply = reply.with_picture(
                format!(
                    "exports-{}-{}.png",
                    a.code().to_lowercase(),
                    b.code().to_lowercase()
                ),
                t(locale, msg::compare_countries_alt(an, bn)),
                png,
            );
        }
        Err(e) => tracing::warn!(error = ?e, "rendering the two destinations' picture failed"),
    }
    Ok(reply)
}

/// The table: a line per year either destination has, then the sources of both.
fn render(found: &[Found<'_>; 2], locale: Locale) -> Embed {
    let [a, b] = found;
    let name = |f: &Found<'_>| {
        format!(
            "{} {}",
            f.subject.flag(),
            escape_link_text(f.subject.name(locale))
        )
    };
    let title = t(locale, msg::compare_countries_title(&name(a), &name(b)));
    let years: BTreeSet<i32> = found
        .iter()
        .flat_map(|f| f.years.iter().map(|y| y.year))
        .collect();
    let mut lines = vec![t(
        locale,
        msg::compare_countries_columns(&name(a), &name(b)),
    )];
    if years.is_empty() {
        lines.push(t(locale, msg::exports_trend_no_years()));
    }
    for year in &years {
        let side = |f: &Found<'_>| {
            f.years
                .iter()
                .find(|y| y.year == *year)
                .map_or("—".to_string(), |y| side_text(y, locale))
        };
        lines.push(format!("**{year}** · {} · {}", side(a), side(b)));
    }
    let more = |n: usize| t(locale, msg::more(&n.to_string()));
    let mut embed = Embed::new(colour::EXPORTS)
        .title(title)
        .description(lines_within(&lines, DESCRIPTION, more));
    // The newest years' sources of each, in turn, one line per source.
    let mut cited = Vec::new();
    for i in 0..a.cited.len().max(b.cited.len()) {
        for f in found {
            if let Some(s) = f.cited.get(i)
                && !cited
                    .iter()
                    .any(|c: &&crate::store::FigureSourceRow| c.source.id == s.source.id)
            {
                cited.push(*s);
            }
        }
    }
    let mut sources: Vec<String> = cited
        .iter()
        .take(SOURCES_SHOWN)
        .map(|s| source_line(s, 0, locale))
        .collect();
    if cited.len() > sources.len() {
        let left = cited.len() - sources.len();
        sources.push(t(locale, msg::exports_more_reports(&left.to_string())));
    }
    if !sources.is_empty() {
        embed = embed.field(t(locale, msg::exports_sources()), sources.join("\n"), false);
    }
    let period = match (years.first(), years.last()) {
        (Some(first), Some(last)) if first != last => format!("{first}–{last}"),
        (Some(year), _) => year.to_string(),
        _ => t(locale, msg::exports_trend_all_years()),
    };
    embed.footer(footer(None, &period, locale))
}

/// One destination's year: "$85.75M +9.9% No. 1", as the all-years table writes each part.
fn side_text(y: &YearRow<'_>, locale: Locale) -> String {
    let mut parts = vec![match y.value {
        Some((v, approx)) => headline(v, approx, locale),
        None => t(locale, msg::exports_figure_not_published()),
    }];
    parts.extend(y.change.map(|c| short_change_text(c, locale)));
    parts.extend(
        y.rank
            .map(|r| t(locale, msg::exports_trend_rank(&r.to_string()))),
    );
    parts.extend(y.weak.clone());
    parts.join(" ")
}

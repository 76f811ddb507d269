//! `/exports [country] period:all`: a destination's (or the world total's) full years as a line
//! and a table with changes and ranks, and its half-years and year-to-date spans listed apart.
//! Found as data ([`Found`]) and rendered into its embed (and line picture) apart.

use std::collections::HashSet;

use super::evidence::{self, Change};
use super::periods::Chosen;
use super::{
    Destination, collate, escape_link_text, footer, headline, ranking, short_change_text,
    source_line, weak_mark,
};
use crate::app::cache::FactsCache;
use crate::app::{App, Indexes};
use crate::commands::CommandResult;
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::Period;
use crate::i18n::{Locale, msg, t};
use crate::reply::limits::{DESCRIPTION, FIELD_VALUE, lines_within};
use crate::reply::plot::{self, YearValue};
use crate::reply::{Embed, Reply, colour};
use crate::store::FigureSourceRow;

/// Sources named in the answer before "and N more reports".
const SOURCES_SHOWN: usize = 4;
/// Fields the half-years and year-to-date spans may take.
const PART_FIELDS: usize = 3;
/// Destinations named per year of the world's table.
const TOP: usize = 3;

/// What an all-years answer says about one destination or, for [`Country::WORLD`], the total.
#[derive(Debug)]
pub(super) struct Found<'a> {
    pub subject: Country,
    /// Full years with a value, a rank or (for the world) ranked destinations, oldest first.
    pub years: Vec<YearRow<'a>>,
    /// Half-years and year-to-date spans with a value, oldest first.
    pub parts: Vec<PartRow<'a>>,
    /// The print cited for each year's facts, one per source, newest year first.
    pub cited: Vec<&'a FigureSourceRow>,
    /// How many sources that may be cited report the years' facts.
    pub reports: usize,
}

#[derive(Debug)]
pub(super) struct YearRow<'a> {
    pub year: i32,
    pub value: Option<(Usd, bool)>,
    /// The change on a year earlier, by the rules of a one-period answer.
    pub change: Option<Change<'a>>,
    /// The rank as reported (destinations only).
    pub rank: Option<i64>,
    /// The year's first destinations in rank order (the world only).
    pub top: Vec<Country>,
    pub weak: Option<String>,
}

#[derive(Debug)]
pub(super) struct PartRow<'a> {
    pub period: Period,
    pub value: Usd,
    pub approx: bool,
    pub change: Option<Change<'a>>,
    pub cited: Option<&'a FigureSourceRow>,
}

pub(super) async fn answer(
    app: &App,
    ix: &Indexes,
    country: Option<Country>,
    locale: Locale,
) -> CommandResult {
    let subject = country.unwrap_or(Country::WORLD);
    let found = find(&ix.facts, subject, locale);
    let title = title(subject, locale);
    let mut reply = Reply::embed(render(&found, &title, locale));
    let years: Vec<YearValue> = found
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
        .collect();
    // The years drawn, which may be fewer than the table's (a rank alone is not drawn).
    let subtitle = span(years.iter().map(|y| y.year)).map_or_else(String::new, |s| {
        t(locale, msg::exports_trend_picture_subtitle(&s))
    });
    let drawn = app
        .picture(
            &format!("exports-all-{}", subject.code()),
            locale,
            ix.generation,
            move || {
                let money = move |v: u64| {
                    Usd::new(v).map_or_else(|_| v.to_string(), |u| u.headline(locale))
                };
                plot::yearly_line(&title, &subtitle, &years, &money, locale)
            },
        )
        .await;
    match drawn {
        Ok(png) => {
            let name = subject.name(locale);
            reply = reply.with_picture(
                format!("exports-all-{}.png", subject.code().to_lowercase()),
                t(locale, msg::exports_trend_alt(name)),
                png,
            );
        }
        Err(e) => tracing::warn!(error = ?e, "rendering the yearly picture failed"),
    }
    Ok(reply)
}

/// The title, also drawn in the picture: no flag, which the picture's font has no glyph for.
fn title(subject: Country, locale: Locale) -> String {
    if subject.is_world() {
        t(locale, msg::exports_trend_world_title())
    } else {
        t(locale, msg::exports_trend_title(subject.name(locale)))
    }
}

/// "2017–2025": the first and last of `years`.
fn span(years: impl Iterator<Item = i32> + Clone) -> Option<String> {
    let (first, last) = (years.clone().min()?, years.max()?);
    Some(if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    })
}

/// A half-year, or a span from January within one year: what a year is partly known by.
fn part_year(p: Period) -> bool {
    match p {
        Period::Year(_) => false,
        Period::Half(..) => true,
        _ => p.start().month == 1 && p.start().year == p.end().year,
    }
}

/// Every full year of `subject`, and its half-years and year-to-date spans.
pub(super) fn find(facts: &FactsCache, subject: Country, locale: Locale) -> Found<'_> {
    let mut periods: Vec<Period> = facts.periods().iter().map(|(p, _)| *p).collect();
    periods.reverse();
    let mut years = Vec::new();
    let mut parts = Vec::new();
    let mut shown: Vec<Destination> = Vec::new();
    for p in periods {
        let d = collate(facts.figures_of(p, subject))
            .remove(&subject)
            .unwrap_or_default();
        if let Period::Year(year) = p {
            let top: Vec<(Country, Destination)> = if subject.is_world() {
                top_destinations(facts, p)
            } else {
                Vec::new()
            };
            let value = d.value().map(|v| (v, d.approximate(facts)));
            if value.is_none() && d.rank.is_none() && top.is_empty() {
                continue;
            }
            years.push(YearRow {
                year,
                value,
                change: d.change(facts),
                rank: d.rank.filter(|_| !subject.is_world()),
                top: top.iter().map(|(c, _)| *c).collect(),
                weak: weak_mark(d.shown_prints(facts), locale),
            });
            shown.push(d);
            shown.extend(top.into_iter().map(|(_, d)| d));
        } else if part_year(p)
            && let Some(value) = d.value()
        {
            parts.push(PartRow {
                period: p,
                value,
                approx: d.approximate(facts),
                change: d.change(facts),
                cited: evidence::cite(d.shown_prints(facts)).map(|(s, _)| s),
            });
        }
    }
    // The newest years' sources first: those are named before "and N more".
    let mut cited: Vec<&FigureSourceRow> = Vec::new();
    for d in shown.iter().rev() {
        if let Some((s, _)) = evidence::cite(d.shown_prints(facts))
            && !cited.iter().any(|c| c.source.id == s.source.id)
        {
            cited.push(s);
        }
    }
    let reports = shown
        .iter()
        .flat_map(|d| d.shown_prints(facts))
        .filter(|p| evidence::citable(p))
        .map(|p| p.source.id)
        .collect::<HashSet<i64>>()
        .len();
    Found {
        subject,
        years,
        parts,
        cited,
        reports,
    }
}

/// The year's first destinations in the ranking's order (by rank, then value).
fn top_destinations(facts: &FactsCache, year: Period) -> Vec<(Country, Destination<'_>)> {
    let ranked = ranking::find(
        facts,
        Chosen {
            period: year,
            instead_of: None,
        },
    );
    let mut collated = collate(facts.figures_in(year));
    ranked
        .rows
        .iter()
        .take(TOP)
        .filter_map(|r| Some((r.country, collated.remove(&r.country)?)))
        .collect()
}

/// The all-years answer as its embed, titled `title` (with the destination's flag).
pub(super) fn render(found: &Found<'_>, title: &str, locale: Locale) -> Embed {
    let world = found.subject.is_world();
    let heading = if world {
        title.to_string()
    } else {
        format!("{} {title}", found.subject.flag())
    };
    let more = |n: usize| t(locale, msg::more(&n.to_string()));
    let mut lines = vec![t(
        locale,
        if world {
            msg::exports_trend_columns_world()
        } else {
            msg::exports_trend_columns()
        },
    )];
    if found.years.is_empty() {
        lines.push(t(locale, msg::exports_trend_no_years()));
    }
    lines.extend(found.years.iter().map(|y| year_line(y, world, locale)));
    let mut embed = Embed::new(colour::EXPORTS)
        .title(heading)
        .description(lines_within(&lines, DESCRIPTION, more));
    let parts: Vec<String> = found.parts.iter().map(|p| part_line(p, locale)).collect();
    for (i, chunk) in fields_of(&parts).iter().enumerate() {
        let name = t(locale, msg::exports_trend_parts());
        let name = if i == 0 {
            name
        } else {
            format!("{name} ({})", i + 1)
        };
        embed = embed.field(name, lines_within(chunk, FIELD_VALUE, more), false);
    }
    let mut sources: Vec<String> = found
        .cited
        .iter()
        .take(SOURCES_SHOWN)
        .map(|s| source_line(s, 0, locale))
        .collect();
    if found.reports > sources.len() {
        let left = found.reports - sources.len();
        sources.push(t(locale, msg::exports_more_reports(&left.to_string())));
    }
    if !sources.is_empty() {
        embed = embed.field(t(locale, msg::exports_sources()), sources.join("\n"), false);
    }
    let period = span(found.years.iter().map(|y| y.year))
        .unwrap_or_else(|| t(locale, msg::exports_trend_all_years()));
    // Many reports make the years: they are named above, none of them in the footer.
    embed.footer(footer(None, &period, locale))
}

/// Whole lines grouped into field values of at most [`FIELD_VALUE`] characters, at most
/// [`PART_FIELDS`] of them (the last one says how many lines it leaves out).
fn fields_of(lines: &[String]) -> Vec<&[String]> {
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, line) in lines.iter().enumerate() {
        let n = line.chars().count() + 1;
        if i > start && used + n > FIELD_VALUE && out.len() + 1 < PART_FIELDS {
            out.push(&lines[start..i]);
            (start, used) = (i, 0);
        }
        used += n;
    }
    if start < lines.len() {
        out.push(&lines[start..]);
    }
    out
}

/// "**2022** · $85.75M · +9.9% · No. 1", or for the world "… · 🇯🇵 Japan, 🇺🇸 United States, …".
fn year_line(y: &YearRow<'_>, world: bool, locale: Locale) -> String {
    let mut parts = vec![format!("**{}**", y.year)];
    parts.push(match y.value {
        Some((v, approx)) => headline(v, approx, locale),
        None if world => t(locale, msg::exports_total_not_published()),
        None => t(locale, msg::exports_figure_not_published()),
    });
    parts.extend(y.change.map(|c| short_change_text(c, locale)));
    parts.extend(
        y.rank
            .map(|r| t(locale, msg::exports_trend_rank(&r.to_string()))),
    );
    parts.extend(y.weak.clone());
    let mut line = parts.join(" · ");
    if world && !y.top.is_empty() {
        let names: Vec<String> = y
            .top
            .iter()
            .map(|c| format!("{} {}", c.flag(), escape_link_text(c.name(locale))))
            .collect();
        line.push_str(&format!(" — {}", names.join(", ")));
    }
    line
}

/// "2023 H1 — $48.52M · +12.3% · [Yonhap News Agency](…), 17 July 2023".
fn part_line(p: &PartRow<'_>, locale: Locale) -> String {
    let mut parts = vec![headline(p.value, p.approx, locale)];
    parts.extend(p.change.map(|c| short_change_text(c, locale)));
    parts.extend(p.cited.map(|s| source_line(s, 0, locale)));
    format!("{} — {}", p.period.display(locale), parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::exports::country::tests::{HEAD, facts};

    #[test]
    fn long_lists_are_spread_over_fields_of_whole_lines() {
        let lines: Vec<String> = (0..30).map(|i| format!("{i:0>99}")).collect();
        let fields = fields_of(&lines);
        assert_eq!(
            fields.iter().map(|f| f.len()).collect::<Vec<_>>(),
            [10, 10, 10]
        );
        let many: Vec<String> = (0..40).map(|i| format!("{i:0>99}")).collect();
        assert_eq!(fields_of(&many).len(), PART_FIELDS);
        assert!(fields_of(&[]).is_empty());
    }

    #[test]
    fn halves_and_spans_from_january_are_part_years() {
        let p = |s: &str| Period::parse(s).unwrap();
        for (label, want) in [
            ("2023", false),
            ("2023-H1", true),
            ("2023-H2", true),
            ("2023-01/2023-10", true),
            ("2023-Q1", true),
            ("2023-06/2023-09", false),
            ("2023-10", false),
        ] {
            assert_eq!(part_year(p(label)), want, "{label}");
        }
    }

    #[tokio::test]
    async fn years_are_oldest_first_with_changes_and_the_world_names_its_first_three() {
        let csv = format!(
            "{HEAD}2001,WORLD,1000000,,,Daily,,https://daily.example/a,2002-01-20,,,newspaper\n\
             2002,WORLD,1200000,,,Daily,,https://daily.example/b,2003-01-20,,,newspaper\n\
             2002-H1,WORLD,500000,,,Daily,,https://daily.example/c,2002-07-20,,,newspaper\n\
             2002,US,400000,2,,Daily,,https://daily.example/b,2003-01-20,,,newspaper\n\
             2002,JP,600000,1,,Daily,,https://daily.example/b,2003-01-20,,,newspaper\n\
             2002,CN,,3,,Wire,,https://wire.example/cn,2003-01-21,,,wire\n\
             2002,TH,10000,,,Daily,,https://daily.example/b,2003-01-20,,,newspaper\n"
        );
        let (_dir, facts) = facts(&csv).await;
        let found = find(&facts, Country::WORLD, Locale::En);
        let years: Vec<i32> = found.years.iter().map(|y| y.year).collect();
        assert_eq!(years, [2001, 2002]);
        assert!(matches!(
            found.years[1].change,
            Some(Change::Computed { tenths: 200, .. })
        ));
        let top: Vec<&str> = found.years[1].top.iter().map(|c| c.code()).collect();
        assert_eq!(top, ["JP", "US", "CN"]);
        let parts: Vec<String> = found.parts.iter().map(|p| p.period.label()).collect();
        assert_eq!(parts, ["2002-H1"]);
        let cited: Vec<&str> = found
            .cited
            .iter()
            .map(|s| s.source.url.as_deref().unwrap())
            .collect();
        assert!(cited.contains(&"https://wire.example/cn"), "{cited:?}");

        let japan = find(&facts, Country::from_code("JP").unwrap(), Locale::En);
        assert_eq!(japan.years.len(), 1);
        assert_eq!(japan.years[0].rank, Some(1));
        assert!(japan.parts.is_empty());
    }
}

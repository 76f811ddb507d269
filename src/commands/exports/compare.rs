//! `/exports [country] 2022 vs 2023`: two periods side by side, with the change between them
//! where the two figures allow one.

use super::evidence::{self, Change};
use super::{
    Destination, change_text, collate, escape_link_text, footer, headline, money,
    short_change_text, source_line, weak_mark,
};
use crate::app::cache::FactsCache;
use crate::commands::CommandResult;
use crate::domain::country::Country;
use crate::domain::period::Period;
use crate::i18n::{Locale, msg, t};
use crate::reply::{Embed, Reply, colour};

/// The change between a destination's values in two periods, earlier first.
fn change_between<'a>(
    facts: &'a FactsCache,
    earlier: &Destination<'a>,
    later: &Destination<'a>,
) -> Option<(Change<'a>, bool)> {
    let (e, l) = (earlier.current?, later.current?);
    let yoy = e.period.shifted(1) == l.period;
    let also = later.changes_alone(facts);
    evidence::change_between(facts, e, l, &also).map(|c| (c, yoy))
}

pub(super) fn answer(
    facts: &FactsCache,
    country: Option<Country>,
    a: Period,
    b: Period,
    locale: Locale,
) -> CommandResult {
    let (earlier, later) = if (a.end(), a.start()) <= (b.end(), b.start()) {
        (a, b)
    } else {
        (b, a)
    };
    let both = format!("{} vs {}", earlier.display(locale), later.display(locale));
    let subject = country.unwrap_or(Country::WORLD);
    let sides: Vec<(Period, Destination)> = [earlier, later]
        .into_iter()
        .map(|p| {
            let d = collate(facts.figures_of(p, subject))
                .remove(&subject)
                .unwrap_or_default();
            (p, d)
        })
        .collect();

    let mut lines = Vec::new();
    for (p, d) in &sides {
        let mut parts = vec![match d.value() {
            Some(v) => money(v, d.approximate(facts), locale),
            None if country.is_none() => t(locale, msg::exports_total_not_published()),
            None => t(locale, msg::exports_value_not_published()),
        }];
        if country.is_some() {
            match (d.rank, d.top10) {
                (Some(r), _) => parts.push(t(locale, msg::exports_rank(&r.to_string()))),
                (None, true) => parts.push(t(locale, msg::exports_top10_member())),
                _ => {}
            }
        }
        parts.extend(weak_mark(d.shown_prints(facts), locale));
        lines.push(format!("{}: {}", p.display(locale), parts.join(" · ")));
    }
    let (e, l) = (&sides[0].1, &sides[1].1);
    match change_between(facts, e, l) {
        Some((change, yoy)) => lines.push(change_text(change, yoy, locale)),
        None if e.value().is_some() && l.value().is_some() => {
            lines.push(t(locale, msg::exports_no_change_on_one_basis()));
        }
        None => {}
    }

    let title = match country {
        Some(c) => format!("{} {} · {both}", c.flag(), c.name(locale)),
        None => t(locale, msg::exports_ranking_title(&both)),
    };
    let mut embed = Embed::new(colour::EXPORTS)
        .title(title)
        .description(lines.join("\n"));
    if country.is_none() {
        let rows = destinations(facts, earlier, later, locale);
        if !rows.is_empty() {
            embed = embed.field(t(locale, msg::exports_ranking()), rows.join("\n"), false);
        }
    }
    let mut cited = Vec::new();
    for (p, d) in &sides {
        if let Some((s, others)) = evidence::cite(d.shown_prints(facts)) {
            cited.push(format!(
                "{}: {}",
                p.display(locale),
                source_line(s, others, locale)
            ));
        }
    }
    if !cited.is_empty() {
        embed = embed.field(t(locale, msg::exports_sources()), cited.join("\n"), false);
    }
    embed = embed.footer(footer(None, &both, locale));
    Ok(Reply::embed(embed))
}

/// One line per destination with a value in either period, in the later period's order:
/// "🇯🇵 Japan — $85.75M → $119.17M · +39.0%".
fn destinations(facts: &FactsCache, earlier: Period, later: Period, locale: Locale) -> Vec<String> {
    let before = collate(facts.figures_in(earlier));
    let after = collate(facts.figures_in(later));
    let mut countries: Vec<Country> = before
        .iter()
        .chain(after.iter())
        .filter(|(c, d)| !c.is_world() && d.value().is_some())
        .map(|(c, _)| *c)
        .collect();
    countries.sort_by_key(|c| {
        let d = after.get(c);
        (
            d.and_then(|d| d.rank).unwrap_or(i64::MAX),
            std::cmp::Reverse(d.and_then(Destination::value)),
            before.get(c).and_then(|d| d.rank).unwrap_or(i64::MAX),
            *c,
        )
    });
    countries.dedup();
    let none = Destination::default();
    countries
        .into_iter()
        .map(|c| {
            let (e, l) = (
                before.get(&c).unwrap_or(&none),
                after.get(&c).unwrap_or(&none),
            );
            let shown = |d: &Destination| {
                d.value().map_or("—".to_string(), |v| {
                    headline(v, d.approximate(facts), locale)
                })
            };
            let mut line = format!(
                "{} {} — {} → {}",
                c.flag(),
                escape_link_text(c.name(locale)),
                shown(e),
                shown(l)
            );
            if let Some((change, _)) = change_between(facts, e, l) {
                line.push_str(&format!(" · {}", short_change_text(change, locale)));
            }
            line
        })
        .collect()
}

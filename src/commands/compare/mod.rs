//! `/compare first second [chart]`: two acts, two titles, two destinations or two periods side
//! by side. Each side is read every way it can be: as an act (by any of its names), a title
//! (called exactly that), a destination and a period. The kind both sides share is answered,
//! preferring acts named whole, then K-pop titles, destinations, periods, other titles, and
//! last acts found by a part or a slip of their name; two sides with no kind in common are
//! refused, saying how each was read.

mod acts;
mod titles;

use chrono::NaiveDate;

use super::{CommandError, CommandResult, Invocation, command, exports, user_error};
use crate::app::search::{ActEntry, Lookup, Match, Song, TitleFilter};
use crate::app::{App, Indexes};
use crate::domain::chart::Chart;
use crate::domain::country::Country;
use crate::domain::period::{PeriodInput, PeriodQuery, PeriodRef};
use crate::domain::text::truncate;
use crate::i18n::{Locale, msg, t};
use crate::reply::json::Choice;

/// Autocomplete values that pick one title exactly, as `/chart`'s do: `song:<id>`.
const SONG_PREFIX: &str = "song:";
/// Names offered when a side reads as nothing.
const CLOSEST: usize = 3;

/// Every way one side reads.
#[derive(Clone, Debug, Default)]
struct Readings<'a> {
    /// The act, and whether a name of it was given whole.
    act: Option<(&'a ActEntry, bool)>,
    /// A title called what was given (the one `/chart` would answer with).
    title: Option<Song<'a>>,
    country: Option<Country>,
    /// One period (not two compared, nor all years).
    period: Option<PeriodRef>,
}

/// The kind both sides were read as, with each side's reading.
enum Pair<'a> {
    Acts(&'a ActEntry, &'a ActEntry),
    Titles(Song<'a>, Song<'a>),
    Countries(Country, Country),
    Periods(PeriodRef, PeriodRef),
}

pub async fn run(
    app: &App,
    asked: &command::Compare,
    locale: Locale,
    today: NaiveDate,
) -> CommandResult {
    let ix = app.indexes().await?;
    let (first, second) = (asked.first.as_str(), asked.second.as_str());
    let a = read(&ix, first, asked.chart);
    let b = read(&ix, second, asked.chart);
    let Some(pair) = pair(&a, &b) else {
        return Err(refuse(&ix, [(first, &a), (second, &b)], locale));
    };
    if let Some(reading) = same(&pair, first, locale) {
        return Err(user_error(locale, msg::compare_same(&reading)));
    }
    match pair {
        Pair::Acts(x, y) => Ok(acts::answer(&ix, [x, y], asked.chart, locale)),
        Pair::Titles(x, y) => titles::answer(app, &ix, [x, y], locale).await,
        Pair::Countries(x, y) => exports::destinations_compared(app, &ix, x, y, locale).await,
        Pair::Periods(x, y) => {
            exports::periods_compared(&ix, (x, first), (y, second), locale, today)
        }
    }
}

/// Reads one side every way it can be read; `chart` narrows the titles.
fn read<'a>(ix: &'a Indexes, text: &str, chart: Option<Chart>) -> Readings<'a> {
    let hits = ix.search.find_acts(text);
    let act = match hits.first() {
        Some((m, a)) if *m <= Match::WordPrefix || hits.len() == 1 => {
            Some((*a, *m == Match::Exact))
        }
        _ => None,
    };
    let picked = text
        .strip_prefix(SONG_PREFIX)
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| ix.search.song_by_id(id))
        .filter(|s| chart.is_none_or(|c| c == s.chart));
    let filter = TitleFilter {
        chart,
        artist: None,
    };
    let title = picked.or_else(|| match ix.search.lookup(text, &filter, 1) {
        Lookup::Called { hits, .. } => hits.first().copied(),
        _ => None,
    });
    let period = match PeriodQuery::parse(text) {
        Ok(PeriodQuery::One(r)) => Some(r),
        _ => None,
    };
    Readings {
        act,
        title,
        country: ix.countries.parse(text).ok(),
        period,
    }
}

/// The kind both sides read as, by preference; None when they share none.
fn pair<'a>(a: &Readings<'a>, b: &Readings<'a>) -> Option<Pair<'a>> {
    match (a, b) {
        (
            Readings {
                act: Some((x, true)),
                ..
            },
            Readings {
                act: Some((y, true)),
                ..
            },
        ) => Some(Pair::Acts(x, y)),
        _ if kpop(a.title) && kpop(b.title) => Some(Pair::Titles(a.title?, b.title?)),
        _ if a.country.is_some() && b.country.is_some() => {
            Some(Pair::Countries(a.country?, b.country?))
        }
        _ if a.period.is_some() && b.period.is_some() => Some(Pair::Periods(a.period?, b.period?)),
        _ if a.title.is_some() && b.title.is_some() => Some(Pair::Titles(a.title?, b.title?)),
        _ => Some(Pair::Acts(a.act?.0, b.act?.0)),
    }
}

/// A K-pop title: one that outranks a destination or a period of the same name ("Japan" is
/// a destination here, though a rapper charted a song called that).
fn kpop(title: Option<Song<'_>>) -> bool {
    title.is_some_and(|s| s.is_kpop)
}

/// How one side was read, when both read the same: the reading to name in the refusal.
fn same(pair: &Pair<'_>, text: &str, locale: Locale) -> Option<String> {
    match pair {
        Pair::Acts(x, y) if x.row.id == y.row.id => Some(act_reading(x, locale)),
        Pair::Titles(x, y) if x.id == y.id => Some(title_reading(*x, locale)),
        Pair::Countries(x, y) if x == y => Some(country_reading(*x, locale)),
        Pair::Periods(x, y) if x == y => Some(period_reading(*x, text, locale)),
        _ => None,
    }
}

/// Why the two sides cannot be compared: what each was read as, or that one was read as
/// nothing, with the closest names the look-ups offer.
fn refuse(ix: &Indexes, sides: [(&str, &Readings<'_>); 2], locale: Locale) -> CommandError {
    let [(first, a), (second, b)] = sides;
    match (reading(a, first, locale), reading(b, second, locale)) {
        (Some(ra), Some(rb)) => user_error(
            locale,
            msg::compare_mixed(&truncate(first, 60), &ra, &truncate(second, 60), &rb),
        ),
        (ra, _) => {
            let unread = if ra.is_none() { first } else { second };
            let mut text = t(locale, msg::compare_unknown(&truncate(unread, 60)));
            let closest = closest(ix, unread, locale);
            if !closest.is_empty() {
                text.push(' ');
                text.push_str(&t(locale, msg::compare_closest(&closest.join(", "))));
            }
            CommandError::User(text)
        }
    }
}

/// The reading a side is named by, in the order [`pair`] prefers: act (whole name), K-pop
/// title, destination, period, other title, act (part of a name).
fn reading(r: &Readings<'_>, text: &str, locale: Locale) -> Option<String> {
    if let Some((a, true)) = r.act {
        return Some(act_reading(a, locale));
    }
    let title = |kpop: bool| {
        r.title
            .filter(|s| s.is_kpop == kpop)
            .map(|s| title_reading(s, locale))
    };
    title(true)
        .or_else(|| r.country.map(|c| country_reading(c, locale)))
        .or_else(|| r.period.map(|p| period_reading(p, text, locale)))
        .or_else(|| title(false))
        .or_else(|| r.act.map(|(a, _)| act_reading(a, locale)))
}

fn act_reading(a: &ActEntry, locale: Locale) -> String {
    t(locale, msg::compare_as_act(&a.row.name))
}

fn title_reading(s: Song<'_>, locale: Locale) -> String {
    t(
        locale,
        msg::compare_as_title(
            &truncate(s.title, 60),
            &truncate(s.credit, 60),
            s.chart.name(),
        ),
    )
}

fn country_reading(c: Country, locale: Locale) -> String {
    t(locale, msg::compare_as_country(c.name(locale)))
}

/// A period by its label when it names one exactly, else as typed ("last year", "H1").
fn period_reading(p: PeriodRef, text: &str, locale: Locale) -> String {
    let shown = match p {
        PeriodRef::Given(PeriodInput::Exact(p)) => p.display(locale),
        _ => truncate(text, 40),
    };
    t(locale, msg::compare_as_period(&shown))
}

/// The closest acts, titles and destinations to what was typed, a few of each.
fn closest(ix: &Indexes, text: &str, locale: Locale) -> Vec<String> {
    let mut out: Vec<String> = ix
        .search
        .find_acts(text)
        .iter()
        .take(CLOSEST)
        .map(|(_, a)| a.row.name.clone())
        .collect();
    if let Lookup::Closest { closest, .. } =
        ix.search.lookup(text, &TitleFilter::default(), CLOSEST)
    {
        out.extend(
            closest
                .iter()
                .map(|s| format!("{} — {}", truncate(s.title, 60), truncate(s.credit, 40))),
        );
    }
    let known = ix.facts.countries();
    out.extend(
        ix.countries
            .suggest(text, CLOSEST)
            .into_iter()
            .filter(|c| known.contains(c))
            .map(|c| c.name(locale).to_string()),
    );
    out
}

/// Suggestions for either side: acts, then the destinations with figures, then titles (as
/// `song:<id>`, which picks one run exactly).
pub async fn complete(app: &App, partial: &str, inv: &Invocation) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    let mut out: Vec<Choice> = super::artist::act_choices(&ix, partial).take(8).collect();
    let known = ix.facts.countries();
    out.extend(
        ix.countries
            .complete(partial, known, 5)
            .into_iter()
            .map(|c| Choice {
                name: format!("{} {}", c.flag(), c.name(inv.locale)),
                value: c.code().to_string(),
            }),
    );
    let chart = inv.get("chart").and_then(Chart::parse);
    let titles: Vec<Song<'_>> = if partial.trim().is_empty() {
        ix.search
            .kpop_longest()
            .filter(|s| chart.is_none_or(|c| c == s.chart))
            .take(25)
            .collect()
    } else {
        let filter = TitleFilter {
            chart,
            artist: None,
        };
        let hits = ix.search.find_titles(partial, &filter, 25).hits;
        hits.into_iter().map(|(_, s)| s).collect()
    };
    let room = 25 - out.len();
    out.extend(titles.into_iter().take(room).map(super::chart::choice));
    Ok(out)
}

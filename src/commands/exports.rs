//! `/exports [country] [period]`: album export figures by destination and period, or every
//! year of them (`period:all`).

mod compare;
mod country;
mod destinations;
mod evidence;
mod periods;
mod ranking;
mod trend;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{CommandError, CommandResult, command, user_error};
use crate::app::cache::FactsCache;
use crate::app::{App, Indexes};
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::{Period, PeriodQuery, PeriodRef};
use crate::domain::print::SourceKind;
use crate::domain::source::SourceUrl;
use crate::i18n::{Locale, msg, t};
use crate::reply::json::Choice;
use crate::store::{FigureRow, FigureSourceRow};
use evidence::Change;
use periods::{Chosen, Scope};

pub use destinations::answer as destinations_compared;
pub use periods::complete_period;

pub async fn run(
    app: &App,
    asked: &command::Exports,
    locale: Locale,
    today: NaiveDate,
) -> CommandResult {
    let ix = app.indexes().await?;
    let country = match asked.country.as_deref() {
        None => None,
        Some(text) => Some(parse_country(&ix, text, locale)?),
    }
    .filter(|c| !c.is_world());
    if let Some(c) = country
        && ix.facts.figures_for_country(c).is_empty()
    {
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
    let scope = Scope::new(&ix.facts, country, today, locale);
    let query = asked
        .period
        .as_deref()
        .map(|text| scope.parse(text))
        .transpose()?;
    let text = asked.period.as_deref().unwrap_or_default();
    match query {
        Some(PeriodQuery::Versus(a, b)) => {
            let a = scope.resolve_strictly(a, text)?;
            let b = scope.resolve_strictly(b, text)?;
            compare::answer(&ix.facts, country, a, b, locale)
        }
        Some(PeriodQuery::All) => trend::answer(app, &ix, country, locale).await,
        Some(PeriodQuery::One(r)) => {
            let chosen = scope.resolve(r, text)?;
            answer(app, &ix, country, chosen, locale).await
        }
        None => {
            let chosen = scope
                .default_period()
                .ok_or_else(|| user_error(locale, msg::exports_no_figures_at_all()))?;
            answer(app, &ix, country, chosen, locale).await
        }
    }
}

/// Two periods of the world total side by side, as `/exports {a} vs {b}` answers them: each
/// period as read from its text.
pub fn periods_compared(
    ix: &Indexes,
    (a, a_text): (PeriodRef, &str),
    (b, b_text): (PeriodRef, &str),
    locale: Locale,
    today: NaiveDate,
) -> CommandResult {
    let scope = Scope::new(&ix.facts, None, today, locale);
    let a = scope.resolve_strictly(a, a_text)?;
    let b = scope.resolve_strictly(b, b_text)?;
    compare::answer(&ix.facts, None, a, b, locale)
}

async fn answer(
    app: &App,
    ix: &Indexes,
    country: Option<Country>,
    chosen: Chosen,
    locale: Locale,
) -> CommandResult {
    match country {
        Some(c) => country::answer(&ix.facts, c, chosen, locale),
        None => ranking::answer(app, ix, chosen, locale).await,
    }
}

fn list_periods(periods: &[Period], locale: Locale) -> String {
    periods
        .iter()
        .map(|p| p.display(locale))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A country as typed, or a refusal naming the closest ones.
pub(super) fn parse_country(
    ix: &Indexes,
    text: &str,
    locale: Locale,
) -> Result<Country, CommandError> {
    ix.countries.parse(text).map_err(|e| {
        let input = crate::domain::text::truncate(text, 60);
        match e.suggestions.first() {
            Some(c) => user_error(locale, msg::error_unknown_country(&input, c.name(locale))),
            None => user_error(locale, msg::error_unknown_country_no_suggestion(&input)),
        }
    })
}

/// Everything known about one destination in one period, merged from its figures.
#[derive(Clone, Debug, Default)]
struct Destination<'a> {
    current: Option<&'a FigureRow>,
    /// Earlier prints of the value, which the current one replaced.
    earlier: Vec<&'a FigureRow>,
    rank: Option<i64>,
    top10: bool,
    /// Ranks and changes printed without a value.
    valueless: Vec<&'a FigureRow>,
}

impl<'a> Destination<'a> {
    fn value(&self) -> Option<Usd> {
        self.current.and_then(|f| usd(f.value_usd))
    }

    /// Changes printed for the destination and period without a value.
    fn changes_alone(&self, facts: &'a FactsCache) -> Vec<&'a FigureSourceRow> {
        self.valueless
            .iter()
            .flat_map(|f| facts.prints(f.id))
            .filter(|p| p.yoy_change_pct.is_some())
            .collect()
    }

    /// The prints behind what is shown: the current value's, or else the ones that printed
    /// the rank (or anything, when none did).
    fn shown_prints(&self, facts: &'a FactsCache) -> Vec<&'a FigureSourceRow> {
        if let Some(f) = self.current {
            return facts.prints(f.id).iter().collect();
        }
        let all: Vec<&FigureSourceRow> = self
            .valueless
            .iter()
            .flat_map(|f| facts.prints(f.id))
            .filter(|p| evidence::citable(p))
            .collect();
        let ranked: Vec<&FigureSourceRow> = all
            .iter()
            .copied()
            .filter(|p| self.rank.is_some() && p.rank == self.rank)
            .collect();
        if ranked.is_empty() { all } else { ranked }
    }

    fn approximate(&self, facts: &FactsCache) -> bool {
        self.current
            .is_some_and(|f| evidence::approximate(facts.prints(f.id)))
    }

    /// The value as first reported, when it was revised since.
    fn first_reported(&self, facts: &'a FactsCache) -> Option<Earlier<'a>> {
        let first = self.earlier.first()?;
        Some(Earlier {
            value: usd(first.value_usd)?,
            approx: evidence::approximate(facts.prints(first.id)),
            change: evidence::change(facts, first, &[]),
        })
    }

    fn change(&self, facts: &'a FactsCache) -> Option<Change<'a>> {
        let also = self.changes_alone(facts);
        match self.current {
            Some(f) => evidence::change(facts, f, &also),
            None => self
                .valueless
                .first()
                .and_then(|f| evidence::change(facts, f, &also)),
        }
    }
}

fn usd(value: Option<i64>) -> Option<Usd> {
    value
        .and_then(|v| u64::try_from(v).ok())
        .and_then(|v| Usd::new(v).ok())
}

fn collate<'a>(
    figures: impl IntoIterator<Item = &'a FigureRow>,
) -> BTreeMap<Country, Destination<'a>> {
    let mut out: BTreeMap<Country, Destination> = BTreeMap::new();
    for f in figures {
        let d = out.entry(f.country).or_default();
        d.rank = d.rank.or(f.rank);
        d.top10 |= f.top10;
        if f.value_usd.is_none() {
            d.valueless.push(f);
        } else if f.superseded_by.is_none() {
            d.current = Some(f);
        } else {
            d.earlier.push(f);
        }
    }
    out
}

fn source_line(s: &FigureSourceRow, others: usize, locale: Locale) -> String {
    // Only an address that passes today's checks becomes a link: one written before them
    // could end the link early and start another.
    let url = s
        .source
        .url
        .as_deref()
        .and_then(|u| SourceUrl::parse(u).ok());
    let name = match url {
        Some(url) => format!("[{}]({url})", escape_link_text(&s.source.publisher)),
        None => escape_link_text(&s.source.publisher),
    };
    let date = s
        .source
        .published_on
        .map(|d| crate::domain::chart::display_day(d, locale));
    let mut line = match date {
        Some(d) => format!("{name}, {d}"),
        None => name,
    };
    if others > 0 {
        line.push_str(&t(locale, msg::exports_confirmed_by(&others.to_string())));
    }
    line
}

fn escape_link_text(s: &str) -> String {
    s.replace('[', "(").replace(']', ")")
}

fn signed_pct(printed: &str) -> String {
    let sign = if printed.starts_with('-') { "" } else { "+" };
    format!("{sign}{printed}%")
}

fn signed_tenths(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "+" };
    format!("{sign}{}.{}%", tenths.abs() / 10, tenths.abs() % 10)
}

/// A change as shown: `+17.1% year on year (Yonhap News Agency)`, cited when printed, with
/// what it was computed against otherwise. `yoy` when it is a change on a year earlier.
fn change_text(change: Change, yoy: bool, locale: Locale) -> String {
    match change {
        Change::Printed {
            pct,
            approx,
            source,
        } => {
            let mut change = signed_pct(pct);
            if approx {
                change = t(locale, msg::exports_about(&change));
            }
            let line = if yoy {
                msg::exports_yoy_printed
            } else {
                msg::exports_change_printed
            };
            t(
                locale,
                line(&change, &escape_link_text(&source.source.publisher)),
            )
        }
        Change::Computed { tenths, against } => {
            let line = if yoy {
                msg::exports_yoy_computed
            } else {
                msg::exports_change_computed
            };
            let value = usd(against.value_usd).map_or_else(String::new, |v| v.headline(locale));
            let period = against.period.display(locale);
            t(locale, line(&signed_tenths(tenths), &value, &period))
        }
    }
}

/// A change in a list line: the change alone, with its publisher when printed.
fn short_change_text(change: Change, locale: Locale) -> String {
    match change {
        Change::Printed { .. } => change_text(change, false, locale),
        Change::Computed { tenths, .. } => signed_tenths(tenths),
    }
}

fn money(v: Usd, approx: bool, locale: Locale) -> String {
    if approx {
        format!("**{}**", t(locale, msg::exports_about(&v.headline(locale))))
    } else {
        format!("**{}** ({})", v.headline(locale), v.exact())
    }
}

fn headline(v: Usd, approx: bool, locale: Locale) -> String {
    if approx {
        t(locale, msg::exports_about(&v.headline(locale)))
    } else {
        v.headline(locale)
    }
}

fn kind_names(kinds: &[SourceKind], locale: Locale) -> String {
    kinds
        .iter()
        .filter_map(|k| match k {
            SourceKind::Blog => Some(msg::source_kind_blog()),
            SourceKind::Forum => Some(msg::source_kind_forum()),
            SourceKind::AiGenerated => Some(msg::source_kind_ai_generated()),
            // Only the weak kinds are ever named.
            _ => None,
        })
        .map(|m| t(locale, m))
        .collect::<Vec<_>>()
        .join("/")
}

/// "⚠️ Reported only by blogs, not by any news outlet." for a fact only weak sources report.
fn weak_words(kinds: &[SourceKind], locale: Locale) -> String {
    t(locale, msg::exports_weak_only(&kind_names(kinds, locale)))
}

/// "blogs only", for a list line.
fn weak_short(kinds: &[SourceKind], locale: Locale) -> String {
    t(locale, msg::exports_weak_short(&kind_names(kinds, locale)))
}

/// [`weak_short`] for a fact reported by `prints`, when only weak sources report it.
fn weak_mark<'a>(
    prints: impl IntoIterator<Item = &'a FigureSourceRow>,
    locale: Locale,
) -> Option<String> {
    evidence::weak_only(prints).map(|kinds| weak_short(&kinds, locale))
}

fn footer(publisher: Option<&str>, period: &str, locale: Locale) -> String {
    match publisher {
        Some(p) => t(locale, msg::exports_footer(p, period)),
        None => t(locale, msg::exports_footer_plain(period)),
    }
}

/// A value as first reported, before the revision shown: its value and change on a year earlier.
#[derive(Clone, Copy, Debug)]
struct Earlier<'a> {
    value: Usd,
    approx: bool,
    change: Option<Change<'a>>,
}

/// "first reported as $132.93M, +17.1% year on year (Yonhap News Agency)"
fn earlier_text(e: &Earlier<'_>, locale: Locale) -> String {
    let mut s = t(
        locale,
        msg::exports_first_reported(&headline(e.value, e.approx, locale)),
    );
    if let Some(change) = e.change {
        s.push_str(", ");
        s.push_str(&change_text(change, true, locale));
    }
    s
}

fn instead_line(chosen: Chosen, locale: Locale) -> Option<String> {
    chosen.instead_of.map(|asked| {
        t(
            locale,
            msg::exports_latest_instead(&asked.display(locale), &chosen.period.display(locale)),
        )
    })
}

/// A destination's share of the period's total: the total of the same release as the
/// destination's figure, said to be the first-reported one when it was revised since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Share {
    /// In tenths of a percent, rounded half up.
    tenths: u128,
    total: Usd,
    first_reported: bool,
}

impl Share {
    fn of(facts: &FactsCache, current: &FigureRow) -> Option<Share> {
        let part = usd(current.value_usd)?;
        let base = evidence::share_base(facts, current)?;
        let total = usd(base.total.value_usd)?;
        let whole = u128::from(total.dollars());
        Some(Share {
            tenths: (u128::from(part.dollars()) * 1000 + whole / 2) / whole,
            total,
            first_reported: base.first_reported,
        })
    }

    /// "12.3%".
    fn percent(&self) -> String {
        format!("{}.{}%", self.tenths / 10, self.tenths % 10)
    }
}

pub async fn complete_country(
    app: &App,
    partial: &str,
    locale: Locale,
) -> anyhow::Result<Vec<Choice>> {
    let ix = app.indexes().await?;
    let known = ix.facts.countries();
    Ok(ix
        .countries
        .complete(partial, known, 25)
        .into_iter()
        .map(|c| {
            let name = match locale {
                Locale::En => format!("{} {} ({})", c.flag(), c.name(Locale::En), c.code()),
                _ => format!("{} {} · {}", c.flag(), c.name(locale), c.name(Locale::En)),
            };
            Choice {
                name,
                value: c.code().to_string(),
            }
        })
        .collect())
}

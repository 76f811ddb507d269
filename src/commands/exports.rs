//! `/exports [country] [period]`: album export figures by destination and period.

mod compare;
mod evidence;
mod periods;

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use super::{CommandError, CommandResult, command, user_error};
use crate::app::cache::FactsCache;
use crate::app::{App, Indexes};
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::{Period, PeriodQuery};
use crate::domain::print::SourceKind;
use crate::domain::source::SourceUrl;
use crate::i18n::{Locale, msg, t};
use crate::reply::json::Choice;
use crate::reply::plot::{self, Bar};
use crate::reply::{Embed, Reply, colour};
use crate::store::{FigureRow, FigureSourceRow};
use evidence::Change;
use periods::{Chosen, Scope};

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

async fn answer(
    app: &App,
    ix: &Indexes,
    country: Option<Country>,
    chosen: Chosen,
    locale: Locale,
) -> CommandResult {
    match country {
        Some(c) => country_answer(&ix.facts, c, chosen, locale),
        None => ranking_answer(app, ix, chosen, locale).await,
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
fn weak_line<'a>(
    prints: impl IntoIterator<Item = &'a FigureSourceRow>,
    locale: Locale,
) -> Option<String> {
    evidence::weak_only(prints)
        .map(|kinds| t(locale, msg::exports_weak_only(&kind_names(&kinds, locale))))
}

/// "blogs only", for a list line.
fn weak_mark<'a>(
    prints: impl IntoIterator<Item = &'a FigureSourceRow>,
    locale: Locale,
) -> Option<String> {
    evidence::weak_only(prints)
        .map(|kinds| t(locale, msg::exports_weak_short(&kind_names(&kinds, locale))))
}

fn footer(publisher: Option<&str>, period: &str, locale: Locale) -> String {
    match publisher {
        Some(p) => t(locale, msg::exports_footer(p, period)),
        None => t(locale, msg::exports_footer_plain(period)),
    }
}

/// "first reported as $132.93M, +17.1% year on year (Yonhap News Agency)"
fn earlier_text(facts: &FactsCache, d: &Destination, locale: Locale) -> Option<String> {
    let first = d.earlier.first()?;
    let value = usd(first.value_usd)?;
    let approx = evidence::approximate(facts.prints(first.id));
    let mut s = t(
        locale,
        msg::exports_first_reported(&headline(value, approx, locale)),
    );
    if let Some(change) = evidence::change(facts, first, &[]) {
        s.push_str(", ");
        s.push_str(&change_text(change, true, locale));
    }
    Some(s)
}

fn instead_line(chosen: Chosen, locale: Locale) -> Option<String> {
    chosen.instead_of.map(|asked| {
        t(
            locale,
            msg::exports_latest_instead(&asked.display(locale), &chosen.period.display(locale)),
        )
    })
}

/// The share of `v` and the words for its total: the total of the same release as the
/// destination's figure, said to be the first-reported one when it was revised since.
fn share_of(facts: &FactsCache, current: &FigureRow) -> Option<(String, Usd, bool)> {
    let part = usd(current.value_usd)?;
    let base = evidence::share_base(facts, current)?;
    let total = usd(base.total.value_usd)?;
    Some((share(part, total), total, base.first_reported))
}

fn country_answer(
    facts: &FactsCache,
    country: Country,
    chosen: Chosen,
    locale: Locale,
) -> CommandResult {
    let period = chosen.period;
    let collated = collate(facts.figures_of(period, country));
    let d = collated.get(&country).cloned().unwrap_or_default();

    let mut lines: Vec<String> = instead_line(chosen, locale).into_iter().collect();
    match d.value() {
        Some(v) => {
            let mut line = money(v, d.approximate(facts), locale);
            if let Some(e) = earlier_text(facts, &d, locale) {
                line.push_str(&format!(" · {e}"));
            }
            lines.push(line);
        }
        None => {
            lines.push(t(locale, msg::exports_value_not_published()));
            let figures = facts.figures_for_country(country);
            if let Some(f) = figures
                .iter()
                .find(|f| f.value_usd.is_some() && f.superseded_by.is_none())
                && let Some(v) = usd(f.value_usd)
            {
                lines.push(t(
                    locale,
                    msg::exports_latest_value(
                        &headline(v, evidence::approximate(facts.prints(f.id)), locale),
                        &f.period.display(locale),
                    ),
                ));
            }
        }
    }
    let shown = d.shown_prints(facts);
    lines.extend(weak_line(shown.iter().copied(), locale));
    let mut facts_line: Vec<String> = Vec::new();
    match (d.rank, d.top10) {
        (Some(r), _) => facts_line.push(t(locale, msg::exports_rank(&r.to_string()))),
        (None, true) => facts_line.push(t(locale, msg::exports_top10_member())),
        _ => {}
    }
    if let Some((share, total, first_reported)) = d.current.and_then(|f| share_of(facts, f)) {
        let line = if first_reported {
            msg::exports_share_first
        } else {
            msg::exports_share
        };
        facts_line.push(t(locale, line(&share, &total.headline(locale))));
    }
    if let Some(change) = d.change(facts) {
        facts_line.push(change_text(change, true, locale));
    }
    if !facts_line.is_empty() {
        lines.push(facts_line.join(" · "));
    }

    let title = format!(
        "{} {} · {}",
        country.flag(),
        country.name(locale),
        period.display(locale)
    );
    let mut embed = Embed::new(colour::EXPORTS)
        .title(title)
        .description(lines.join("\n"));
    let mut cited_publisher = None;
    if let Some((s, others)) = evidence::cite(shown.iter().copied()) {
        embed = embed.field(
            t(locale, msg::exports_source()),
            source_line(s, others, locale),
            false,
        );
        cited_publisher = Some(s.source.publisher.clone());
    }
    if let Some(first) = d.earlier.first()
        && let Some((s, _)) = evidence::cite(facts.prints(first.id))
    {
        embed = embed.field(
            t(locale, msg::exports_first_report()),
            source_line(s, 0, locale),
            false,
        );
    }
    embed = embed.footer(footer(
        cited_publisher.as_deref(),
        &period.display(locale),
        locale,
    ));
    Ok(Reply::embed(embed))
}

fn share(part: Usd, whole: Usd) -> String {
    let tenths =
        (part.dollars() as u128 * 1000 + whole.dollars() as u128 / 2) / whole.dollars() as u128;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

async fn ranking_answer(app: &App, ix: &Indexes, chosen: Chosen, locale: Locale) -> CommandResult {
    let facts = &ix.facts;
    let period = chosen.period;
    let collated = collate(facts.figures_in(period));
    let world = collated.get(&Country::WORLD).cloned();
    let mut entries: Vec<(Country, Destination)> = collated
        .into_iter()
        .filter(|(c, _)| !c.is_world())
        .collect();
    entries.sort_by_key(|(c, d)| (d.rank.unwrap_or(i64::MAX), std::cmp::Reverse(d.value()), *c));

    let mut description: Vec<String> = instead_line(chosen, locale).into_iter().collect();
    match world.as_ref().and_then(|w| Some((w, w.value()?))) {
        Some((w, v)) => {
            let mut line = t(
                locale,
                msg::exports_total(&money(v, w.approximate(facts), locale)),
            );
            if let Some(change) = w.change(facts) {
                line.push_str(&format!(" · {}", change_text(change, true, locale)));
            }
            if let Some(e) = earlier_text(facts, w, locale) {
                line.push_str(&format!(" · {e}"));
            }
            description.push(line);
        }
        None => {
            description.push(t(locale, msg::exports_total_not_published()));
            if let Some(change) = world.as_ref().and_then(|w| w.change(facts)) {
                description.push(change_text(change, true, locale));
            }
        }
    }
    if let Some(w) = &world {
        description.extend(weak_line(w.shown_prints(facts), locale));
    }

    let mut ranking = Vec::new();
    let mut unranked_members = Vec::new();
    let mut first_reported_total = None;
    for (c, d) in &entries {
        let name = format!("{} {}", c.flag(), c.name(locale));
        let figure = match d.value() {
            Some(v) => {
                let mut parts = vec![headline(v, d.approximate(facts), locale)];
                if let Some((share, total, first)) = d.current.and_then(|f| share_of(facts, f)) {
                    if first {
                        first_reported_total = Some(total);
                        parts.push(format!("{share}†"));
                    } else {
                        parts.push(share);
                    }
                }
                parts.extend(weak_mark(d.shown_prints(facts), locale));
                parts.join(" · ")
            }
            None => t(locale, msg::exports_figure_not_published()),
        };
        match d.rank {
            Some(r) => ranking.push(format!("{r}. {name} — {figure}")),
            None if d.value().is_some() => ranking.push(format!("· {name} — {figure}")),
            None if d.top10 => unranked_members.push(name),
            None => {}
        }
    }
    if !unranked_members.is_empty() {
        ranking.push(t(
            locale,
            msg::exports_also_top10(&unranked_members.join(", ")),
        ));
    }
    if let Some(total) = first_reported_total {
        ranking.push(t(
            locale,
            msg::exports_share_first_note(&total.headline(locale)),
        ));
    }

    let mut cited_sources: Vec<&FigureSourceRow> = Vec::new();
    for d in world.iter().chain(entries.iter().map(|(_, d)| d)) {
        if let Some((s, _)) = evidence::cite(d.shown_prints(facts))
            && !cited_sources.iter().any(|c| c.source.id == s.source.id)
        {
            cited_sources.push(s);
        }
    }
    let distinct_reports = entries
        .iter()
        .map(|(_, d)| d)
        .chain(world.iter())
        .flat_map(|d| d.current.iter().chain(&d.earlier).chain(&d.valueless))
        .flat_map(|f| facts.prints(f.id))
        .filter(|p| evidence::citable(p))
        .map(|p| p.source.id)
        .collect::<HashSet<i64>>()
        .len();
    let shown = 4;
    let mut source_text: Vec<String> = cited_sources
        .iter()
        .take(shown)
        .map(|s| source_line(s, 0, locale))
        .collect();
    if distinct_reports > source_text.len() {
        source_text.push(t(
            locale,
            msg::exports_more_reports(&(distinct_reports - source_text.len()).to_string()),
        ));
    }

    let title = t(locale, msg::exports_ranking_title(&period.display(locale)));
    let mut embed = Embed::new(colour::EXPORTS)
        .title(title.clone())
        .description(description.join("\n"));
    if !ranking.is_empty() {
        embed = embed.field(t(locale, msg::exports_ranking()), ranking.join("\n"), false);
    }
    // Market notes carry no claim the export figures are checked against.
    embed = super::milestones::add(
        embed,
        ix,
        ix.facts.market_notes(period),
        |_, _| Vec::new(),
        locale,
    );
    if !source_text.is_empty() {
        embed = embed.field(
            t(locale, msg::exports_sources()),
            source_text.join("\n"),
            false,
        );
    }
    embed = embed.footer(footer(
        cited_sources.first().map(|s| s.source.publisher.as_str()),
        &period.display(locale),
        locale,
    ));

    let bars = ranking_bars(&entries, locale);
    let mut reply = Reply::embed(embed);
    if bars.len() >= 2 {
        let generation = ix.generation;
        let title_for_picture = title.clone();
        let drawn = app
            .picture(
                &format!("exports-{period}"),
                locale,
                generation,
                move || plot::ranking_bars(&title_for_picture, &bars, locale),
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

/// The destinations with a value as bars, in the ranking's order, each with the rank the
/// data gives it (a destination ranked 11th stays 11th, one without a rank has none).
fn ranking_bars(entries: &[(Country, Destination)], locale: Locale) -> Vec<Bar> {
    entries
        .iter()
        .filter_map(|(c, d)| {
            d.value().map(|v| Bar {
                rank: d.rank,
                label: c.name(locale).to_string(),
                value: v.dollars(),
                value_label: v.headline(locale),
            })
        })
        .collect()
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

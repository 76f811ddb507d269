//! `/exports [country] [period]`: album export figures by destination and period.

use std::collections::BTreeMap;

use super::{CommandError, CommandResult, Invocation, user_error};
use crate::app::{App, Indexes};
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::{Period, PeriodInput};
use crate::i18n::{Locale, t};
use crate::reply::json::Choice;
use crate::reply::plot::{self, Bar};
use crate::reply::{Embed, Reply, colour};
use crate::store::{FigureRow, FigureSourceRow};

pub async fn run(app: &App, inv: &Invocation) -> CommandResult {
    let locale = inv.locale;
    let ix = app.indexes().await?;
    let country = match inv.get("country") {
        None => None,
        Some(text) => Some(parse_country(&ix, text, locale)?),
    }
    .filter(|c| !c.is_world());
    let periods: Vec<Period> = ix.facts.periods().iter().map(|(p, _)| *p).collect();
    let period = match inv.get("period") {
        None => None,
        Some(text) => Some(resolve_period(text, &periods, locale)?),
    };
    match country {
        Some(c) => country_answer(&ix, c, period, &periods, locale),
        None => {
            let period = match period {
                Some(p) => p,
                None => latest_year(&periods)
                    .ok_or_else(|| user_error(locale, "exports.no_figures_at_all", &[]))?,
            };
            ranking_answer(app, &ix, period, locale).await
        }
    }
}

fn latest_year(periods: &[Period]) -> Option<Period> {
    periods
        .iter()
        .copied()
        .filter(|p| matches!(p, Period::Year(_)))
        .max_by_key(|p| p.year())
}

fn resolve_period(text: &str, periods: &[Period], locale: Locale) -> Result<Period, CommandError> {
    let available = || list_periods(periods, locale);
    let input = crate::domain::text::truncate(text, 60);
    match PeriodInput::parse(text) {
        Ok(PeriodInput::Exact(p)) if periods.contains(&p) => Ok(p),
        Ok(PeriodInput::Exact(p)) => Err(user_error(
            locale,
            "exports.no_figures_for_period",
            &[("period", &p.display(locale)), ("periods", &available())],
        )),
        Ok(PeriodInput::Yearless(y)) => periods
            .iter()
            .map(|p| p.year())
            .filter(|year| periods.contains(&y.in_year(*year)))
            .max()
            .map(|year| y.in_year(year))
            .ok_or_else(|| {
                user_error(
                    locale,
                    "exports.no_figures_for_period",
                    &[("period", &input), ("periods", &available())],
                )
            }),
        Err(_) => Err(user_error(
            locale,
            "error.bad_period",
            &[("input", &input), ("periods", &available())],
        )),
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
            Some(c) => user_error(
                locale,
                "error.unknown_country",
                &[("input", &input), ("suggestion", c.name(locale))],
            ),
            None => user_error(
                locale,
                "error.unknown_country_no_suggestion",
                &[("input", &input)],
            ),
        }
    })
}

/// Everything known about one destination in one period, merged from its figures.
#[derive(Clone, Debug, Default)]
struct Destination {
    current: Option<FigureRow>,
    earlier: Vec<FigureRow>,
    rank: Option<i64>,
    top10: bool,
    yoy: Option<String>,
    figure_ids: Vec<i64>,
}

impl Destination {
    fn value(&self) -> Option<Usd> {
        self.current
            .as_ref()
            .and_then(|f| f.value_usd)
            .and_then(|v| Usd::new(v as u64).ok())
    }
}

fn collate(figures: Vec<FigureRow>) -> BTreeMap<Country, Destination> {
    let mut out: BTreeMap<Country, Destination> = BTreeMap::new();
    for f in figures {
        let Some(country) = Country::from_code(&f.country) else {
            continue;
        };
        let d = out.entry(country).or_default();
        d.figure_ids.push(f.id);
        d.rank = d.rank.or(f.rank);
        d.top10 |= f.top10;
        if f.value_usd.is_none() {
            d.yoy = d.yoy.take().or(f.yoy_change_pct.clone());
        } else if f.superseded_by.is_none() {
            d.yoy = f.yoy_change_pct.clone().or(d.yoy.take());
            d.current = Some(f);
        } else {
            d.earlier.push(f);
        }
    }
    out
}

/// The source to cite for a figure: the earliest report that printed it in full.
fn cited<'a>(
    sources: &[&'a FigureSourceRow],
    figure_id: i64,
) -> (Option<&'a FigureSourceRow>, usize) {
    let of: Vec<&FigureSourceRow> = sources
        .iter()
        .copied()
        .filter(|s| s.figure_id == figure_id)
        .collect();
    let best = of.iter().find(|s| s.precise).or(of.first()).copied();
    (best, of.len().saturating_sub(1))
}

fn source_line(s: &FigureSourceRow, others: usize, locale: Locale) -> String {
    let name = match &s.source.url {
        Some(url) => format!("[{}]({url})", escape_link_text(&s.source.publisher)),
        None => s.source.publisher.clone(),
    };
    let date = s
        .source
        .published_on
        .as_deref()
        .map(|d| crate::domain::chart::display_date(d, locale));
    let mut line = match date {
        Some(d) => format!("{name}, {d}"),
        None => name,
    };
    if others > 0 {
        line.push_str(&t(
            locale,
            "exports.confirmed_by",
            &[("count", &others.to_string())],
        ));
    }
    line
}

fn escape_link_text(s: &str) -> String {
    s.replace('[', "(").replace(']', ")")
}

fn yoy_text(yoy: &str, locale: Locale) -> String {
    let sign = if yoy.starts_with('-') { "" } else { "+" };
    t(
        locale,
        "exports.yoy",
        &[("change", &format!("{sign}{yoy}%"))],
    )
}

fn money(v: Usd, locale: Locale) -> String {
    format!("**{}** ({})", v.headline(locale), v.exact())
}

fn footer(publisher: Option<&str>, period: Period, locale: Locale) -> String {
    match publisher {
        Some(p) => t(
            locale,
            "exports.footer",
            &[("publisher", p), ("period", &period.display(locale))],
        ),
        None => t(
            locale,
            "exports.footer_plain",
            &[("period", &period.display(locale))],
        ),
    }
}

/// "first reported as $132.93M, +17.1% year on year"
fn earlier_text(d: &Destination, locale: Locale) -> Option<String> {
    let first = d.earlier.first()?;
    let value = Usd::new(first.value_usd? as u64).ok()?;
    let mut s = t(
        locale,
        "exports.first_reported",
        &[("value", &value.headline(locale))],
    );
    if let Some(y) = &first.yoy_change_pct {
        s.push_str(", ");
        s.push_str(&yoy_text(y, locale));
    }
    Some(s)
}

fn country_answer(
    ix: &Indexes,
    country: Country,
    period: Option<Period>,
    periods: &[Period],
    locale: Locale,
) -> CommandResult {
    let figures = ix.facts.figures_for_country(country);
    if figures.is_empty() {
        let known: Vec<&str> = ix
            .facts
            .countries()
            .iter()
            .map(|c| c.name(locale))
            .collect();
        return Err(user_error(
            locale,
            "exports.no_figures_for_country",
            &[
                ("country", country.name(locale)),
                ("countries", &known.join(", ")),
            ],
        ));
    }
    let by_period = |p: Period| -> Vec<FigureRow> {
        figures
            .iter()
            .filter(|f| f.period == p.label())
            .cloned()
            .collect()
    };
    let (period, fallback_from) = match period {
        Some(p) if by_period(p).is_empty() => {
            let theirs: Vec<Period> = periods
                .iter()
                .copied()
                .filter(|q| !by_period(*q).is_empty())
                .collect();
            return Err(user_error(
                locale,
                "exports.no_figure_for_country_period",
                &[
                    ("country", country.name(locale)),
                    ("period", &p.display(locale)),
                    ("periods", &list_periods(&theirs, locale)),
                ],
            ));
        }
        Some(p) => (p, None),
        None => {
            let latest =
                latest_year(periods).expect("the country has figures, so some period exists");
            if by_period(latest).is_empty() {
                // Prefer the newest period with a value; a rank alone says less.
                let newest = figures
                    .iter()
                    .find(|f| f.value_usd.is_some())
                    .or(figures.first())
                    .expect("non-empty");
                (
                    Period::parse(&newest.period).map_err(anyhow::Error::from)?,
                    Some(latest),
                )
            } else {
                (latest, None)
            }
        }
    };
    let mut all = by_period(period);
    let world_figures = ix
        .facts
        .figures_for_period(period)
        .into_iter()
        .filter(|f| f.country == "WORLD");
    all.extend(world_figures);
    let collated = collate(all);
    let d = collated.get(&country).cloned().unwrap_or_default();
    let world = collated.get(&Country::WORLD).and_then(Destination::value);
    let sources = ix.facts.figure_sources(&d.figure_ids);

    let mut lines: Vec<String> = Vec::new();
    if let Some(skipped) = fallback_from {
        lines.push(t(
            locale,
            "exports.latest_instead",
            &[
                ("year", &skipped.display(locale)),
                ("period", &period.display(locale)),
            ],
        ));
    }
    match d.value() {
        Some(v) => {
            let mut line = money(v, locale);
            if let Some(e) = earlier_text(&d, locale) {
                line.push_str(&format!(" · {e}"));
            }
            lines.push(line);
        }
        None => {
            lines.push(t(locale, "exports.value_not_published", &[]));
            if let Some(f) = figures
                .iter()
                .find(|f| f.value_usd.is_some() && f.superseded_by.is_none())
                && let (Some(v), Ok(p)) = (
                    f.value_usd.and_then(|v| Usd::new(v as u64).ok()),
                    Period::parse(&f.period),
                )
            {
                lines.push(t(
                    locale,
                    "exports.latest_value",
                    &[
                        ("value", &v.headline(locale)),
                        ("period", &p.display(locale)),
                    ],
                ));
            }
        }
    }
    let mut facts: Vec<String> = Vec::new();
    match (d.rank, d.top10) {
        (Some(r), _) => facts.push(t(locale, "exports.rank", &[("rank", &r.to_string())])),
        (None, true) => facts.push(t(locale, "exports.top10_member", &[])),
        _ => {}
    }
    if let (Some(v), Some(w)) = (d.value(), world) {
        facts.push(t(
            locale,
            "exports.share",
            &[("share", &share(v, w)), ("total", &w.headline(locale))],
        ));
    }
    if let Some(y) = &d.yoy {
        facts.push(yoy_text(y, locale));
    }
    if !facts.is_empty() {
        lines.push(facts.join(" · "));
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
    let anchor = d
        .current
        .as_ref()
        .map(|f| f.id)
        .or(d.figure_ids.first().copied());
    let mut cited_publisher = None;
    if let Some((Some(s), others)) = anchor.map(|id| cited(&sources, id)) {
        embed = embed.field(
            t(locale, "exports.source", &[]),
            source_line(s, others, locale),
            false,
        );
        cited_publisher = Some(s.source.publisher.clone());
    }
    if let Some(first) = d.earlier.first()
        && let (Some(s), _) = cited(&sources, first.id)
    {
        embed = embed.field(
            t(locale, "exports.first_report", &[]),
            source_line(s, 0, locale),
            false,
        );
    }
    embed = embed.footer(footer(cited_publisher.as_deref(), period, locale));
    Ok(Reply::embed(embed))
}

fn share(part: Usd, whole: Usd) -> String {
    let tenths =
        (part.dollars() as u128 * 1000 + whole.dollars() as u128 / 2) / whole.dollars() as u128;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

async fn ranking_answer(app: &App, ix: &Indexes, period: Period, locale: Locale) -> CommandResult {
    let collated = collate(ix.facts.figures_for_period(period));
    let world = collated.get(&Country::WORLD).cloned();
    let mut entries: Vec<(Country, Destination)> = collated
        .into_iter()
        .filter(|(c, _)| !c.is_world())
        .collect();
    entries.sort_by_key(|(c, d)| (d.rank.unwrap_or(i64::MAX), std::cmp::Reverse(d.value()), *c));
    let total = world.as_ref().and_then(Destination::value);

    let mut description = Vec::new();
    match (&world, total) {
        (Some(w), Some(v)) => {
            let mut line = t(locale, "exports.total", &[("value", &money(v, locale))]);
            if let Some(e) = earlier_text(w, locale) {
                line.push_str(&format!(" · {e}"));
            } else if let Some(y) = &w.yoy {
                line.push_str(&format!(" · {}", yoy_text(y, locale)));
            }
            description.push(line);
        }
        _ => description.push(t(locale, "exports.total_not_published", &[])),
    }

    let mut ranking = Vec::new();
    let mut unranked_members = Vec::new();
    for (c, d) in &entries {
        let name = format!("{} {}", c.flag(), c.name(locale));
        let figure = match (d.value(), total) {
            (Some(v), Some(w)) => format!("{} · {}", v.headline(locale), share(v, w)),
            (Some(v), None) => v.headline(locale),
            (None, _) => t(locale, "exports.figure_not_published", &[]),
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
            "exports.also_top10",
            &[("countries", &unranked_members.join(", "))],
        ));
    }

    let mut all_ids: Vec<i64> = entries
        .iter()
        .flat_map(|(_, d)| d.figure_ids.clone())
        .collect();
    all_ids.extend(world.iter().flat_map(|w| w.figure_ids.clone()));
    let sources = ix.facts.figure_sources(&all_ids);
    let mut cited_sources: Vec<&FigureSourceRow> = Vec::new();
    for d in world.iter().chain(entries.iter().map(|(_, d)| d)) {
        if let Some(id) = d.current.as_ref().map(|f| f.id)
            && let (Some(s), _) = cited(&sources, id)
            && !cited_sources.iter().any(|c| c.source.id == s.source.id)
        {
            cited_sources.push(s);
        }
    }
    let distinct_reports = {
        let mut ids: Vec<i64> = sources.iter().map(|s| s.source.id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let shown = 4;
    let mut source_text: Vec<String> = cited_sources
        .iter()
        .take(shown)
        .map(|s| source_line(s, 0, locale))
        .collect();
    if distinct_reports > source_text.len() {
        source_text.push(t(
            locale,
            "exports.more_reports",
            &[("count", &(distinct_reports - source_text.len()).to_string())],
        ));
    }

    let title = t(
        locale,
        "exports.ranking_title",
        &[("period", &period.display(locale))],
    );
    let mut embed = Embed::new(colour::EXPORTS)
        .title(title)
        .description(description.join("\n"));
    if !ranking.is_empty() {
        embed = embed.field(t(locale, "exports.ranking", &[]), ranking.join("\n"), false);
    }
    let notes: Vec<_> = ix.facts.market_notes().collect();
    if !notes.is_empty() {
        let lines: Vec<String> = notes
            .iter()
            .map(|n| {
                format!(
                    "• {} ({})",
                    n.text,
                    t(
                        locale,
                        "as_of",
                        &[(
                            "date",
                            &crate::domain::chart::display_date(&n.as_of, locale)
                        )]
                    )
                )
            })
            .collect();
        embed = embed.field(t(locale, "milestones", &[]), lines.join("\n"), false);
    }
    if !source_text.is_empty() {
        embed = embed.field(
            t(locale, "exports.sources", &[]),
            source_text.join("\n"),
            false,
        );
    }
    embed = embed.footer(footer(
        cited_sources.first().map(|s| s.source.publisher.as_str()),
        period,
        locale,
    ));

    let bars: Vec<Bar> = entries
        .iter()
        .filter_map(|(c, d)| {
            d.value().map(|v| Bar {
                label: c.name(Locale::En).to_string(),
                value: v.dollars(),
                value_label: v.headline(Locale::En),
            })
        })
        .collect();
    let mut reply = Reply::embed(embed);
    if bars.len() >= 2 {
        let generation = ix.generation;
        let title = format!("K-pop album exports, {}", period.display(Locale::En));
        let drawn = app
            .picture(&format!("exports-{period}"), generation, move || {
                plot::ranking_bars(&title, &bars)
            })
            .await;
        match drawn {
            Ok(png) => {
                reply = reply.with_picture(
                    format!("exports-{}.png", period.label().replace('/', "_")),
                    t(
                        locale,
                        "exports.chart_alt",
                        &[("period", &period.display(locale))],
                    ),
                    png,
                );
            }
            Err(e) => tracing::warn!(error = ?e, "rendering the ranking picture failed"),
        }
    }
    Ok(reply)
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

pub async fn complete_period(
    app: &App,
    partial: &str,
    inv: &Invocation,
) -> anyhow::Result<Vec<Choice>> {
    let locale = inv.locale;
    let ix = app.indexes().await?;
    let country = inv
        .get("country")
        .and_then(|c| ix.countries.parse(c).ok())
        .filter(|c| !c.is_world());
    let mut periods: Vec<(Period, usize)> = ix.facts.periods().to_vec();
    if let Some(c) = country {
        let theirs: Vec<String> = ix
            .facts
            .figures_for_country(c)
            .into_iter()
            .map(|f| f.period)
            .collect();
        periods.retain(|(p, _)| theirs.contains(&p.label()));
    }
    let wanted = PeriodInput::parse(partial).ok();
    let q = crate::domain::text::fold(partial);
    let mut out: Vec<(u8, Choice)> = Vec::new();
    for (p, count) in periods {
        let label = p.label();
        let shown = p.display(locale);
        let class = match wanted {
            Some(PeriodInput::Exact(w)) if w == p => 0,
            Some(PeriodInput::Yearless(y)) if y.in_year(p.year()) == p => 1,
            _ if q.is_empty() => 2,
            _ if crate::domain::text::fold(&shown).contains(&q)
                || crate::domain::text::fold(&label).contains(&q) =>
            {
                2
            }
            _ => continue,
        };
        let name = t(
            locale,
            "exports.period_choice",
            &[("period", &shown), ("count", &count.to_string())],
        );
        out.push((class, Choice { name, value: label }));
    }
    out.sort_by_key(|(class, _)| *class);
    Ok(out.into_iter().map(|(_, c)| c).take(25).collect())
}

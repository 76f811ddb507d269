//! `/exports country:… [period]`: one destination in one period, found as data ([`Found`]) and
//! rendered into its embed apart.

use super::evidence::{self, Change};
use super::periods::Chosen;
use super::{
    Earlier, Share, change_text, collate, earlier_text, footer, headline, instead_line, money,
    source_line, usd, weak_words,
};
use crate::app::cache::FactsCache;
use crate::commands::CommandResult;
use crate::domain::country::Country;
use crate::domain::money::Usd;
use crate::domain::period::Period;
use crate::domain::print::SourceKind;
use crate::i18n::{Locale, msg, t};
use crate::reply::{Embed, Reply, colour};
use crate::store::FigureSourceRow;

/// What a `/exports` answer about one destination says.
#[derive(Debug)]
pub(super) struct Found<'a> {
    pub country: Country,
    pub chosen: Chosen,
    pub figure: Figure<'a>,
    /// The kinds of source behind what is shown, when only weak ones report it.
    pub weak_only: Option<Vec<SourceKind>>,
    pub rank: Option<i64>,
    pub top10: bool,
    pub share: Option<Share>,
    pub change: Option<Change<'a>>,
    /// The print cited for what is shown, and how many other sources printed it too.
    pub cited: Option<(&'a FigureSourceRow, usize)>,
    /// The print cited for the value as first reported, when it was revised since.
    pub first_report: Option<&'a FigureSourceRow>,
}

/// The destination's value in the period, or that none was published.
#[derive(Debug)]
pub(super) enum Figure<'a> {
    Value {
        value: Usd,
        approx: bool,
        /// The value as first reported, when it was revised since.
        earlier: Option<Earlier<'a>>,
    },
    /// No value for the period; the destination's latest value elsewhere, if any.
    NotPublished { latest: Option<(Usd, bool, Period)> },
}

pub(super) fn answer(
    facts: &FactsCache,
    country: Country,
    chosen: Chosen,
    locale: Locale,
) -> CommandResult {
    Ok(Reply::embed(render(&find(facts, country, chosen), locale)))
}

/// What is known about `country` in the chosen period.
pub(super) fn find(facts: &FactsCache, country: Country, chosen: Chosen) -> Found<'_> {
    let collated = collate(facts.figures_of(chosen.period, country));
    let d = collated.get(&country).cloned().unwrap_or_default();
    let figure = match d.value() {
        Some(value) => Figure::Value {
            value,
            approx: d.approximate(facts),
            earlier: d.first_reported(facts),
        },
        None => Figure::NotPublished {
            latest: facts
                .figures_for_country(country)
                .into_iter()
                .find(|f| f.value_usd.is_some() && f.superseded_by.is_none())
                .and_then(|f| {
                    let approx = evidence::approximate(facts.prints(f.id));
                    Some((usd(f.value_usd)?, approx, f.period))
                }),
        },
    };
    let shown = d.shown_prints(facts);
    Found {
        country,
        chosen,
        figure,
        weak_only: evidence::weak_only(shown.iter().copied()),
        rank: d.rank,
        top10: d.top10,
        share: d.current.and_then(|f| Share::of(facts, f)),
        change: d.change(facts),
        cited: evidence::cite(shown.iter().copied()),
        first_report: d
            .earlier
            .first()
            .and_then(|first| evidence::cite(facts.prints(first.id)))
            .map(|(s, _)| s),
    }
}

/// A destination's answer as its embed.
pub(super) fn render(found: &Found<'_>, locale: Locale) -> Embed {
    let period = found.chosen.period;
    let title = format!(
        "{} {} · {}",
        found.country.flag(),
        found.country.name(locale),
        period.display(locale)
    );
    let mut embed = Embed::new(colour::EXPORTS)
        .title(title)
        .description(description(found, locale).join("\n"));
    if let Some((s, others)) = found.cited {
        embed = embed.field(
            t(locale, msg::exports_source()),
            source_line(s, others, locale),
            false,
        );
    }
    if let Some(s) = found.first_report {
        embed = embed.field(
            t(locale, msg::exports_first_report()),
            source_line(s, 0, locale),
            false,
        );
    }
    embed.footer(footer(
        found.cited.map(|(s, _)| s.source.publisher.as_str()),
        &period.display(locale),
        locale,
    ))
}

/// The value (or that none was published), its weak sources, then rank, share and change.
fn description(found: &Found<'_>, locale: Locale) -> Vec<String> {
    let mut lines: Vec<String> = instead_line(found.chosen, locale).into_iter().collect();
    match &found.figure {
        Figure::Value {
            value,
            approx,
            earlier,
        } => {
            let mut line = money(*value, *approx, locale);
            if let Some(e) = earlier {
                line.push_str(&format!(" · {}", earlier_text(e, locale)));
            }
            lines.push(line);
        }
        Figure::NotPublished { latest } => {
            lines.push(t(locale, msg::exports_value_not_published()));
            if let Some((v, approx, p)) = latest {
                lines.push(t(
                    locale,
                    msg::exports_latest_value(&headline(*v, *approx, locale), &p.display(locale)),
                ));
            }
        }
    }
    if let Some(kinds) = &found.weak_only {
        lines.push(weak_words(kinds, locale));
    }
    let mut facts_line: Vec<String> = Vec::new();
    match (found.rank, found.top10) {
        (Some(r), _) => facts_line.push(t(locale, msg::exports_rank(&r.to_string()))),
        (None, true) => facts_line.push(t(locale, msg::exports_top10_member())),
        _ => {}
    }
    if let Some(share) = &found.share {
        let line = if share.first_reported {
            msg::exports_share_first
        } else {
            msg::exports_share
        };
        facts_line.push(t(
            locale,
            line(&share.percent(), &share.total.headline(locale)),
        ));
    }
    if let Some(change) = found.change {
        facts_line.push(change_text(change, true, locale));
    }
    if !facts_line.is_empty() {
        lines.push(facts_line.join(" · "));
    }
    lines
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::store::{Actor, Store};

    /// A store holding only `csv`'s export figures, as the answers read them.
    pub(in crate::commands::exports) async fn facts(csv: &str) -> (tempfile::TempDir, FactsCache) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("facts.db")).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        crate::import::exports::import(&mut tx, csv.as_bytes(), &Actor::Cli, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let facts = FactsCache::load(&store).await.unwrap();
        (dir, facts)
    }

    pub(in crate::commands::exports) const HEAD: &str = "period,country,value_usd,rank,yoy_change_pct,publisher,title,url,\
                        published_on,note,publisher_detail,source_kind\n";

    #[tokio::test]
    async fn the_newspaper_is_cited_over_an_earlier_blog_and_the_blog_counts_as_confirming() {
        let csv = format!(
            "{HEAD}2001,WORLD,1000000,,,Daily,,https://daily.example/total,2002-01-20,,,newspaper\n\
             2001,US,250000,1,,Fan Blog,,https://blog.example/us,2002-01-10,,,blog\n\
             2001,US,250000,1,,Daily,,https://daily.example/total,2002-01-20,,,newspaper\n"
        );
        let (_dir, facts) = facts(&csv).await;
        let chosen = Chosen {
            period: Period::parse("2001").unwrap(),
            instead_of: None,
        };
        let found = find(&facts, Country::from_code("US").unwrap(), chosen);
        let (cited, others) = found.cited.unwrap();
        assert_eq!(cited.source.publisher, "Daily");
        assert_eq!(others, 1);
        // A newspaper reports it too, so it is not marked as known from blogs only.
        assert_eq!(found.weak_only, None);
        assert_eq!(found.rank, Some(1));
        let share = found.share.unwrap();
        assert_eq!((share.tenths, share.first_reported), (250, false));
        assert!(matches!(
            found.figure,
            Figure::Value {
                approx: false,
                earlier: None,
                ..
            }
        ));
    }
}
